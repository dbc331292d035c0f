"""Where the tests find the source report (never read by the app at run time)."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_NAME = "reporte-seguimiento-pesem-rree-2020.md"


def seed_path() -> Path:
    """The seed report: $PESEM_SEED, else shared/seed/ next to the repository."""
    env = os.environ.get("PESEM_SEED")
    path = Path(env) if env else REPO.parent / "shared" / "seed" / SEED_NAME
    if not path.is_file():
        message = f"seed report not found at {path} (set PESEM_SEED to its path)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI always has shared/ beside the clone: never skip there
        pytest.skip(message)
    return path
