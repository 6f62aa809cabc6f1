"""The exceptions zhrepair raises on purpose (besides ``TypeError``/``ValueError`` for bad arguments)."""

from __future__ import annotations


class LexiconError(ValueError):
    """A lexicon file could not be read; the message names the file and line."""


class TextDecodeError(ValueError):
    """Bytes that are not valid UTF-8; the message names where and the byte offset.

    ``start`` is the offset of the first bad byte, ``where`` the file (or ``""``).
    """

    def __init__(self, where: str, start: int, bad: bytes) -> None:
        self.where, self.start, self.bad = where, start, bad
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}invalid UTF-8 at byte {start} ({bad!r})")
