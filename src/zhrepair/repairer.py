"""Temporary stub: the real Repairer lands shortly (same signature)."""
from __future__ import annotations
from typing import Any, Sequence
from .config import RepairConfig
from .results import Detection, RepairResult


class Repairer:
    def __init__(self, lexicons: Sequence[Any] = (), *, config: RepairConfig | None = None,
                 default_lexicon: bool = True, model_path: Any = None, vocab_path: Any = None,
                 **options: Any) -> None:
        self.config = (config or RepairConfig()).merged(**options)

    def repair(self, text: str, **options: Any) -> RepairResult:
        return RepairResult(text=text)

    def detect(self, text: str) -> Detection:
        return Detection(score=0.0, is_spun=False)
