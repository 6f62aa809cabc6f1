"""The one configuration object, :class:`RepairConfig`, and how options merge into it."""

from __future__ import annotations

import math
from dataclasses import Field, dataclass, field, fields, replace
from typing import Any

from .tuning import Tuning

#: Options fixed when a Repairer loads its resources: per call they raise TypeError.
LOAD_OPTIONS = frozenset({"thesaurus", "single_char_forms", "chains"})


_KINDS = {"bool": bool, "int": int, "float": float, "str": str}


def option_kind(f: Field[Any]) -> type:
    """The value type of a :class:`RepairConfig` field (``float | None`` -> ``float``)."""
    return _KINDS[str(f.type).split("|")[0].strip()]


def _opt(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class RepairConfig:
    """Every option of :class:`zhrepair.Repairer`; each field's ``metadata["help"]`` says what it does.

    All options apply per call (``repairer.repair(text, min_confidence=0.9)``) except
    ``thesaurus``, ``single_char_forms`` and ``chains``, which decide what the Repairer loads: pass
    them to ``Repairer(...)``. ``None`` means the tuned value (:mod:`zhrepair.tuning`).
    ``min_confidence`` and ``min_choice_ratio`` only filter the output: raising either
    removes edits, never adds or changes one.
    """

    min_confidence: float = _opt(
        0.5, "smallest posterior probability at which a site is changed; a run of touching changes is made only "
        "when each of them reaches it (half a rewritten phrase restored is wrong)")
    min_choice_ratio: float | None = _opt(
        None, "a lone site with several possible originals is changed only when the best is this many times as "
        "likely as the next (default: the tuned 1.5)")
    char_swaps: bool = _opt(True, "propose character-swap restorations (党筑 -> 党建)")
    deletions: bool = _opt(True, "remove keyword stuffing (机制创新， -> 机制，)")
    single_char_forms: bool = _opt(
        True, "search single-character spun forms of the lexicons too (off saves time on huge lexicons); "
        "a Repairer option")
    chains: bool = _opt(
        True, "also propose the originals of forms a spinner that applies a loaded lexicon's entries one after "
        "another in file order makes (A->B then B->C writes C for A; not the shipped lexicon); they restore "
        "only in a document the lexicons' own entries call spun; a Repairer option")
    thesaurus: bool = _opt(
        False, "guess more frequent 同义词词林 synonyms for words no lexicon knows, in text detected as spun; "
        "a Repairer option")
    window: int | None = _opt(None, "characters of context on each side when scoring a site (default: the tuned 3)")
    learned_decision: bool = _opt(
        False, "decide keep/restore/which original with the learned model (data/decision.json) over the "
        "channel's posteriors (experimental: no better on TUNE yet); off: the channel's posteriors alone")
    open_vocabulary: bool = _opt(
        False, "also restore words no lexicon knows, with originals the document alone suggests (the spinner channel "
        "and 词林, judged by the learned document model; for spinners whose dictionary you lack; slow: under a second "
        "per 1,500-character article, where a plain repair takes milliseconds)")
    context_pass: bool = _opt(True, "in a spun document, score every site again with its neighbours restored")
    best_dictionary: bool = _opt(
        True, "with several dictionaries loaded, repair each document with the one that explains it best (a "
        "spinner uses one dictionary; the shipped lexicon always takes part); off: all of them at once")
    remove_chrome: bool = _opt(False, "also remove scraped page furniture (浏览次数:, 返回列表, ...)")
    block_chars: int = _opt(100_000, "longer documents are decoded in blocks of about this many characters")
    explain: bool = _opt(True, "fill Edit.alternatives (off gives bare edits, faster)")

    def merged(self, **options: Any) -> "RepairConfig":
        """A copy with *options* applied; unknown names raise ``TypeError``."""
        if not options:
            return self
        known = {f.name for f in fields(self)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        cfg = replace(self, **options)
        cfg.validate()
        return cfg

    def resolved(self, tuning: Tuning) -> "RepairConfig":
        """A copy with every ``None`` replaced by *tuning*'s value."""
        return replace(
            self,
            min_choice_ratio=tuning.min_choice_ratio if self.min_choice_ratio is None else self.min_choice_ratio,
            window=tuning.window if self.window is None else self.window,
        )

    def validate(self) -> None:
        """Raise ``TypeError``/``ValueError`` naming the first option of a wrong type or out of range."""
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and "None" in str(f.type):
                continue
            kind = option_kind(f)
            if kind is bool:
                ok = isinstance(value, bool)
            elif kind is int:
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not ok:
                raise TypeError(f"{f.name} must be {kind.__name__}, got {value!r}")
            if kind is float and not _finite(value):
                raise ValueError(f"{f.name} must be a finite number, got {value!r}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be in [0, 1], got {self.min_confidence!r}")
        if self.block_chars < 1000:
            raise ValueError(f"block_chars must be >= 1000, got {self.block_chars!r}")
        if self.min_choice_ratio is not None and self.min_choice_ratio < 1.0:
            raise ValueError(f"min_choice_ratio must be >= 1, got {self.min_choice_ratio!r}")
        if self.window is not None and self.window < 1:
            raise ValueError(f"window must be >= 1, got {self.window!r}")


def _finite(value: float) -> bool:
    """Whether *value* is a finite float (an int too big for a float is not)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
