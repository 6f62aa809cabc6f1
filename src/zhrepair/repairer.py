"""The :class:`Repairer`: owns the loaded resources and runs the pipeline stages.

normalise → candidates → scoring → decoder → edits (see DESIGN.md §2). Long documents
are processed in blocks of paragraphs, each with its own document model, so memory stays
bounded by the block size.
"""

from __future__ import annotations

import bisect
import logging
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Sequence, Union

from . import candidates, chrome, decoder, detection, normalise
from .config import RepairConfig
from .languagemodel import LanguageModel
from .lexicon import Lexicon, default_char_swaps, load_lexicon
from .lexicon import default_lexicon as shipped_lexicon
from .results import Alternative, Detection, Edit, EditKind, Evidence, RepairResult, apply_edits
from .scoring import Context, SiteScorer
from .segment import Segmenter
from .sites import Site

log = logging.getLogger(__name__)

STRONG_REASON = "form rare in clean text"
LexiconSource = Union[str, "os.PathLike[str]", Lexicon]


class Repairer:
    """Repairs and scores documents with one set of lexicons and one language model.

    ``lexicons``: extra lexicons, as paths (native TSV, or any spinner format — see
    :mod:`zhrepair.importers`) or :class:`Lexicon` objects. ``default_lexicon``: also load
    the shipped lexicon and char-swap rules. ``model_path``/``vocab_path``: another KenLM
    model. Other keywords are :class:`RepairConfig` options. Resources load on first use,
    once; a Repairer may be shared between threads.
    """

    def __init__(
        self,
        lexicons: Sequence[LexiconSource] = (),
        *,
        config: RepairConfig | None = None,
        default_lexicon: bool = True,
        char_swaps: Lexicon | None = None,
        model_path: str | os.PathLike[str] | None = None,
        vocab_path: str | os.PathLike[str] | None = None,
        stuffing_keywords: Sequence[str] = (),
        **options: Any,
    ) -> None:
        if isinstance(lexicons, (str, os.PathLike, Lexicon)):
            lexicons = [lexicons]
        self.config = (config or RepairConfig()).merged(**options)
        self.config.validate()
        self.lexicon = Lexicon(name="combined")
        if default_lexicon:
            self.lexicon.update(shipped_lexicon())
        for lex in lexicons:
            self.lexicon.update(lex if isinstance(lex, Lexicon) else _load_any(lex))
        self.char_swaps = char_swaps if char_swaps is not None else (default_char_swaps() if default_lexicon else Lexicon())
        self.stuffing_keywords = frozenset(stuffing_keywords)
        self._model_path, self._vocab_path = model_path, vocab_path
        self._lock = threading.Lock()
        self._lm: LanguageModel | None = None
        self._finder: candidates.CandidateFinder | None = None
        self._scorer: SiteScorer | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the configuration and lexicons only: a copy sent to a worker process
        (multiprocessing, Spark, Dask, Ray) loads the model there, on first use."""
        state = self.__dict__.copy()
        state.update(_lock=None, _lm=None, _finder=None, _scorer=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Repairer {len(self.lexicon)} lexicon entries, model={'loaded' if self._lm else 'not loaded'}>"

    # -- resources ---------------------------------------------------------------------
    def load(self) -> "Repairer":
        """Load the model and build the scanners now (otherwise done on first use)."""
        if self._scorer is None:
            with self._lock:
                if self._scorer is None:
                    lm = LanguageModel(self._model_path, self._vocab_path)
                    if self.config.thesaurus:
                        self._add_thesaurus(lm)
                    self._finder = candidates.CandidateFinder(self.lexicon, self.char_swaps, lm, self.config.single_char_forms)
                    self._lm = lm
                    self._scorer = SiteScorer(lm, Segmenter(lm.unigram, lm.unk_logprob), window=self.config.window)
        return self

    def _add_thesaurus(self, lm: LanguageModel) -> None:
        """Synonym candidates for words no loaded lexicon knows (source ``cilin``)."""
        from . import thesaurus

        known = set(self.lexicon.spun_forms()) | self.lexicon.whitelist
        pairs = ((s, o) for s, o in thesaurus.restoration_pairs(lm.logprob) if s not in known)
        self.lexicon.update(Lexicon.from_pairs(pairs, name=thesaurus.THESAURUS_SOURCE, weight=1.0))

    # -- public API --------------------------------------------------------------------
    def repair(self, text: str, **options: Any) -> RepairResult:
        """The most likely original of *text*, with every edit and the spin score."""
        edits, found = self._run(text, self.config.merged(**options), repair=True)
        if not edits:
            return RepairResult(text, (), found.score, found)
        return RepairResult(apply_edits(text, edits), tuple(edits), found.score, found)

    def detect(self, text: str, **options: Any) -> Detection:
        """How likely *text* was spun: a score in [0, 1] and the evidence behind it."""
        return self._run(text, self.config.merged(**options), repair=False)[1]

    def _run(self, text: str, config: RepairConfig, repair: bool) -> tuple[list[Edit], Detection]:
        view = normalise.normalise(text)
        edits: list[Edit] = []
        evidence: list[Evidence] = []
        scores: list[tuple[float, int]] = []
        fluencies: list[tuple[float, int]] = []
        llr = 0.0
        for start, end in _blocks(view.text, config.block_chars):
            sites, doc = self._analyse(view, start, end, config, rescore=repair)
            scores.append((doc.spin_score, end - start))
            if doc.fluency is not None:
                fluencies.append((doc.fluency, end - start))
            llr += doc.llr
            evidence.extend(_evidence(sites, doc))
            if repair:
                edits.extend(self._edit(view, d, config) for d in decoder.decide(sites, doc, config))
        if repair and config.remove_chrome:
            edits = _with_chrome(edits, chrome.find_chrome(view.original, match_text=view.text))
        evidence.sort(key=_evidence_rank)
        score = _weighted_mean(scores)
        flu_mean = _weighted_mean(fluencies) if fluencies else None
        return edits, Detection(score, score >= 0.5, tuple(evidence), round(llr, 3), flu_mean)

    # -- stages ------------------------------------------------------------------------
    def _analyse(self, view: normalise.View, start: int, end: int, config: RepairConfig, rescore: bool = True):
        """Sites with their scores, and the document model, for ``view.text[start:end]``;
        *rescore*: the second pass over restored context (only decisions need it)."""
        self.load()
        assert self._finder is not None and self._scorer is not None
        text = view.text
        clauses = view.clauses(start, end)
        sites = self._finder.scan(text, clauses, start, end)
        if config.deletions:
            sites.sites += candidates.stuffing_sites(
                text, clauses, self.stuffing_keywords, self._finder.original_sources, self._finder.spun_forms
            )
        clause_starts = [c.start for c in clauses]
        placed = [(_clause_of(text, clauses, clause_starts, site), site) for site in sites.sites]
        context = Context(text)
        for clause, site in placed:
            self._scorer.score_site(clause, site, context)
        scored = [site for _, site in placed]
        doc = decoder.model_document(scored, sites.opportunities, config, sites.standing)
        # past the clip the known forms settle the score; fluency would cost a full segmentation
        if doc.llr < detection.LLR_CLIP[1]:
            doc.fluency = detection.fluency(clauses, self._scorer.segmenter, self._lm)
        doc.spin_score = detection.spin_probability(doc.llr, doc.fluency)
        if rescore and (doc.is_spun or doc.detected) and config.context_pass:
            # judge every site again with its neighbours restored, then fit the document's
            # parameters again on those surer scores (its verdict stays that of the first pass)
            changes = [(d.site.start, d.site.end, d.option.text) for d in decoder.decide(scored, doc, config) if d.option]
            context = Context(text, changes)
            ends = [e for _, e, _ in changes]  # sorted: the changes are disjoint
            for clause, site in placed:
                k = bisect.bisect_right(ends, site.start - config.window)  # first change ending near or after
                if k < len(changes) and changes[k][0] < site.end + config.window:
                    self._scorer.score_site(clause, site, context)
            if changes:
                decoder.refit(scored, doc, sites.opportunities, config)
        return scored, doc

    def _edit(self, view: normalise.View, d: decoder.SiteDecision, config: RepairConfig) -> Edit:
        site, option = d.site, d.option
        assert option is not None
        alternatives: tuple[Alternative, ...] = ()
        if config.explain:
            alternatives = tuple(
                Alternative(view.to_input_script(site.start, site.end, site.spun if o is None else o.text), round(p, 4))
                for o, p in d.ranked if o is not option
            )
        return Edit(
            start=site.start,
            end=site.end,
            before=view.original[site.start : site.end],
            after=view.to_input_script(site.start, site.end, option.text),
            confidence=round(d.posterior, 4),
            kind=option.kind,
            source=option.source,
            alternatives=alternatives,
        )


def _clause_of(text: str, clauses: list[normalise.Clause], starts: list[int], site: Site) -> normalise.Clause:
    """The clause (run of Han characters) a site lies in. A lexicon form with other
    characters in it (*** for a censored word, a spam link a dictionary inserts) gets one
    spanning the clauses it touches."""
    k = bisect.bisect_right(starts, site.start) - 1
    if k >= 0 and site.end <= clauses[k].end:
        return clauses[k]
    lo = clauses[k].start if k >= 0 and clauses[k].end > site.start else site.start
    k = bisect.bisect_right(starts, site.end - 1) - 1
    hi = clauses[k].end if k >= 0 and clauses[k].end >= site.end else site.end
    return normalise.Clause(lo, text[lo:hi])


def _with_chrome(edits: list[Edit], chrome_edits: list[Edit]) -> list[Edit]:
    """*edits* plus the page-furniture removals; a removal wins over edits inside it."""
    if not chrome_edits:
        return edits
    spans = [(c.start, c.end) for c in chrome_edits]
    starts = [s for s, _ in spans]

    def inside_chrome(e: Edit) -> bool:
        k = bisect.bisect_right(starts, e.start) - 1
        return any(s < e.end and e.start < t for s, t in spans[max(k, 0) : k + 2])

    kept = [e for e in edits if not inside_chrome(e)]
    return sorted(kept + chrome_edits, key=lambda e: (e.start, e.end))


def _load_any(path: str | os.PathLike[str]) -> Lexicon:
    """A lexicon path: zhrepair TSV (spun first), or another spinner format, sniffed.

    A plain two-column TSV is read as zhrepair TSV, as documented; a spinner's own
    ``original<TAB>spun`` file needs ``load_lexicon(path, format="tab",
    direction="original-first")``.
    """
    from . import importers

    text, _ = importers.decode_bytes(Path(path).read_bytes()[:50_000], "auto")
    fmt = importers.sniff_format(text)
    if fmt in ("zhrepair", "tab"):
        return load_lexicon(path)
    return load_lexicon(path, format=fmt)


def _blocks(text: str, size: int) -> Iterator[tuple[int, int]]:
    """Split at line ends into blocks of about *size* characters (one block when short)."""
    n = len(text)
    start = 0
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut >= 0 else end
        yield start, end
        start = end
    if n == 0:
        yield 0, 0


def _weighted_mean(scores: list[tuple[float, int]]) -> float:
    total = sum(w for _, w in scores)
    if not total:
        return 0.0
    return sum(s * w for s, w in scores) / total


def _evidence(sites: list[Site], doc: decoder.DocumentModel, limit: int = 30) -> list[Evidence]:
    """The spun forms that best show spinning, one per form: rare forms first, then large model gains."""
    by_form: dict[tuple[str, str], Evidence] = {}
    for site in sites:
        best = max(site.options, key=lambda o: o.delta, default=None)
        if best is None or best.kind is EditKind.DELETION or not (site.strong or best.delta > 1.0):
            continue
        key = (site.spun, best.text)
        old = by_form.get(key)
        reason = STRONG_REASON if site.strong else "language model prefers the original"
        if old is None:
            by_form[key] = Evidence(site.start, site.end, site.spun, best.text, round(best.delta, 2), reason)
        else:
            by_form[key] = replace(old, weight=max(old.weight, round(best.delta, 2)), count=old.count + 1)
    out = sorted(by_form.values(), key=_evidence_rank)
    return out[:limit]


def _evidence_rank(e: Evidence) -> tuple[bool, float]:
    return (e.reason != STRONG_REASON, -e.weight)
