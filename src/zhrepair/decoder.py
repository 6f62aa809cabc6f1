"""Stage 4 — decide per document: a noisy channel with document-level parameters.

For a site with spun form ``s`` the decoder weighs each original ``o`` against keeping
``s``::

    weight(o)    = form_rate[src(o), s] * choice(o -> s) * 10 ** (lm_weight * delta_o)
    weight(keep) = (1 - max form_rate of the site's options) * (1 - max spin_rate[src]
                                                 over sources that would have spun s itself)

* ``site_rate[src]`` — the share of this document's occurrences of ``src``'s spun forms
  that really are spun; ``form_rate`` the same per spun form (or char rule), shrunk
  towards it and never above it. Spinners apply their dictionary to every occurrence, so a document
  where many sites are clearly spun (坐褥力, 党筑) lends that confidence to its
  ambiguous sites; in clean text it stays near zero.
* ``spin_rate[src]`` — the share of ``src``'s original forms that were replaced; the
  original forms left standing (*opportunities*) pull it down.
* ``choice`` — the lexicon's share of ``o``'s spun forms that ``s`` is; where ``s`` has
  several originals (天下 ← 世界 or 全国) it is reweighted by how the rest of the document
  restored ``s`` (``choice_mass``, the site's own share left out): an article that is
  about the country says 全国 throughout.

The rates are fitted by EM on the document (and fitted again, :func:`refit`, once the
sites were scored with their neighbours restored). The first fit's quantities give the
document's log-likelihood ratio spun vs. clean (each word form's share clipped, so one word
repeated cannot make a document look spun); a document judged clean — by that ratio, or
because no dictionary fits a spinner's rate (``Tuning.min_spun_rate``) — is decoded with the
clean parameters, so only overwhelming evidence changes it. Overlapping changes are then
resolved by their summed log odds.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from .results import EditKind
from .sites import GENERAL_SOURCES, Option, Site
from .tuning import Tuning


@dataclass
class SiteDecision:
    site: Site
    option: Option | None  # None: keep the spun text
    posterior: float  # probability of the chosen hypothesis
    ranked: list[tuple[Option | None, float]]  # every hypothesis with its posterior, best first


@dataclass
class Parameters:
    site_rate: dict[str, float] = field(default_factory=dict)  # source -> rate
    form_rate: dict[tuple[str, str], float] = field(default_factory=dict)  # (source, spun form) -> rate
    spin_rate: dict[str, float] = field(default_factory=dict)  # source -> share of originals replaced
    # the document's restorations of each multi-original spun form: (spun, original) -> mass
    choice_mass: dict[tuple[str, str], float] = field(default_factory=dict)

    @classmethod
    def clean(cls, sources: Iterable[str], rate: float) -> "Parameters":
        """The "clean document" hypothesis: every source at *rate*."""
        sources = list(sources)
        return cls({s: rate for s in sources}, {}, {s: rate for s in sources})


@dataclass
class DocumentModel:
    params: Parameters
    llr: float = 0.0  # log10 likelihood ratio, spun vs. clean, from the lexicons' sites
    spin_score: float = 0.0  # the detection probability (likelihood ratio and fluency), set by detection
    # the detector calls the text spun (spin_score >= Tuning.spun_threshold): thesaurus
    # guesses, and lone overwhelming fixes in text the lexicons say little about, need it
    detected: bool = False
    is_spun: bool = False  # the lexicons' own evidence says spun (and at a spinner's rate): their restorations apply
    fluency: float | None = None
    # the sites as last fitted (each with its share of choice_mass): decide() reuses them
    # when given the same list, so sites scored again must be fitted again (refit)
    fitted: tuple[list[Site], list["_Prepared"]] | None = field(default=None, repr=False)


class _Prepared:
    """A site's constant parts, computed once: the EM loop only multiplies rates in."""

    __slots__ = ("site", "sources", "form_keys", "prior", "keep_sources", "deletion", "general", "choice_keys", "own",
                 "choice_strength")

    def __init__(self, site: Site, lm_weight: float, choice_strength: float) -> None:
        self.site = site
        self.sources = [o.source for o in site.options]
        self.form_keys = [(o.source, o.rule or site.spun) for o in site.options]
        self.prior = [o.choice * 10.0 ** min(lm_weight * o.delta, 30.0) for o in site.options]
        self.keep_sources = tuple(site.keep_sources)
        self.deletion = any(o.kind is EditKind.DELETION for o in site.options)
        self.general = all(src in GENERAL_SOURCES for src in self.sources)
        texts = {o.text for o in site.options}
        self.choice_keys = [(site.spun, o.text) for o in site.options] if len(texts) > 1 else None
        self.own: list[float] | None = None  # this site's share of choice_mass
        self.choice_strength = choice_strength

    def _adaptation(self, mass: dict[tuple[str, str], float]) -> list[float]:
        """How much more often than the lexicon's choice the rest of the document restored
        this spun form to each original (this site's own share left out)."""
        keys = self.choice_keys or []
        own = self.own or [0.0] * len(keys)
        rest = [max(mass.get(k, 0.0) - c, 0.0) for k, c in zip(keys, own)]
        n, strength = len(rest), self.choice_strength
        total = sum(rest) + strength
        return [(r + strength / n) / total * n for r in rest]

    def weights(self, p: Parameters) -> tuple[float, list[float]]:
        form_rate, site_rate = p.form_rate, p.site_rate
        if len(self.form_keys) == 1:  # the common case, spelled out for speed
            key = self.form_keys[0]
            rate = form_rate.get(key)
            if rate is None:
                rate = site_rate.get(key[0], 0.0)
            keep = 1.0 - rate
            weights = [rate * self.prior[0]]
        else:
            rates = [form_rate.get(k, site_rate.get(k[0], 0.0)) for k in self.form_keys]
            keep = 1.0 - max(rates, default=0.0)
            weights = [r * f for r, f in zip(rates, self.prior)]
            if self.choice_keys and p.choice_mass:
                weights = [w * a for w, a in zip(weights, self._adaptation(p.choice_mass))]
        if self.keep_sources:
            keep *= 1.0 - max(p.spin_rate.get(s, 0.0) for s in self.keep_sources)
        return max(keep, 1e-12), weights


def _prepare(sites: list[Site], tuning: Tuning) -> list[_Prepared]:
    return [_Prepared(s, tuning.lm_weight, tuning.choice_strength) for s in sites]


def fit(prepared: list[_Prepared], opportunities: Counter, tuning: Tuning) -> Parameters:
    """EM estimate of the document's parameters."""
    sources = {src for ps in prepared for src in ps.sources} | {src for ps in prepared for src in ps.keep_sources}
    prior, prior_strength, form_strength = tuning.spin_prior, tuning.prior_strength, tuning.form_strength
    p = Parameters({s: prior for s in sources}, {}, {s: prior for s in sources})
    site_count: dict[str, float] = defaultdict(float)
    form_count: dict[tuple[str, str], float] = defaultdict(float)
    for ps in prepared:
        for key in set(ps.form_keys):
            site_count[key[0]] += 1.0
            form_count[key] += 1.0
    for _ in range(tuning.em_iterations):
        restored: dict[str, float] = defaultdict(float)
        form_restored: dict[tuple[str, str], float] = defaultdict(float)
        kept_original: dict[str, float] = defaultdict(float)
        choice_mass: dict[tuple[str, str], float] = defaultdict(float)
        for ps in prepared:
            keep, weights = ps.weights(p)
            total = keep + sum(weights)
            if ps.choice_keys:
                ps.own = [w / total for w in weights]
                for k, c in zip(ps.choice_keys, ps.own):
                    choice_mass[k] += c
            for src, fkey, w in zip(ps.sources, ps.form_keys, weights):
                q = w / total
                restored[src] += q
                form_restored[fkey] += q
            if ps.keep_sources:
                for src in ps.keep_sources:
                    kept_original[src] += keep / total
        # original forms left standing count as places the spinner passed by
        site_rate = {
            s: (restored[s] + prior_strength * prior) / (site_count[s] + opportunities.get(s, 0) + prior_strength)
            for s in sources
            if isinstance(s, str)
        }
        # each spun form's own rate, shrunk towards its source's and never above it: a
        # form restored nowhere else in the document is weak evidence
        form_rate = {
            key: min(
                site_rate[key[0]],
                (form_restored[key] + form_strength * site_rate[key[0]]) / (n + opportunities.get(key, 0) + form_strength),
            )
            for key, n in form_count.items()
        }
        spin_rate = {
            s: (restored[s] + prior_strength * prior)
            / (restored[s] + kept_original[s] + opportunities.get(s, 0) + prior_strength)
            for s in sources
        }
        p = Parameters(site_rate, form_rate, spin_rate, dict(choice_mass))
    return p


def likelihood_ratio(prepared: list[_Prepared], opportunities: Counter, standing: Counter,
                     p: Parameters, q: Parameters, cap: float) -> float:
    """log10 P(text | p) / P(text | q), each word form's share clipped to ±*cap*.

    Spinners change many different words; one form repeated (a theatre review praising
    繁荣 ten times) is weak evidence however often it occurs — and so is one original
    form left standing many times, the other way.
    """
    per_form: dict[object, float] = defaultdict(float)
    for ps in prepared:
        if ps.deletion or ps.general:
            continue  # stuffing and guesses are judged on their own, not evidence of spinning
        keep_p, weights_p = ps.weights(p)
        keep_q, weights_q = ps.weights(q)
        per_form[ps.site.spun] += math.log10(keep_p + sum(weights_p)) - math.log10(keep_q + sum(weights_q))
    for (source, original), n in standing.items():  # original forms of the lexicons left alone
        per_form[("=", original)] += n * (_log_unspun(p, source) - _log_unspun(q, source))
    for key, n in opportunities.items():
        if isinstance(key, tuple):  # a char rule's original character left standing
            per_form[key] += n * (_log_unspun(p, key) - _log_unspun(q, key))
    return sum(max(-cap, min(v, cap)) for v in per_form.values())


def _log_unspun(p: Parameters, key) -> float:
    """log10 of the chance that an opportunity *key* was left alone."""
    if isinstance(key, tuple):  # a char rule's original character left standing
        rate = p.form_rate.get(key, p.site_rate.get(key[0], 0.0))
    else:
        rate = p.spin_rate.get(key, 0.0)
    return math.log10(max(1.0 - rate, 1e-12))


def lexicon_evidence(llr: float, tuning: Tuning) -> float:
    """The probability, from the lexicons' spun forms alone, that a document was spun;
    ``Tuning.clean_threshold`` applies to it."""
    z = tuning.evidence_scale * llr * math.log(10) + tuning.evidence_offset
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def model_document(sites: list[Site], opportunities: Counter, tuning: Tuning,
                   standing: Counter | None = None) -> DocumentModel:
    """Fit the document's parameters; *standing* (per original form) feeds the likelihood ratio."""
    prepared = _prepare(sites, tuning)
    params = fit(prepared, opportunities, tuning)
    clean = Parameters.clean(params.site_rate, tuning.clean_rate)
    llr = likelihood_ratio(prepared, opportunities, standing or Counter(), params, clean, tuning.form_llr_cap)
    # the dictionaries' word swaps; char rules and stuffing have rates of their own making
    dictionaries = {o.source for site in sites for o in site.options if o.kind is EditKind.WORD_SWAP} - GENERAL_SOURCES
    top_rate = max((params.site_rate.get(s, 0.0) for s in dictionaries), default=0.0)
    is_spun = lexicon_evidence(llr, tuning) >= tuning.clean_threshold and top_rate >= tuning.min_spun_rate
    return DocumentModel(params, llr, is_spun=is_spun, fitted=(sites, prepared))


def refit(sites: list[Site], doc: DocumentModel, opportunities: Counter, tuning: Tuning) -> None:
    """Fit *doc*'s parameters again once its sites were scored in a restored context, where
    their scores are surer; its likelihood ratio and verdict stay those of the first fit."""
    prepared = _prepare(sites, tuning)
    doc.params = fit(prepared, opportunities, tuning)
    doc.fitted = (sites, prepared)


def decide(sites: list[Site], doc: DocumentModel, tuning: Tuning, *, min_confidence: float,
           min_choice_ratio: float) -> list[SiteDecision]:
    """The changes to make: the best hypothesis per site, a consistent (non-overlapping)
    set of them, then the output filters — a posterior below *min_confidence*, an isolated
    site whose best original is not *min_choice_ratio* times the runner-up. The filters
    only remove changes, so raising either never adds or alters one."""
    params = _applicable(doc, tuning.clean_rate)
    decisions: list[SiteDecision] = []
    fitted = doc.fitted
    prepared = fitted[1] if fitted is not None and fitted[0] is sites else _prepare(sites, tuning)
    margin = tuning.overwhelming_margin
    for ps in prepared:
        site = ps.site
        keep, weights = ps.weights(params)
        total = keep + sum(weights)
        ranked: list[tuple[Option | None, float]] = [(None, keep / total)]
        ranked += [(o, w / total) for o, w in zip(site.options, weights)]
        ranked.sort(key=lambda x: -x[1])
        best, prob = ranked[0]
        if best is not None and not doc.is_spun and not (
            doc.detected and site.strong and best.delta * tuning.lm_weight >= margin
        ):
            # thin lexicon evidence: only a form unknown to clean text, with a large margin,
            # in text the detector calls spun (an idiom the model lacks, 仗义执言, is not spun)
            best = None
        decisions.append(SiteDecision(site, best, prob, ranked))
    confident = [d for d in _resolve_overlaps(decisions) if d.posterior >= min_confidence]
    return _drop_unclear_choices(confident, min_choice_ratio)


def _drop_unclear_choices(chosen: list[SiteDecision], ratio: float) -> list[SiteDecision]:
    """Leave an isolated spun form whose original is unclear among several (胀动 ← 推动 or
    推进?): a wrong original is worse than the spun form. Inside a run of restorations it is
    still decided, since the run is only right when all of it is."""
    keep = []
    for i, d in enumerate(chosen):
        runner_up = max((p for o, p in d.ranked if o is not None and o is not d.option), default=0.0)
        if d.posterior < ratio * runner_up:
            before = chosen[i - 1].site.end >= d.site.start if i else False
            after = chosen[i + 1].site.start <= d.site.end if i + 1 < len(chosen) else False
            if not (before or after):
                continue
        keep.append(d)
    return keep


def _applicable(doc: DocumentModel, clean_rate: float) -> Parameters:
    """The fitted parameters where the document's evidence allows, clean ones elsewhere."""
    fitted = doc.params
    if doc.is_spun and doc.detected:
        return fitted
    clean = Parameters.clean(fitted.site_rate, clean_rate)
    if not doc.is_spun and not doc.detected:
        return clean
    use_fitted = (lambda src: src in GENERAL_SOURCES) if doc.detected else (lambda src: src not in GENERAL_SOURCES)
    return Parameters(
        {s: (r if use_fitted(s) else clean_rate) for s, r in fitted.site_rate.items()},
        {k: r for k, r in fitted.form_rate.items() if use_fitted(k[0])},
        {s: (r if use_fitted(s) else clean_rate) for s, r in fitted.spin_rate.items()},
        fitted.choice_mass,
    )


def _resolve_overlaps(decisions: list[SiteDecision]) -> list[SiteDecision]:
    """The non-overlapping changes with the largest summed log odds against keeping, so
    one long form (设置装备摆设 ← 建设) is weighed against all the pieces it would
    otherwise be read as (设置, 装备, 摆设); weighted interval scheduling."""
    changes = sorted((d for d in decisions if d.option is not None), key=lambda d: (d.site.end, d.site.start))
    if not changes:
        return []
    ends = [d.site.end for d in changes]
    best = [0.0] * (len(changes) + 1)  # best[i]: best total over changes[:i]
    take = [False] * len(changes)
    for i, d in enumerate(changes):
        k = bisect.bisect_right(ends, d.site.start, 0, i)  # changes[:k] end before d starts
        with_d = best[k] + _log_odds(d)
        take[i] = with_d > best[i]
        best[i + 1] = with_d if take[i] else best[i]
    chosen = []
    i = len(changes)
    while i > 0:
        if take[i - 1]:
            d = changes[i - 1]
            chosen.append(d)
            i = bisect.bisect_right(ends, d.site.start, 0, i - 1)
        else:
            i -= 1
    chosen.reverse()
    return chosen


def _log_odds(d: SiteDecision) -> float:
    keep = next((p for o, p in d.ranked if o is None), 0.0)
    return math.log10(max(d.posterior, 1e-12) / max(keep, 1e-12))
