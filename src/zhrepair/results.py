"""Typed result values: :class:`Edit`, :class:`RepairResult`, :class:`Detection`.

Edits are spans of the *input* text (half-open character offsets), so a result can
always be replayed with :func:`apply_edits`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Iterable


class EditKind(str, Enum):
    """What kind of change an :class:`Edit` makes."""

    WORD_SWAP = "word_swap"  # a lexicon synonym swap undone (繁荣 → 发展)
    CHAR_SWAP = "char_swap"  # a character swap inside a word undone (党筑 → 党建)
    DELETION = "deletion"  # keyword stuffing removed (机制创新， → 机制，)
    CHROME = "chrome"  # scraped page furniture removed (浏览次数:, 返回列表)


@dataclass(frozen=True)
class Alternative:
    """Another reading the decoder considered for an edit's span (the spun form kept, or
    another original), with ``score``: its posterior probability, in [0, 1]."""

    text: str
    score: float


@dataclass(frozen=True)
class Edit:
    """One change: ``input[start:end] == before`` becomes ``after``."""

    start: int
    end: int
    before: str
    after: str
    confidence: float = 1.0
    kind: EditKind = EditKind.WORD_SWAP
    source: str = ""
    alternatives: tuple[Alternative, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind.value
        d["alternatives"] = [asdict(a) for a in self.alternatives]
        return d


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replay *edits* (non-overlapping spans of *text*) and return the new text.

    ``ValueError`` for an edit that cannot apply: a span outside the text or backwards,
    two spans that overlap, or a ``before`` that is not the text at its span.
    """
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if not 0 <= e.start <= e.end <= len(text):
            raise ValueError(f"edit span {e.start}:{e.end} is not within the text (0:{len(text)})")
        if e.start < pos:
            raise ValueError(f"overlapping edits at {e.start}")
        if text[e.start : e.end] != e.before:
            raise ValueError(f"edit {e.before!r} does not match the text at {e.start}:{e.end}")
        out.append(text[pos : e.start])
        out.append(e.after)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Evidence:
    """A reason to believe a document was spun: a spun form, first found at ``start:end``.

    ``weight`` is the language model's log10 preference for ``original``; ``count`` how
    often the form occurs among the document's sites.
    """

    start: int
    end: int
    spun: str
    original: str
    weight: float
    reason: str
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Detection:
    """How likely a document was spun: ``score`` in [0, 1], with readable evidence.

    ``llr`` is the log10 likelihood ratio spun vs. clean from the known spun forms found;
    ``fluency`` how much better the language model finds the words in context than alone
    (log10 per character) and ``bigram_share`` the share of words whose bigram the model
    holds (see :mod:`zhrepair.detection`); all three feed ``score``.
    """

    score: float
    is_spun: bool
    evidence: tuple[Evidence, ...] = ()
    llr: float = 0.0
    fluency: float | None = None
    bigram_share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "is_spun": self.is_spun,
            "llr": self.llr,
            "fluency": self.fluency,
            "bigram_share": self.bigram_share,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class RepairResult:
    """The repaired ``text``, the ``edits`` that made it, and the document's ``spin_score``."""

    text: str
    edits: tuple[Edit, ...] = ()
    spin_score: float = 0.0
    detection: Detection | None = field(default=None, compare=False, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "spin_score": self.spin_score,
            "edits": [e.to_dict() for e in self.edits],
        }
