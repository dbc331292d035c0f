"""What the server relies on that Dash does not promise: one item, tested in tests/test_compat.py.

**Script tags in the index.** Dash hands ``interpolate_index`` (public, documented for
overriding) its ``<script src>`` tags as one HTML string. :func:`drop_scripts` removes the tags
of some libraries from it. That the string holds one ``<script src="...">`` tag per library
bundle is Dash's output format, not its API: ``tests/test_compat.py`` fails loudly when the
dash-ag-grid tag is no longer found in the real index's scripts, instead of the trick silently
stopping (every page would then carry AG Grid again).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

SCRIPT_TAG: Final = re.compile(r'<script src="(?P<src>[^"]+)"></script>\s*')


def script_sources(scripts: str) -> list[str]:
    """The ``src`` of every ``<script src>`` tag in Dash's scripts HTML, in order."""
    return [match["src"] for match in SCRIPT_TAG.finditer(scripts)]


def drop_scripts(scripts: str, fragments: Iterable[str]) -> str:
    """``scripts`` without the tags whose ``src`` contains one of ``fragments``."""
    dropped = tuple(fragments)

    def keep_or_drop(match: re.Match[str]) -> str:
        return "" if any(part in match["src"] for part in dropped) else match[0]

    return SCRIPT_TAG.sub(keep_or_drop, scripts)
