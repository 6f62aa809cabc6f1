"""Stage 1 — normalise: a simplified-Chinese working view with the input's offsets.

Traditional characters are mapped to simplified with OpenCC (``t2s``) one for one, so an
offset in the working view is the same offset in the input. Replacements are written back
in the script of the text they replace (:meth:`View.to_input_script`). Script is judged
character by character: a text is traditional where it has a character ``t2s`` changes on
its own (後, 發); 覆 is simplified too, so a simplified text holding 回覆 (which ``t2s``
writes 回复 as a phrase) is left as it is, and nothing is written back in traditional there.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

import regex

# A clause: a maximal run of Han characters; everything else (punctuation, Latin, digits,
# whitespace) separates clauses and is never edited by the language-model stages.
_HAN_RUN = regex.compile(r"\p{Han}+")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")


@functools.lru_cache(maxsize=1)
def _converters():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


class Clause:
    """A run of Han characters: ``text`` at ``start:end`` of the working text (a plain slotted
    class, not a frozen dataclass: a document makes one per clause, and this builds 3× faster)."""

    __slots__ = ("start", "text", "end")

    def __init__(self, start: int, text: str) -> None:
        self.start, self.text, self.end = start, text, start + len(text)

    def __repr__(self) -> str:
        return f"Clause(start={self.start!r}, text={self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Clause) and (self.start, self.text) == (other.start, other.text)

    def __hash__(self) -> int:
        return hash((self.start, self.text))


@dataclass(frozen=True)
class View:
    """``text`` is the simplified working copy of ``original`` (same length, same offsets)."""

    original: str
    text: str

    @property
    def converted(self) -> bool:
        return self.text is not self.original and self.text != self.original

    def to_input_script(self, start: int, end: int, replacement: str, context: int = 12,
                        floor: int = 0, ceiling: int | None = None) -> str:
        """*replacement* for ``original[start:end]``, in the script of the text around it
        (*context* characters each side, not outside ``floor:ceiling``, e.g. one block)."""
        if not replacement or not self.converted:
            return replacement
        lo = max(floor, start - context)
        hi = end + context if ceiling is None else min(ceiling, end + context)
        if not has_traditional(self.original[lo:hi]):
            return replacement  # simplified surroundings (mixed-script document)
        return _converters()[1].convert(replacement)

    def clauses(self, start: int = 0, end: int | None = None) -> list[Clause]:
        """The clauses of ``text[start:end]``."""
        stop = len(self.text) if end is None else end
        return [Clause(m.start(), m.group()) for m in _HAN_RUN.finditer(self.text, start, stop)]


class ClauseIndex:
    """Finds the clause a span lies in, among the sorted clauses of one block."""

    def __init__(self, text: str, clauses: list[Clause]) -> None:
        self.text = text
        self.clauses = clauses
        self.starts = [c.start for c in clauses]

    def around(self, start: int, end: int) -> Clause:
        """The clause holding ``text[start:end]``. A span with other characters in it (a
        lexicon form with *** for a censored word, or a spam link) gets one spanning the
        clauses it touches."""
        clauses, starts = self.clauses, self.starts
        k = bisect.bisect_right(starts, start) - 1
        if k >= 0 and end <= clauses[k].end:
            return clauses[k]
        lo = clauses[k].start if k >= 0 and clauses[k].end > start else start
        k = bisect.bisect_right(starts, end - 1) - 1
        hi = clauses[k].end if k >= 0 and clauses[k].end >= end else end
        return Clause(lo, self.text[lo:hi])


@functools.lru_cache(maxsize=65536)
def _traditional_char(ch: str) -> bool:
    return _converters()[0].convert(ch) != ch


def has_traditional(text: str) -> bool:
    """Whether *text* holds a character OpenCC's ``t2s`` changes on its own (a traditional
    form such as 後 or 發; not 覆 or 著, which simplified text has too)."""
    return any(map(_traditional_char, set(text)))


def simplify(text: str) -> str:
    """OpenCC t2s, guaranteed to keep the length (falls back to per-character conversion)."""
    t2s = _converters()[0]
    out = t2s.convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:
        c = t2s.convert(ch)
        chars.append(c if len(c) == 1 else ch)
    return "".join(chars)


def normalise(text: str) -> View:
    """The working view of *text*; ``view.text is text`` when no conversion was needed."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    bad = _SURROGATE.search(text)
    if bad:
        raise ValueError(
            f"text holds a lone surrogate {bad.group()!r} at offset {bad.start()}: it is not valid "
            "Unicode text (decode the input with errors='replace' or fix its source)"
        )
    if text.isascii():
        return View(text, text)
    simplified = simplify(text)
    if simplified == text or not has_traditional(text):
        return View(text, text)  # simplified text, whatever t2s makes of its phrases
    return View(text, simplified)
