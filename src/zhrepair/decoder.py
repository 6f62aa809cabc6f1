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
resolved by their summed log odds, and a run of touching changes is made whole or not at all.
"""

from __future__ import annotations

import bisect
import copy
import math
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence, TypeVar

import numpy as np

from .results import EditKind
from .sites import CHAIN_SUFFIX, GENERAL_SOURCES, Option, Site, dictionary_of, is_chain
from .tuning import Tuning


@dataclass(slots=True)
class SiteDecision:
    site: Site
    option: Option | None  # None: keep the spun text
    posterior: float  # probability of the chosen hypothesis
    ranked: list[tuple[Option | None, float]]  # every hypothesis with its posterior, best first
    keep: float = 0.0  # posterior of keeping the spun text
    runner_up: float = 0.0  # posterior of the best other original


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
    bigram_share: float | None = None  # detection.fluency's second value
    # the sites as last fitted (each with its share of choice_mass): decide() reuses them
    # when given the same list, so sites scored again must be fitted again (refit)
    fitted: tuple[list[Site], "_Prepared"] | None = field(default=None, repr=False)


class _Prepared:
    """The document's sites as flat arrays, built once: the EM loop is a few array operations.

    Options are numbered in site order (a site's options are contiguous); each has its
    site, its prior (``choice * 10 ** (lm_weight * delta)``), its rate key (source and
    spun form, or source and char rule), its source and, where the site's options name
    different originals, its (spun, original) choice key.
    """

    def __init__(self, sites: list[Site], tuning: Tuning, opinions: bool = True) -> None:
        self.sites = sites
        self.choice_strength = tuning.choice_strength
        self.lm_weight = tuning.lm_weight
        self.n_sites = len(sites)
        # one pass over the options: their sites, rate keys (source and spun form or char
        # rule), choice keys (where the site's options name different originals) and kinds;
        # sources are numbered options' first, then keep hypotheses'
        forms: dict[tuple[str, str], int] = {}
        choices: dict[tuple[str, str], int] = {}
        opt_site: list[int] = []
        opt_form: list[int] = []
        opt_choice: list[int] = []
        opt_deletion: list[bool] = []
        add_form, add_choice = forms.setdefault, choices.setdefault
        deletion = EditKind.DELETION
        for i, site in enumerate(sites):
            spun, site_options = site.spun, site.options
            k = len(site_options)
            if not k:
                continue
            opt_site += [i] * k
            multi = k > 1 and len({o.text for o in site_options}) > 1
            for o in site_options:
                opt_form.append(add_form((o.source, o.rule or spun), len(forms)))
                opt_choice.append(add_choice((spun, o.text), len(choices)) if multi else -1)
                opt_deletion.append(o.kind is deletion)
        sources: dict[str, int] = {}
        for src, _ in forms:
            sources.setdefault(src, len(sources))
        keep_pairs = [(i, src) for i, site in enumerate(sites) for src in site.keep_sources]
        ks_src = [sources.setdefault(src, len(sources)) for _, src in keep_pairs]
        self.sources, self.forms, self.choices = list(sources), list(forms), list(choices)
        self.opt_site = np.array(opt_site, dtype=np.intp)
        self.opt_form = np.array(opt_form, dtype=np.intp)
        self.opt_choice = np.array(opt_choice, dtype=np.intp)
        self.opt_deletion = np.array(opt_deletion, dtype=bool)
        self.form_src = np.array([sources[src] for src, _ in forms], dtype=np.intp)
        self.src_general = np.array([src in GENERAL_SOURCES for src in self.sources], dtype=bool)
        self.ks_site = np.array([i for i, _ in keep_pairs], dtype=np.intp)
        self.ks_src = np.array(ks_src, dtype=np.intp)
        self.opt_prior = self._priors(opinions)
        self._derive()

    def _derive(self) -> None:
        """What the fits read, from the per-option and per-key arrays."""
        n, n_forms = self.n_sites, len(self.forms)
        self.opt_src = self.form_src[self.opt_form] if len(self.opt_site) else np.zeros(0, dtype=np.intp)
        self.choice_opts = np.flatnonzero(self.opt_choice >= 0)
        # sites per rate key (a site counts a key once), and per source
        distinct = np.unique(self.opt_site * max(n_forms, 1) + self.opt_form)
        self.form_count = np.bincount(distinct % max(n_forms, 1), minlength=n_forms).astype(float)
        self.site_count = np.bincount(self.form_src, weights=self.form_count, minlength=len(self.sources))
        # per site: any deletion among its options; all its options thesaurus guesses
        self.deletion = np.zeros(n, dtype=bool)
        self.deletion[self.opt_site[self.opt_deletion]] = True
        self.general = np.ones(n, dtype=bool)
        self.general[self.opt_site[~self.src_general[self.opt_src]]] = False
        per_site = np.bincount(self.opt_site, minlength=n)
        self.with_options = np.flatnonzero(per_site > 0)
        self.first_option = np.searchsorted(self.opt_site, self.with_options)
        self.site_first = np.searchsorted(self.opt_site, np.arange(n)).tolist()
        # each choice option's site and how many options that site has (for the adaptation)
        self.choice_n = per_site.astype(float)[self.opt_site[self.choice_opts]]
        self.own = np.zeros(len(self.choice_opts))  # each choice option's share of the mass, last fit

    def subset(self, chosen: np.ndarray) -> "_Prepared":
        """These sites with only the *chosen* options (a boolean per option), those left
        without any dropped: what ``_Prepared`` of such sites would be, without reading the
        sites again. Its ``sites`` are the kept ones as they are (options unfiltered, so
        only their spun forms count): it serves fits and likelihood ratios, not ranking."""
        sel = np.flatnonzero(chosen)
        new = copy.copy(self)
        old_site = self.opt_site[sel]
        alive = np.unique(old_site)
        site_of = np.full(self.n_sites, -1, dtype=np.intp)
        site_of[alive] = np.arange(len(alive))
        new.sites = [self.sites[i] for i in alive.tolist()]
        new.n_sites = len(alive)
        new.opt_site = site_of[old_site]
        used_forms, opt_form = np.unique(self.opt_form[sel], return_inverse=True)
        new.opt_form = opt_form.astype(np.intp)
        ks = np.flatnonzero(site_of[self.ks_site] >= 0) if len(self.ks_site) else self.ks_site
        used_src, src_index = np.unique(np.concatenate([self.form_src[used_forms], self.ks_src[ks]]),
                                        return_inverse=True)
        new.form_src = src_index[: len(used_forms)].astype(np.intp)
        new.ks_src = src_index[len(used_forms):].astype(np.intp)
        new.ks_site = site_of[self.ks_site[ks]]
        new.sources = [self.sources[i] for i in used_src.tolist()]
        new.forms = [self.forms[i] for i in used_forms.tolist()]
        new.src_general = self.src_general[used_src]
        # choice keys only where the options kept still name different originals
        choice = self.opt_choice[sel]
        named = choice >= 0
        width = max(len(self.choices), 1)
        pairs = np.unique(new.opt_site[named] * width + choice[named])  # distinct (site, original)
        multi = np.bincount(pairs // width, minlength=new.n_sites) > 1
        named &= multi[new.opt_site]
        used_choices, choice_index = np.unique(choice[named], return_inverse=True)
        new.opt_choice = np.full(len(sel), -1, dtype=np.intp)
        new.opt_choice[named] = choice_index
        new.choices = [self.choices[i] for i in used_choices.tolist()]
        new.opt_deletion = self.opt_deletion[sel]
        new.opt_prior = self.opt_prior[sel]
        new._derive()
        return new

    def _priors(self, opinions: bool = True) -> np.ndarray:
        """``choice * 10 ** (lm_weight * gain)`` per option, the gain being the language
        model's ``delta`` plus, with *opinions*, the second judge's ``opinion``."""
        options = [o for site in self.sites for o in site.options]
        n = len(options)
        gain = np.fromiter([o.delta for o in options], float, n)
        if opinions:
            gain += np.fromiter([o.opinion for o in options], float, n)
        return np.fromiter([o.choice for o in options], float, n) * 10.0 ** np.minimum(self.lm_weight * gain, 30.0)

    def rescored(self) -> "_Prepared":
        """The same sites after their options were scored again: new priors (with the
        second opinion, ``Option.opinion``), no shares yet."""
        new = copy.copy(self)
        new.opt_prior = self._priors()
        new.own = np.zeros(len(self.choice_opts))
        return new

    # -- parameters as arrays --------------------------------------------------------
    def arrays(self, p: Parameters) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """*p* as arrays over this document's sources, forms and choice keys."""
        site_rate = np.array([p.site_rate.get(s, 0.0) for s in self.sources])
        form_rate = np.array([p.form_rate.get(k, np.nan) for k in self.forms])
        spin_rate = np.array([p.spin_rate.get(s, 0.0) for s in self.sources])
        mass = np.array([p.choice_mass.get(k, 0.0) for k in self.choices]) if p.choice_mass else None
        return site_rate, form_rate, spin_rate, mass

    def option_rates(self, site_rate: np.ndarray, form_rate: np.ndarray) -> np.ndarray:
        """Each option's rate: its form's, or its source's where the form has none."""
        rate = form_rate[self.opt_form]
        missing = np.isnan(rate)
        return np.where(missing, site_rate[self.opt_src], rate) if missing.any() else rate

    def weights(self, site_rate: np.ndarray, form_rate: np.ndarray, spin_rate: np.ndarray,
                mass: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """``keep`` per site and the weight of every option (see the module docstring)."""
        rate = self.option_rates(site_rate, form_rate)
        keep = np.ones(self.n_sites)
        if len(self.with_options):
            keep[self.with_options] = 1.0 - np.maximum.reduceat(rate, self.first_option)
        weights = rate * self.opt_prior
        if mass is not None and len(self.choice_opts):
            weights[self.choice_opts] *= self._adaptation(mass)
        if len(self.ks_site):
            top = np.zeros(self.n_sites)
            np.maximum.at(top, self.ks_site, spin_rate[self.ks_src])
            keep *= 1.0 - top
        return np.maximum(keep, 1e-12), weights

    def _adaptation(self, mass: np.ndarray) -> np.ndarray:
        """How much more often than the lexicon's choice the rest of the document restored
        each choice option's spun form to its original (the site's own share left out)."""
        rest = np.maximum(mass[self.opt_choice[self.choice_opts]] - self.own, 0.0)
        sites = self.opt_site[self.choice_opts]
        total = np.bincount(sites, weights=rest, minlength=self.n_sites)[sites] + self.choice_strength
        n = self.choice_n
        return (rest + self.choice_strength / n) / total * n

    def totals(self, keep: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Per site, keep plus the weights of its options."""
        return keep + np.bincount(self.opt_site, weights=weights, minlength=self.n_sites)


def _prepare(sites: list[Site], tuning: Tuning, opinions: bool = True) -> _Prepared:
    return _Prepared(sites, tuning, opinions)


def fit(prepared: _Prepared, opportunities: Counter, tuning: Tuning) -> Parameters:
    """EM estimate of the document's parameters."""
    ps = prepared
    prior, prior_strength, form_strength = tuning.spin_prior, tuning.prior_strength, tuning.form_strength
    n_src = len(ps.sources)
    opp_src = np.array([float(opportunities.get(s, 0)) for s in ps.sources])
    opp_form = np.array([float(opportunities.get(k, 0)) for k in ps.forms])
    site_rate = np.full(n_src, prior)
    spin_rate = np.full(n_src, prior)
    form_rate = np.full(len(ps.forms), np.nan)
    mass: np.ndarray | None = None
    for _ in range(tuning.em_iterations):
        keep, weights = ps.weights(site_rate, form_rate, spin_rate, mass)
        total = ps.totals(keep, weights)
        q = weights / total[ps.opt_site]
        if len(ps.choice_opts):
            ps.own = q[ps.choice_opts]
            mass = np.bincount(ps.opt_choice[ps.choice_opts], weights=ps.own, minlength=len(ps.choices))
        restored = np.bincount(ps.opt_src, weights=q, minlength=n_src)
        form_restored = np.bincount(ps.opt_form, weights=q, minlength=len(ps.forms))
        kept_original = np.bincount(ps.ks_src, weights=(keep / total)[ps.ks_site], minlength=n_src)
        # original forms left standing count as places the spinner passed by
        site_rate = (restored + prior_strength * prior) / (ps.site_count + opp_src + prior_strength)
        # each spun form's own rate, shrunk towards its source's and never above it: a
        # form restored nowhere else in the document is weak evidence
        form_site = site_rate[ps.form_src]
        form_rate = np.minimum(form_site, (form_restored + form_strength * form_site)
                               / (ps.form_count + opp_form + form_strength))
        spin_rate = (restored + prior_strength * prior) / (restored + kept_original + opp_src + prior_strength)
    return Parameters(
        dict(zip(ps.sources, site_rate.tolist())),
        {} if np.isnan(form_rate).any() else dict(zip(ps.forms, form_rate.tolist())),
        dict(zip(ps.sources, spin_rate.tolist())),
        dict(zip(ps.choices, mass.tolist())) if mass is not None else {},
    )


def likelihood_ratio(prepared: _Prepared, opportunities: Counter, standing: Counter,
                     p: Parameters, q: Parameters, cap: float) -> float:
    """log10 P(text | p) / P(text | q), each word form's share clipped to ±*cap*.

    Spinners change many different words; one form repeated (a theatre review praising
    繁荣 ten times) is weak evidence however often it occurs — and so is one original
    form left standing many times, the other way.
    """
    ps = prepared
    per_form: dict[object, float] = defaultdict(float)
    counted = ~(ps.deletion | ps.general)  # stuffing and guesses are judged on their own
    if counted.any():
        keep_p, w_p = ps.weights(*ps.arrays(p))
        keep_q, w_q = ps.weights(*ps.arrays(q))
        diff = np.log10(ps.totals(keep_p, w_p)) - np.log10(ps.totals(keep_q, w_q))
        for i in np.flatnonzero(counted).tolist():
            per_form[ps.sites[i].spun] += float(diff[i])
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
    """Fit the document's parameters; *standing* (per original form) feeds the likelihood
    ratio. The verdict (likelihood ratio, spun or not) is that of the lexicons' own entries:
    where chains are loaded it comes from a fit without them, so that chains only
    ever restore in a document the direct entries call spun."""
    prepared = _prepare(sites, tuning, opinions=False)
    params = fit(prepared, opportunities, tuning)
    chains = _chain_options(prepared)
    if chains.any():
        llr, judged_params = _verdict(prepared.subset(~chains), opportunities, standing, tuning)
    else:
        llr, judged_params = _verdict(prepared, opportunities, standing, tuning, params)
    # the dictionaries' word swaps; char rules and stuffing have rates of their own making
    dictionaries = {o.source for site in sites for o in site.options
                    if o.kind is EditKind.WORD_SWAP and not is_chain(o.source)} - GENERAL_SOURCES
    top_rate = max((judged_params.site_rate.get(s, 0.0) for s in dictionaries), default=0.0)
    is_spun = lexicon_evidence(llr, tuning) >= tuning.clean_threshold and top_rate >= tuning.min_spun_rate
    return DocumentModel(params, llr, is_spun=is_spun, fitted=(sites, prepared))


def _chain_options(prepared: _Prepared) -> np.ndarray:
    """Per option of *prepared*: whether it is a chain entry's."""
    chain = np.array([is_chain(src) for src in prepared.sources], dtype=bool)
    return chain[prepared.opt_src] if len(chain) else np.zeros(len(prepared.opt_site), dtype=bool)


def _verdict(judged: _Prepared, opportunities: Counter, standing: Counter | None, tuning: Tuning,
             params: Parameters | None = None) -> tuple[float, Parameters]:
    """The likelihood ratio of the sites of *judged* (no chain options) and the parameters
    fitted on them (*params*: already fitted)."""
    if params is None:
        params = fit(judged, opportunities, tuning)
    clean = Parameters.clean(params.site_rate, tuning.clean_rate)
    llr = likelihood_ratio(judged, opportunities, standing or Counter(), params, clean, tuning.form_llr_cap)
    return llr, params


def choose_dictionaries(sites: list[Site], opportunities: Counter, standing: Counter, tuning: Tuning,
                        names: tuple[str, ...]) -> tuple[tuple[str, ...], float] | None:
    """The loaded dictionaries (*names*; ``Option.dictionaries`` holds their bits) that
    explain the document, best first. A spinner uses one dictionary, so each one holding
    pairs here is scored alone: the document's likelihood ratio (each word form's share
    clipped, as in :func:`likelihood_ratio`) from its options and those of every source
    that is none of *names* (the shipped lexicon, char rules, stuffing), with the
    parameters fitted on all of them (no chain options, as for the verdict). Those within
    ``Tuning.dictionary_margin`` of the best are kept, with the best one's likelihood ratio;
    none (and the likelihood ratio without them) when the best does not beat the sources
    that are no loaded dictionary, alone, by ``Tuning.dictionary_min_gain`` (also where one
    alone holds pairs). None when none does."""
    joint = _joint_ratios(sites, opportunities, standing, tuning, names)
    if joint is None:
        return None
    ps, masks, ratios, others = joint
    if max(ratios.values()) < others + tuning.dictionary_quick_gain:
        return (), others
    # the likeliest few fitted alone (their options and the shared ones, each with its own parameters)
    shortlist = sorted(ratios, key=lambda n: -ratios[n])[:tuning.dictionary_shortlist]
    for name in shortlist:
        alone = ps.subset((masks == 0) | (masks & 1 << names.index(name) != 0))
        ratios[name] = _verdict(alone, *restrict_counts(opportunities, standing, names, (name,)), tuning)[0]
    best = max(ratios[n] for n in shortlist)
    if best < others + tuning.dictionary_min_gain:
        return (), others
    return tuple(n for n in sorted(shortlist, key=lambda n: -ratios[n])
                 if ratios[n] >= best - tuning.dictionary_margin), best


def clearly_none(sites: list[Site], opportunities: Counter, standing: Counter, tuning: Tuning,
                 names: tuple[str, ...]) -> float | None:
    """The likelihood ratio of the sources that are no loaded dictionary, when even the
    joint fit has no dictionary among *names* within ``Tuning.dictionary_quick_gain`` of
    them (the document gets none, see :func:`choose_dictionaries`); None otherwise, or when
    no dictionary holds pairs."""
    joint = _joint_ratios(sites, opportunities, standing, tuning, names)
    if joint is None:
        return None
    _, _, ratios, others = joint
    return others if max(ratios.values()) < others + tuning.dictionary_quick_gain else None


def _joint_ratios(sites: list[Site], opportunities: Counter, standing: Counter, tuning: Tuning,
                  names: tuple[str, ...]) -> tuple[_Prepared, np.ndarray, dict[str, float], float] | None:
    """The chain-free sites prepared, the dictionary bits of their options, each dictionary's
    likelihood ratio in the joint fit (:func:`_dictionary_ratios`) and that of the sources
    that are no loaded dictionary, alone; None when no dictionary holds pairs."""
    every = np.array([o.dictionaries for site in sites for o in site.options], dtype=np.int64)
    present = int(np.bitwise_or.reduce(every)) if len(every) else 0
    found = [i for i in range(len(names)) if present >> i & 1]
    if not found:
        return None
    full = _prepare(sites, tuning, opinions=False)  # its options in the order of every
    direct = ~_chain_options(full)
    ps, masks = full.subset(direct), every[direct]
    ratios = _dictionary_ratios(ps, masks, found, opportunities, standing, tuning, names)
    others = _verdict(ps.subset(masks == 0), *restrict_counts(opportunities, standing, names, ()), tuning)[0]
    return ps, masks, ratios, others


def _dictionary_ratios(ps: _Prepared, masks: np.ndarray, found: list[int], opportunities: Counter, standing: Counter,
                       tuning: Tuning, names: tuple[str, ...]) -> dict[str, float]:
    """Per dictionary ``names[i]`` (*i* in *found*): the likelihood ratio of its options
    (``masks``, bits per option of *ps*) and the shared ones, with the parameters fitted
    on all of *ps* — a quick first ranking."""
    params = fit(ps, opportunities, tuning)
    clean = Parameters.clean(params.site_rate, tuning.clean_rate)
    hypotheses = []
    for p in (params, clean):
        site_rate, form_rate, spin_rate, _ = ps.arrays(p)
        rate = ps.option_rates(site_rate, form_rate)
        hypotheses.append((rate, rate * ps.opt_prior, dict(zip(ps.sources, spin_rate.tolist()))))
    forms: dict[str, int] = {}
    form_of = np.array([forms.setdefault(site.spun, len(forms)) for site in ps.sites], dtype=np.intp)
    shared = masks == 0
    spin_p, spin_q = hypotheses[0][2], hypotheses[1][2]
    ratios = {}
    for i in found:
        mine = (masks >> i & 1).astype(bool)
        use = mine | shared
        touched = np.zeros(ps.n_sites, dtype=bool)
        touched[ps.opt_site[mine]] = True
        logs = []
        for rate, weight, _ in hypotheses:
            keep = np.ones(ps.n_sites)
            keep[ps.with_options] = 1.0 - np.maximum.reduceat(np.where(use, rate, 0.0), ps.first_option)
            total = np.maximum(keep, 1e-12) + np.bincount(ps.opt_site, weights=np.where(use, weight, 0.0),
                                                          minlength=ps.n_sites)
            logs.append(np.log10(total))
        per_form = np.bincount(form_of[touched], weights=(logs[0] - logs[1])[touched], minlength=len(forms))
        ratio = float(np.clip(per_form, -tuning.form_llr_cap, tuning.form_llr_cap).sum())
        for (source, _), n in standing.items():  # its original forms left standing
            if dictionary_of(source) == names[i]:
                ratio += n * (math.log10(max(1.0 - spin_p.get(source, 0.0), 1e-12))
                              - math.log10(max(1.0 - spin_q.get(source, 0.0), 1e-12)))
        ratios[names[i]] = ratio
    return ratios


def only_dictionaries_at(site: Site, names: tuple[str, ...], chosen: tuple[str, ...]) -> Site | None:
    """*site* with the options of the *chosen* dictionaries among *names* (each credited to
    the first of them that holds its pair) and of every source that is none of *names*;
    keep sources likewise. Itself when nothing changes; None without options left."""
    bits = [(1 << names.index(name), name) for name in chosen]
    options = []
    for o in site.options:
        if not o.dictionaries:
            options.append(o)
            continue
        for bit, name in bits:
            if o.dictionaries & bit:
                source = name + CHAIN_SUFFIX if is_chain(o.source) else name
                options.append(o if o.source == source else replace(o, source=source))
                break
    if not options:
        return None
    keep = frozenset(s for s in site.keep_sources if dictionary_of(s) in chosen or dictionary_of(s) not in names)
    if keep == site.keep_sources and len(options) == len(site.options) and all(map(operator.is_, options, site.options)):
        return site
    return replace(site, options=options, keep_sources=keep)


def restrict_counts(opportunities: Counter, standing: Counter, names: tuple[str, ...],
                    chosen: tuple[str, ...]) -> tuple[Counter, Counter]:
    """A scan's opportunities and standing originals without those of the dictionaries among
    *names* that are not *chosen* (keys are a source, or a tuple whose first item is one)."""
    def keep(key: object) -> bool:
        name = dictionary_of(key[0] if isinstance(key, tuple) else str(key))
        return name in chosen or name not in names

    return (Counter({k: n for k, n in opportunities.items() if keep(k)}),
            Counter({k: n for k, n in standing.items() if keep(k)}))


def refit(sites: list[Site], doc: DocumentModel, opportunities: Counter, tuning: Tuning) -> None:
    """Fit *doc*'s parameters again once its sites were scored in a restored context, where
    their scores are surer; its likelihood ratio and verdict stay those of the first fit."""
    fitted = doc.fitted
    prepared = fitted[1].rescored() if fitted is not None and fitted[0] is sites else _prepare(sites, tuning)
    doc.params = fit(prepared, opportunities, tuning)
    doc.fitted = (sites, prepared)


def rank(sites: list[Site], doc: DocumentModel, tuning: Tuning, *, floor: float | None = None) -> list[SiteDecision]:
    """Every site's hypotheses ranked by posterior, for the sites the document's evidence
    lets change: with *floor* None, those whose best option beats keeping the site; else
    those whose best option has at least posterior *floor* (the learned decision's pool)."""
    fitted = doc.fitted
    ps = fitted[1] if fitted is not None and fitted[0] is sites else _prepare(sites, tuning)
    keep, weights = ps.weights(*ps.arrays(_applicable(doc, tuning.clean_rate)))
    total = ps.totals(keep, weights)
    best = np.zeros(ps.n_sites)
    if len(weights):
        np.maximum.at(best, ps.opt_site, weights)
    margin = tuning.overwhelming_margin
    pool = best > keep if floor is None else (best >= floor * total) & (best > 0)
    chosen = np.flatnonzero(pool).tolist()
    if not chosen:
        return []
    keep_ps = (keep / total).tolist()
    weight_list, total_list, first = weights.tolist(), total.tolist(), ps.site_first
    lm_weight, is_spun, detected = tuning.lm_weight, doc.is_spun, doc.detected
    decisions: list[SiteDecision] = []
    for i in chosen:
        site = sites[i]
        lo, t, keep_p = first[i], total_list[i], keep_ps[i]
        options = site.options
        ranked: list[tuple[Option | None, float]]
        if len(options) == 1:  # the common case: one option, nothing else to rank
            option = options[0]
            prob = weight_list[lo] / t
            ranked = [(option, prob), (None, keep_p)] if prob >= keep_p else [(None, keep_p), (option, prob)]
            runner_up = 0.0
        else:
            ranked = [(None, keep_p)]
            ranked += [(o, w / t) for o, w in zip(options, weight_list[lo : lo + len(options)])]
            ranked.sort(key=lambda x: -x[1])
            option, prob = next((o, p) for o, p in ranked if o is not None)
            runner_up = max((p for o, p in ranked[1:] if o is not None), default=0.0)
        if not is_spun and not (detected and site.strong and option.delta * lm_weight >= margin):
            # thin lexicon evidence: only a form unknown to clean text, with a large margin,
            # in text the detector calls spun (an idiom the model lacks, 仗义执言, is not spun)
            continue
        decisions.append(SiteDecision(site, option, prob, ranked, keep_p, runner_up))
    return decisions


def decide(sites: list[Site], doc: DocumentModel, tuning: Tuning, *, min_confidence: float,
           min_choice_ratio: float, whole_runs: bool = True) -> list[SiteDecision]:
    """The changes to make: the best hypothesis per site, a consistent (non-overlapping)
    set of them, then the output filters — a run of touching changes with a posterior below
    *min_confidence* anywhere in it (*whole_runs* False: just that change; the context pass
    wants every likely neighbour), an isolated site whose best original is not
    *min_choice_ratio* times the runner-up. The filters only remove changes, so raising
    either never adds or alters one."""
    chosen = resolve_overlaps(rank(sites, doc, tuning))
    if whole_runs:
        chosen = confident_runs(chosen, min_confidence)
    else:
        chosen = [d for d in chosen if d.posterior >= min_confidence]
    return _drop_unclear_choices(chosen, min_choice_ratio)


def confident_runs(chosen: list[SiteDecision], min_confidence: float) -> list[SiteDecision]:
    """The runs of touching changes (sorted, disjoint *chosen*) whose every change has at
    least *min_confidence*: a run is a phrase the spinner rewrote word by word (紧张共叫 for
    重要共识), right only when all of it is, and half of it restored is a wrong restoration
    where leaving it is a miss. On TUNE, filtering runs rather than single changes at 0.5
    raised the objective 0.9081 → 0.9102 and every set's precision (manual pages and short
    documents with all eight dictionaries loaded 0.868 → 0.872 and 0.863 → 0.875) at the same
    recall (``python -m benchmarks.operating_point``, benchmarks/README.md)."""
    return [d for run in touching_runs(chosen, _site_span) if all(x.posterior >= min_confidence for x in run)
            for d in run]


_T = TypeVar("_T")


def touching_runs(items: Sequence[_T], span: Callable[[_T], tuple[int, int]]) -> list[list[_T]]:
    """Sorted, disjoint *items* grouped into runs of touching ones (each starts where the one
    before it ends); *span* gives an item's (start, end)."""
    runs: list[list[_T]] = []
    last_end = 0
    for item in items:
        start, end = span(item)
        if runs and start <= last_end:
            runs[-1].append(item)
        else:
            runs.append([item])
        last_end = end
    return runs


def _site_span(d: SiteDecision) -> tuple[int, int]:
    return d.site.start, d.site.end


def _drop_unclear_choices(chosen: list[SiteDecision], ratio: float) -> list[SiteDecision]:
    """Leave an isolated spun form whose original is unclear among several (胀动 ← 推动 or
    推进?): a wrong original is worse than the spun form. Inside a run of restorations it is
    still decided, since the run is only right when all of it is."""
    return [d for run in touching_runs(chosen, _site_span) for d in run
            if len(run) > 1 or d.posterior >= ratio * d.runner_up]


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


def resolve_overlaps(decisions: list[SiteDecision]) -> list[SiteDecision]:
    """The non-overlapping changes with the largest summed log odds against keeping, so
    one long form (设置装备摆设 ← 建设) is weighed against all the pieces it would
    otherwise be read as (设置, 装备, 摆设); weighted interval scheduling."""
    changes = [d for d in decisions if d.option is not None]
    if not changes:
        return []
    if all(a.site.end <= b.site.start for a, b in zip(changes, changes[1:])):
        # in order and disjoint (the common case): the same choices as the programme below,
        # without its search
        chosen, total = [], 0.0
        for d in changes:
            with_d = total + _log_odds(d)
            if with_d > total:
                chosen.append(d)
                total = with_d
        return chosen
    changes.sort(key=lambda d: (d.site.end, d.site.start))
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
    return math.log10(max(d.posterior, 1e-12) / max(d.keep, 1e-12))
