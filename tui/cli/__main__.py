"""`python -m tui.cli` runs the newsmark command line."""

import sys

from tui.cli import main

sys.exit(main())
