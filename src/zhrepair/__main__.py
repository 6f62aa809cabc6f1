"""``python -m zhrepair``: the command line (:func:`zhrepair.cli.console`)."""

from .cli import console

console()
