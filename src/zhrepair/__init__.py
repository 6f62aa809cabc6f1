"""zhrepair: repair Chinese text garbled by article spinners (伪原创).

    >>> import zhrepair
    >>> result = zhrepair.repair("党筑引颈与科技改进两翼齐飞。")   # RepairResult
    >>> result.text
    '党建引领与科技创新两翼齐飞。'
    >>> [(e.before, e.after) for e in result.edits]
    [('党筑', '党建'), ('引颈', '引领'), ('改进', '创新')]
    >>> result.detection.is_spun, zhrepair.detect("坚持创新驱动发展战略，推动经济高质量发展。").is_spun
    (True, False)
    >>> mine = zhrepair.Lexicon.from_pairs([("哄骗", "利用")], name="mine")
    >>> zhrepair.Repairer(lexicons=[mine], min_confidence=0.8)
    <Repairer 158 lexicon entries, model=not loaded>

Nothing heavy happens at import: the language model is opened on first use.
"""

from __future__ import annotations

import threading
from typing import Any, Iterable

from .alignment import learn_pairs
from .config import RepairConfig
from .importers import load_lexicon
from .lexicon import Lexicon, LexiconEntry, LexiconError
from .repairer import Repairer
from .results import Alternative, Detection, Edit, EditKind, Evidence, RepairResult, apply_edits

__version__ = "0.1.0"

__all__ = [
    "Alternative",
    "Detection",
    "Edit",
    "EditKind",
    "Evidence",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "RepairConfig",
    "RepairResult",
    "Repairer",
    "apply_edits",
    "detect",
    "induce_lexicon",
    "learn_pairs",
    "load_lexicon",
    "repair",
]

_default: Repairer | None = None
_default_lock = threading.Lock()


def default_repairer() -> Repairer:
    """The shared :class:`Repairer` behind :func:`repair` and :func:`detect`, built on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Repairer()
    return _default


def repair(text: str, **options: Any) -> RepairResult:
    """Restore the most likely original of *text*; see :class:`RepairConfig` for options."""
    return default_repairer().repair(text, **options)


def detect(text: str) -> Detection:
    """How likely *text* was spun, with the evidence."""
    return default_repairer().detect(text)


def induce_lexicon(texts: Iterable[str], **options: Any) -> Lexicon:
    """The dictionary of the spinner that wrote *texts* (many pages of one site), learnt from
    the pages alone, for ``Repairer(lexicons=[...])``; empty when they do not look spun.
    Options: those of :func:`zhrepair.induction.induce` (``threshold``, ...)."""
    from .induction import induce_lexicon as induce

    return induce(texts, **options)
