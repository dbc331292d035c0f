"""The default semáforo rules: one file, ``pesem/status_rules.yaml``, shipped with the package.

The importer copies it into a data folder that has none (``status_rules.yaml`` there is curated
and never overwritten); the domain falls back to the same defaults.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

#: File name of the rules, in the package and in every data folder.
RULES_FILE = "status_rules.yaml"


def default_rules_text() -> str:
    """The default rules file, verbatim (comments included)."""
    return resources.files("pesem").joinpath(RULES_FILE).read_text(encoding="utf-8")


def load_default_rules() -> dict[str, Any]:
    """The default rules as a mapping: ``thresholds`` and ``labels`` (see the file)."""
    rules = yaml.safe_load(default_rules_text())
    if not isinstance(rules, dict):
        raise ValueError(f"pesem/{RULES_FILE}: expected a mapping at the top level")
    return rules
