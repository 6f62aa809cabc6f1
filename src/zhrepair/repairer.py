"""The :class:`Repairer`: owns the loaded resources and runs the pipeline stages.

normalise → candidates → scoring → decoder (+ detection) → edits (see ARCHITECTURE.md).
Long documents are processed in blocks of paragraphs, each with its own document model,
so memory stays bounded by the block size.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Sequence, Union

from . import candidates, chrome, decision, decoder, detection, importers, lexicon_cache, lexicon_store, normalise
from .bulk import paused_gc
from .cbow import Cbow, CbowMismatch, shared_cbow
from .config import LOAD_OPTIONS, RepairConfig
from .languagemodel import LanguageModel, shared_model
from .lexicon import Lexicon, Membership, default_char_swaps
from .lexicon import default_lexicon as shipped_lexicon
from .results import Alternative, Detection, Edit, Evidence, RepairResult, apply_edits
from .scoring import Context, SiteScorer
from .segment import Segmenter
from .sites import GENERAL_SOURCES, OPEN_VOCABULARY_SOURCE, THESAURUS_SOURCE, Option, Scan, Site, dictionary_of
from .tuning import TUNED, Tuning

log = logging.getLogger(__name__)

LexiconSource = Union[str, "os.PathLike[str]", Lexicon]
RECENT_DETECTIONS = 16  # detections remembered per Repairer (detect() after repair() of the same text)


@dataclass(frozen=True)
class Resources:
    """What a :class:`Repairer` loads once: the model, its segmenter, the candidate finder
    over the lexicons and the site scorer (``Repairer.resources``)."""

    lm: LanguageModel
    segmenter: Segmenter
    finder: candidates.CandidateFinder
    scorer: SiteScorer
    cbow: Cbow | None = None  # the second opinion's vectors (Tuning.cbow_weight), None when off or unavailable


@dataclass
class _Block:
    """One block's analysis: its scored sites and document model."""

    sites: list[Site]
    doc: decoder.DocumentModel
    start: int
    end: int
    evidence: list[Evidence]  # from the first pass, so that repair() and detect() agree

    @property
    def chars(self) -> int:
        return self.end - self.start


class Repairer:
    """Repairs and scores documents with one set of lexicons and one language model.

    ``lexicons``: extra lexicons, as paths (native TSV, or any spinner format — see
    :mod:`zhrepair.importers`) or :class:`Lexicon` objects; ``"installed"`` stands for
    every dictionary ``zhrepair lexicon fetch`` installed, and ``$ZHREPAIR_LEXICONS``
    adds more (see :mod:`zhrepair.lexicon_store`). ``default_lexicon``: also load
    the shipped lexicon and char-swap rules. ``model_path``/``vocab_path``: another KenLM
    model. Other keywords are :class:`RepairConfig` options. Resources load on first use,
    once; a Repairer may be shared between threads.
    """

    def __init__(
        self,
        lexicons: Sequence[LexiconSource] = (),
        *,
        config: RepairConfig | None = None,
        tuning: Tuning | None = None,
        default_lexicon: bool = True,
        char_swap_rules: Lexicon | None = None,
        model_path: str | os.PathLike[str] | None = None,
        vocab_path: str | os.PathLike[str] | None = None,
        stuffing_keywords: Sequence[str] = (),
        **options: Any,
    ) -> None:
        if isinstance(lexicons, (str, os.PathLike, Lexicon)):
            lexicons = [lexicons]
        lexicons = list(lexicon_store.expand([*lexicons, *lexicon_store.from_environment()]))
        self.config = (config or RepairConfig()).merged(**options)
        self.config.validate()
        if tuning is not None and not isinstance(tuning, Tuning):
            raise TypeError(f"tuning must be a zhrepair.tuning.Tuning, got {type(tuning).__name__}")
        self.tuning = tuning or TUNED
        self.lexicon = Lexicon(name="combined")
        with paused_gc():
            if default_lexicon:
                self.lexicon.update(shipped_lexicon())
            loaded = [lex if isinstance(lex, Lexicon) else importers.load_any(lex) for lex in lexicons]
            for lex in loaded:
                self.lexicon.update(lex)
            # chain entries (a sequential spinner's, Lexicon.chains) of the user's lexicons (the
            # sample's spinner, whose pairs the shipped lexicon holds, swaps in one pass), after
            # every lexicon: no chain hides an entry
            chains = [lexicon_cache.chains(lex) for lex in loaded] if self.config.chains else []
            for found in chains:
                self.lexicon.add_missing(found)
            # the loaded dictionaries compete per document (RepairConfig.best_dictionary)
            shipped = {e.source for e in shipped_lexicon()} if default_lexicon else set()
            names = sorted({e.source for lex in loaded for e in lex} - shipped - GENERAL_SOURCES)
            self._membership = Membership(names, [*loaded, *chains]) if len(names) > 1 else None
            # kept to build the finder of the dictionaries a document chooses (_finder_for)
            self._parts = (default_lexicon, loaded, chains) if self._membership is not None else None
            self._finders: dict[str | None, candidates.CandidateFinder] = {}  # per dictionary (None: none), built on first use
        if char_swap_rules is None:
            char_swap_rules = default_char_swaps() if default_lexicon else Lexicon()
        self.char_swap_rules = char_swap_rules
        self.stuffing_keywords = frozenset(stuffing_keywords)
        self._model_path, self._vocab_path = model_path, vocab_path
        self._lock = threading.Lock()
        self._resources: Resources | None = None
        self._recent: OrderedDict[tuple[Any, ...], Detection] = OrderedDict()

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the configuration and lexicons only: a copy sent to a worker process
        (multiprocessing, Spark, Dask, Ray) loads the model there, on first use."""
        state = self.__dict__.copy()
        state.update(_lock=None, _resources=None, _recent=OrderedDict(), _finders={})
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __copy__(self) -> "Repairer":
        """A copy sharing the loaded model, lexicons and scanners (all read-only), with
        its own lock and detection cache."""
        twin = object.__new__(Repairer)
        twin.__dict__.update(self.__dict__, _lock=threading.Lock(), _recent=OrderedDict())
        return twin

    def __repr__(self) -> str:
        return f"<Repairer {len(self.lexicon)} lexicon entries, model={'loaded' if self.loaded else 'not loaded'}>"

    # -- resources ---------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        """Whether the model and scanners are loaded (they load on first use)."""
        return self._resources is not None

    @property
    def resources(self) -> Resources:
        """The loaded model, segmenter, candidate finder and scorer (loading them if needed)."""
        return self.load()._resources  # type: ignore[return-value]

    def load(self) -> "Repairer":
        """Load the model and build the scanners now (otherwise done on first use)."""
        if self._resources is None:
            with self._lock:
                if self._resources is None:
                    lm = shared_model(self._model_path, self._vocab_path)
                    if self.config.thesaurus:
                        self._add_thesaurus(lm)
                    with paused_gc():
                        finder = candidates.CandidateFinder(self.lexicon, self.char_swap_rules, lm, self.tuning,
                                                            self.config.single_char_forms, self._membership)
                    segmenter = lm.segmenter
                    scorer = SiteScorer(lm, segmenter, self.tuning.unigram_discount)
                    self._resources = Resources(lm, segmenter, finder, scorer, self._load_cbow(lm))
        return self

    def _load_cbow(self, lm: LanguageModel) -> Cbow | None:
        """The shipped CBOW vectors when the second opinion is on; None (logged) for a
        language model they were not fitted for."""
        if not self.tuning.cbow_weight:
            return None
        try:
            return shared_cbow(lm)
        except CbowMismatch as exc:
            log.warning("second opinion off: %s", exc)
            return None

    def _add_thesaurus(self, lm: LanguageModel) -> None:
        """Synonym candidates for words no loaded lexicon knows (source ``cilin``)."""
        from . import thesaurus

        known = set(self.lexicon.spun_forms()) | self.lexicon.whitelist
        guesses = thesaurus.restoration_pairs(lm.logprob, self.tuning.thesaurus_max_options, self.tuning.thesaurus_min_gain)
        pairs = ((s, o) for s, o in guesses if s not in known)
        self.lexicon.update(Lexicon.from_pairs(pairs, name=THESAURUS_SOURCE, weight=1.0))

    # -- public API --------------------------------------------------------------------
    def repair(self, text: str, **options: Any) -> RepairResult:
        """The most likely original of *text*, with every edit, the spin score and the
        :class:`Detection` it computed on the way (``result.detection``)."""
        config = self._call_config(options)
        with paused_gc():  # the pipeline's many short-lived objects form no reference cycles
            return self._repair(text, config)

    def _repair(self, text: str, config: RepairConfig) -> RepairResult:
        view = normalise.normalise(text)
        blocks = self._analyse_blocks(view, config, rescore=True)
        edits = [self._edit(view, b, d, config) for b in blocks for d in self._decide(view, b, config)]
        if config.remove_chrome:
            edits = chrome.merge_chrome(edits, chrome.find_chrome(view.original, match_text=view.text))
        found = self._detection(view, blocks)
        self._remember(text, config, found)
        if not edits:
            return RepairResult(text, (), found.score, found)
        return RepairResult(apply_edits(text, edits), tuple(edits), found.score, found)

    def decision_rows(self, text: str, floor: float) -> list[tuple[list[float], Site, Option, float]]:
        """The learned decision's input for *text*: per option of the sites the decoder ranks
        at posterior *floor* or more, its feature row (:data:`zhrepair.decision.FEATURES`),
        site, option and channel posterior (``benchmarks.train_decision`` fits on these)."""
        config = self._call_config({})
        view = normalise.normalise(text)
        out: list[tuple[list[float], Site, Option, float]] = []
        with paused_gc():
            for start, end in _blocks(view.text, config.block_chars):
                b = self._analyse(view, start, end, config, rescore=True)
                ranked = decoder.rank(b.sites, b.doc, self.tuning, floor=floor)
                rows, keys = decision.site_rows(ranked, b.doc, view.text, self.resources.lm, b.chars,
                                                self.tuning.lm_weight)
                out += [(row, ranked[i].site, option, p) for row, (i, option, p) in zip(rows, keys)]
        return out

    def detect(self, text: str, **options: Any) -> Detection:
        """How likely *text* was spun: a score in [0, 1] and the evidence behind it (no
        decisions are made: cheaper than :meth:`repair`, whose result carries the same)."""
        if not isinstance(text, str):
            raise TypeError(f"expected str, got {type(text).__name__}")
        config = self._call_config(options)
        key = _detection_key(text, config)
        with self._lock:
            found = self._recent.get(key)
        if found is not None:
            return found
        with paused_gc():
            view = normalise.normalise(text)
            found = self._detection(view, self._analyse_blocks(view, config, rescore=False))
        self._remember(text, config, found)
        return found

    def _remember(self, text: str, config: RepairConfig, found: Detection) -> None:
        """Keep the last few detections, so detect() after repair() of the same text is free."""
        with self._lock:
            self._recent[_detection_key(text, config)] = found
            while len(self._recent) > RECENT_DETECTIONS:
                self._recent.popitem(last=False)

    def _call_config(self, options: dict[str, Any]) -> RepairConfig:
        """This call's options merged into the Repairer's; load-time options cannot change per call."""
        for name in sorted(LOAD_OPTIONS & options.keys()):
            if options[name] != getattr(self.config, name):
                raise TypeError(
                    f"{name} decides what a Repairer loads and cannot change per call; "
                    f"use Repairer({name}={options[name]!r})"
                )
        return self.config.merged(**options).resolved(self.tuning)

    def _detection(self, view: normalise.View, blocks: list[_Block]) -> Detection:
        """The document's detection: block scores and fluencies weighted by length."""
        total = sum(b.chars for b in blocks)
        score = sum(b.doc.spin_score * b.chars for b in blocks) / total if total else 0.0
        fluency = _by_length([(b.doc.fluency, b.chars) for b in blocks])
        bigram_share = _by_length([(b.doc.bigram_share, b.chars) for b in blocks])
        found = [e for b in blocks for e in b.evidence]
        found.sort(key=detection.evidence_rank)
        llr = round(sum(b.doc.llr for b in blocks), 3)
        return Detection(score, score >= self.tuning.spun_threshold, tuple(found), llr, fluency, bigram_share)

    # -- stages ------------------------------------------------------------------------
    def _analyse_blocks(self, view: normalise.View, config: RepairConfig, rescore: bool) -> list[_Block]:
        """:meth:`_analyse` of each block of the document (with its open-vocabulary pairs when asked)."""
        guessed = self._open_vocabulary(view.text) if config.open_vocabulary else None
        spans = _blocks(view.text, config.block_chars)
        return [self._analyse(view, start, end, config, rescore, guessed) for start, end in spans]

    def _open_vocabulary(self, text: str) -> candidates.CandidateFinder | None:
        """A finder of the pairs the document alone suggests (:func:`.induction.induce_document`)
        for forms no loaded lexicon knows; None when it suggests none or does not look spun."""
        from . import induction

        res = self.resources
        found = induction.induce_document(text, lm=res.lm)
        known = res.finder.spun_forms | res.finder.whitelist
        pairs = [e for e in found.lexicon(OPEN_VOCABULARY_SOURCE) if e.spun not in known]
        if not pairs:
            return None
        lexicon = Lexicon(pairs, name=OPEN_VOCABULARY_SOURCE)
        return candidates.CandidateFinder(lexicon, Lexicon(), res.lm, self.tuning, self.config.single_char_forms)

    def _analyse(self, view: normalise.View, start: int, end: int, config: RepairConfig, rescore: bool,
                 guessed: candidates.CandidateFinder | None = None) -> _Block:
        """Sites with their scores, and the document model, for ``view.text[start:end]``;
        *rescore*: the second pass over restored context (only decisions need it);
        *guessed*: a finder of the document's open-vocabulary pairs."""
        res, tuning = self.resources, self.tuning
        window = config.window or tuning.window
        text = view.text
        clauses = view.clauses(start, end)
        if config.best_dictionary and self._membership is not None:
            scan, placed = self._best_dictionaries(self._membership, text, clauses, start, end, config, guessed)
        else:
            scan, placed = self._scored(res.finder, text, clauses, start, end, config, guessed)
        sites = [site for _, site in placed]
        doc = decoder.model_document(sites, scan.opportunities, tuning, scan.standing)
        if detection.needs_fluency(doc.llr, tuning):
            doc.fluency, doc.bigram_share = detection.fluency(clauses, res.segmenter, res.lm,
                                                               tuning.fluency_sample_chars)
        doc.spin_score = detection.spin_probability(doc.llr, doc.fluency, doc.bigram_share, tuning)
        doc.detected = doc.spin_score >= tuning.spun_threshold
        found = [_in_input_script(view, e, start, end) for e in detection.evidence(sites)]
        if rescore and (doc.is_spun or doc.detected) and config.context_pass:
            # judge every site again with its neighbours restored (the restorations the
            # tuned thresholds accept, whatever the user's output filters), then fit the
            # document's parameters again on those surer scores (its verdict stays)
            chosen = decoder.decide(sites, doc, tuning, min_confidence=tuning.context_min_confidence,
                                    min_choice_ratio=tuning.min_choice_ratio, whole_runs=False)
            changes = [(d.site.start, d.site.end, d.option.text) for d in chosen if d.option]
            if changes and res.cbow is not None and tuning.cbow_weight:
                # the second opinion counts only in the fit after this pass (refit), so it
                # is asked only here: never for a clean document, nor for detect()
                res.scorer.second_opinion(res.cbow, text, placed, tuning.cbow_weight, tuning.opinion_reach)
            context = Context(text, changes)
            ends = [e for _, e, _ in changes]  # sorted: the changes are disjoint
            nearby = []
            for clause, site in placed:
                k = bisect.bisect_right(ends, site.start - window)  # first change ending near or after
                if k < len(changes) and changes[k][0] < site.end + window:
                    nearby.append((clause, site))
            res.scorer.score_sites(nearby, context, window)
            if changes:
                decoder.refit(sites, doc, scan.opportunities, tuning)
        return _Block(sites, doc, start, end, found)

    def _scored(self, finder: candidates.CandidateFinder, text: str, clauses: list[normalise.Clause], start: int,
                end: int, config: RepairConfig, guessed: candidates.CandidateFinder | None,
                only: tuple[tuple[str, ...], tuple[str, ...]] | None = None
                ) -> tuple[Scan, list[tuple[normalise.Clause, Site]]]:
        """*finder*'s sites in ``text[start:end]`` (with *guessed*'s and keyword stuffing),
        each with its clause and scored in the plain text; *only* (the loaded dictionaries'
        names, the chosen among them): the options and counts of those chosen
        (:func:`_only_dictionaries`), before scoring."""
        res, tuning = self.resources, self.tuning
        scan = finder.scan(text, clauses, start, end, char_swaps=config.char_swaps)
        if guessed is not None:
            scan = scan.joined(guessed.scan(text, clauses, start, end, char_swaps=False))
        if config.deletions:
            scan.sites += candidates.stuffing_sites(text, clauses, self.stuffing_keywords, finder.original_sources,
                                                    finder.spun_forms, tuning.stuffing_min_repeats)
        scan.sites = candidates.drop_protected(scan.sites, scan.protected)
        index = normalise.ClauseIndex(text, clauses)
        placed = [(index.around(site.start, site.end), site) for site in scan.sites]
        if only is not None:
            scan, placed = _only_dictionaries(scan, placed, *only)
        res.scorer.score_sites(placed, Context(text), config.window or tuning.window)
        return scan, placed

    def _best_dictionaries(self, membership: Membership, text: str, clauses: list[normalise.Clause], start: int,
                           end: int, config: RepairConfig, guessed: candidates.CandidateFinder | None
                           ) -> tuple[Scan, list[tuple[normalise.Clause, Site]]]:
        """A spinner uses one dictionary: the scan of ``text[start:end]`` with only the loaded
        dictionaries that explain it best (:func:`decoder.choose_dictionaries`), or none of
        them, chosen on its first clauses (``Tuning.dictionary_sample_chars`` Han
        characters; a first look at fewer, ``dictionary_glance_chars``, settles none when no
        dictionary comes near there, :func:`decoder.clearly_none`). One dictionary, or none,
        and the evidence then calls the text spun: it is read again with that finder (its own
        choices among forms, its opportunities and stuffed keywords, as if it alone were
        loaded, or none); otherwise every dictionary's sites with the options of those chosen
        (a text nothing explains builds no finder)."""
        res, names, tuning = self.resources, membership.names, self.tuning

        def first(k: int) -> tuple[Scan, list[tuple[normalise.Clause, Site]]]:  # every dictionary's, k clauses
            return self._scored(res.finder, text, clauses[:k], start, clauses[k - 1].end if k < len(clauses) else end,
                                config, guessed)

        taken = _first_chars(clauses, tuning.dictionary_sample_chars)
        glance = _first_chars(clauses, tuning.dictionary_glance_chars) if tuning.dictionary_glance_chars else taken
        choice: tuple[tuple[str, ...], float] | None = None
        if glance < taken:  # a first look: enough when no dictionary comes near
            scan, placed = first(glance)
            others = decoder.clearly_none([s for _, s in placed], scan.opportunities, scan.standing, tuning, names)
            if others is not None:
                choice, taken = ((), others), glance
        if choice is None:
            scan, placed = first(taken)
            choice = decoder.choose_dictionaries([s for _, s in placed], scan.opportunities, scan.standing, tuning,
                                                 names)
        whole = taken == len(clauses)  # the scan covers the block
        if choice is None:  # no dictionary holds pairs here
            return (scan, placed) if whole else self._scored(res.finder, text, clauses, start, end, config, guessed)
        named, best = choice
        if len(named) <= 1 and decoder.lexicon_evidence(best, tuning) >= tuning.clean_threshold:
            return self._scored(self._finder_for(named[0] if named else None), text, clauses, start, end, config,
                                guessed)
        if whole:
            return _only_dictionaries(scan, placed, names, named)
        return self._scored(res.finder, text, clauses, start, end, config, guessed, only=(names, named))

    def _finder_for(self, name: str | None) -> candidates.CandidateFinder:
        """The candidate finder of the shipped lexicon and the loaded dictionary *name* alone
        (with its chains and every whitelist; None: no loaded dictionary), built on first use
        and kept."""
        with self._lock:
            finder = self._finders.get(name)
            if finder is not None:
                return finder
        assert self._parts is not None
        default_lexicon, loaded, chains = self._parts
        lexicon = Lexicon(name=name or "")
        with paused_gc():
            if default_lexicon:
                lexicon.update(shipped_lexicon())
            lexicon.update(Lexicon(e for lex in loaded for e in lex if e.source == name))
            lexicon.add_missing(e for found in chains for e in found if dictionary_of(e.source) == name)
            lexicon.update(Lexicon(e for e in self.lexicon if e.source == THESAURUS_SOURCE))
            lexicon.whitelist |= self.lexicon.whitelist
            finder = candidates.CandidateFinder(lexicon, self.char_swap_rules, self.resources.lm, self.tuning,
                                                self.config.single_char_forms)
        with self._lock:
            self._finders[name] = finder
        return finder

    def _decide(self, view: normalise.View, block: _Block, config: RepairConfig) -> list[decoder.SiteDecision]:
        if config.learned_decision:
            model = decision.load_model()
            ranked = decoder.rank(block.sites, block.doc, self.tuning, floor=model.floor)
            return decision.decide(ranked, block.doc, view.text, self.resources.lm, block.chars, self.tuning.lm_weight,
                                   model, min_confidence=config.min_confidence)
        ratio = config.min_choice_ratio if config.min_choice_ratio is not None else self.tuning.min_choice_ratio
        return decoder.decide(block.sites, block.doc, self.tuning, min_confidence=config.min_confidence,
                              min_choice_ratio=ratio)

    def _edit(self, view: normalise.View, block: _Block, d: decoder.SiteDecision, config: RepairConfig) -> Edit:
        site, option = d.site, d.option
        assert option is not None

        scripted: Callable[[str], str] = str  # simplified input: replacements stand as they are
        if view.converted:  # in the script of the block around the site
            scripted = functools.partial(view.to_input_script, site.start, site.end, floor=block.start, ceiling=block.end)

        alternatives: tuple[Alternative, ...] = ()
        if config.explain:
            alternatives = tuple([
                Alternative(scripted(site.spun if o is None else o.text), round(p, 4))
                for o, p in d.ranked if o is not option
            ])
        return Edit(
            start=site.start,
            end=site.end,
            before=view.original[site.start : site.end],
            after=scripted(option.text),
            confidence=round(d.posterior, 4),
            kind=option.kind,
            source=option.source,
            alternatives=alternatives,
        )


def _by_length(values: list[tuple[float | None, int]]) -> float | None:
    """The mean of the values given, each weighted by its block's length (None: none given)."""
    given = [(v, n) for v, n in values if v is not None]
    chars = sum(n for _, n in given)
    return sum(v * n for v, n in given) / chars if chars else None


def _in_input_script(view: normalise.View, e: Evidence, floor: int, ceiling: int) -> Evidence:
    """Evidence as the caller's text has it: ``spun`` is ``text[start:end]``, and the
    original is in the script around it (traditional input gets traditional forms)."""
    if not view.converted:
        return e
    original = view.to_input_script(e.start, e.end, e.original, floor=floor, ceiling=ceiling)
    return replace(e, spun=view.original[e.start : e.end], original=original)


def _detection_key(text: str, config: RepairConfig) -> tuple[Any, ...]:
    """What a detection depends on: the text (by digest) and the options that shape the analysis."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return (digest, config.char_swaps, config.deletions, config.window, config.block_chars, config.open_vocabulary)


def _only_dictionaries(scan: Scan, placed: list[tuple[normalise.Clause, Site]], names: tuple[str, ...],
                       chosen: tuple[str, ...]) -> tuple[Scan, list[tuple[normalise.Clause, Site]]]:
    """*scan* and its *placed* sites with the options and counts of the *chosen* among the
    loaded dictionaries *names* and of every other source (:func:`decoder.only_dictionaries_at`);
    sites left without options go."""
    opportunities, standing = decoder.restrict_counts(scan.opportunities, scan.standing, names, chosen)
    kept = [(clause, s) for clause, site in placed if (s := decoder.only_dictionaries_at(site, names, chosen)) is not None]
    return Scan([site for _, site in kept], opportunities, standing, scan.protected), kept


def _first_chars(clauses: list[normalise.Clause], chars: int) -> int:
    """How many of the first *clauses* hold *chars* characters (all of them when fewer)."""
    total = 0
    for k, clause in enumerate(clauses):
        total += len(clause.text)
        if total >= chars:
            return k + 1
    return len(clauses)


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
