"""``python -m zhrepair``: the command line (:func:`zhrepair.cli.main`)."""

import sys

from .cli import main

sys.exit(main())
