"""zhrepair: repair Chinese text garbled by article spinners (伪原创).

    >>> import zhrepair
    >>> result = zhrepair.repair(text)          # RepairResult: .text, .edits, .spin_score
    >>> zhrepair.detect(text).score              # how likely the text was spun, in [0, 1]
    >>> r = zhrepair.Repairer(lexicons=["my_pairs.tsv"], min_confidence=0.8)

Nothing heavy happens at import: the language model is opened on first use.
"""

from __future__ import annotations

import threading
from typing import Any

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
