"""The one configuration object, :class:`RepairConfig`, and how options merge into it."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class RepairConfig:
    """Every option of :class:`zhrepair.Repairer`; all calls accept them as keywords.

    Decision
        ``min_confidence``: smallest posterior probability at which a site is changed.
        ``min_choice_ratio``: a lone site with several possible originals (胀动 ← 推动 or
        推进?) is changed only when the best is this many times as likely as the next: a
        wrong original is worse than the spun form.
        ``clean_threshold``: a document whose lexicon evidence is below this is judged
        clean; it is then changed only where the detector still calls it spun and one
        site's evidence alone is overwhelming.
        ``overwhelming_margin``: log10 odds a single site needs in a clean document.
        ``lm_weight``: scale of the language model's log10 score differences.
        ``spin_prior``: prior spin rate of a document before any evidence.

    Candidates
        ``char_swaps``: propose character-swap restorations (党筑 → 党建).
        ``deletions``: remove keyword stuffing (机制创新， → 机制，).
        ``single_char_forms``: search single-character spun forms of the lexicons too
        (平→仄, 大→年夜 are real; off saves time on huge lexicons). Fixed when the
        Repairer loads.
        ``thesaurus``: propose more frequent 同义词词林 synonyms for words no lexicon knows
        (for spinners whose dictionary you do not have). Fixed when the Repairer loads.
        These guesses apply only to text detected as spun (``Detection.score`` >= 0.5).
        ``window``: characters of context on each side when scoring a site.
        ``context_pass``: in a spun document, score every site a second time with its
        neighbours restored (better choices, about 1.5 times the time).
        ``remove_chrome``: also remove scraped page furniture (浏览次数:, 返回列表, ...).

    Resources
        ``block_chars``: longer documents are decoded in blocks of about this many
        characters (split at line ends), each with its own document model.

    Output
        ``explain``: fill ``Edit.alternatives`` (slower; off gives bare edits).
    """

    min_confidence: float = 0.5
    min_choice_ratio: float = 1.5
    clean_threshold: float = 0.5
    overwhelming_margin: float = 4.0
    lm_weight: float = 1.0
    spin_prior: float = 0.1
    char_swaps: bool = True
    deletions: bool = True
    single_char_forms: bool = True
    thesaurus: bool = False
    window: int = 3
    context_pass: bool = True
    remove_chrome: bool = False
    block_chars: int = 100_000
    explain: bool = True

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

    def validate(self) -> None:
        for name in ("min_confidence", "clean_threshold", "spin_prior"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {v!r}")
        if self.block_chars < 1000:
            raise ValueError(f"block_chars must be >= 1000, got {self.block_chars!r}")
        if self.min_choice_ratio < 1.0:
            raise ValueError(f"min_choice_ratio must be >= 1, got {self.min_choice_ratio!r}")
        if self.window < 1:
            raise ValueError(f"window must be >= 1, got {self.window!r}")
        if self.lm_weight <= 0:
            raise ValueError(f"lm_weight must be > 0, got {self.lm_weight!r}")
