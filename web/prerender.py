"""``python -m web.prerender [--page PATH ...]``: render the static charts not cached yet.

The command line of :func:`web.chart_images.prerender`. A module of its own, which ``web``
does not import: ``python -m web.chart_images`` would run that module a second time beside
the copy the app imports (Python's RuntimeWarning about ``sys.modules``). gunicorn's
``when_ready`` starts it in the background (:func:`web.chart_images.start_prerender`); the
test suite and ``bench/`` run it before their servers start.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Iterable


def main(argv: Iterable[str] | None = None) -> int:
    """Pre-render every page's default-state charts (or only ``--page`` ones) into the cache."""
    parser = argparse.ArgumentParser(prog="python -m web.prerender", description=__doc__)
    parser.add_argument(
        "--page", action="append", default=[], help="only this page path (repeatable)"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s chart_images %(message)s")
    for noisy in ("kaleido", "choreographer", "logistro"):  # a line per browser step
        logging.getLogger(noisy).setLevel(logging.WARNING)
    importlib.import_module("app")  # the pages and their registry, as the server has them
    from web import chart_images

    chart_images.prerender(args.page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
