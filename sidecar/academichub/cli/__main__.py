"""`python -m academichub.cli`: the same as the installed `academichub` command."""

import sys

from . import main

sys.exit(main())
