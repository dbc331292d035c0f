"""``python -m pesem.importer REPORT.md --out DIR``."""

import sys

from .cli import main

sys.exit(main())
