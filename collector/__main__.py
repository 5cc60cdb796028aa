"""`python -m collector` runs the inventory-collector command line."""

import sys

from collector.cli import main

sys.exit(main())
