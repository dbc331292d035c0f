"""Fixtures shared by the browser tests of another report (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pesem.loader import Dataset, load_dataset
from tests.conftest import gunicorn_server
from tests.test_report_variants import variant_dir


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dataset, str]]:
    """The variant's dataset and the base URL of a gunicorn serving it."""
    folder = variant_dir(tmp_path_factory.mktemp("variant"))
    log_path = folder.parent / "gunicorn.log"
    with gunicorn_server({"PESEM_DATA_DIR": str(folder)}, log_path=log_path) as base_url:
        yield load_dataset(folder), base_url
