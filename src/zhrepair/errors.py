"""The exceptions zhrepair raises on purpose (besides ``TypeError``/``ValueError`` for bad arguments)."""

from __future__ import annotations


class LexiconError(ValueError):
    """A lexicon file could not be read; the message names the file and line."""
