"""Stage 4 — decide per document: a noisy channel with document-level parameters.

For a site with spun form ``s`` the decoder weighs each original ``o`` against keeping
``s``::

    weight(o)    = site_rate[src(o)] * choice(o -> s) * 10 ** (lm_weight * delta_o)
    weight(keep) = (1 - max site_rate of the site's sources) * (1 - max spin_rate[src]
                                                 over sources that would have spun s itself)

* ``site_rate[src]`` — the share of this document's occurrences of ``src``'s spun forms
  that really are spun. Spinners apply their dictionary to every occurrence, so a document
  where many sites are clearly spun (坐褥力, 党筑) lends that confidence to its
  ambiguous sites; in clean text it stays near zero.
* ``spin_rate[src]`` — the share of ``src``'s original forms that were replaced; the
  original forms left standing (*opportunities*) pull it down.
* ``choice`` — which spun form the spinner used for ``o``, re-estimated per document
  (one mapping per document).

All three are fitted by EM on the document. The same quantities give the document's
log-likelihood ratio spun vs. clean, hence the spin score; a document judged clean is
decoded with the clean parameters, so only overwhelming evidence changes it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .candidates import Option, Site
from .config import RepairConfig
from .results import EditKind

CLEAN_RATE = 0.002  # site and spin rate of the "clean document" hypothesis
EM_ITERATIONS = 6
PRIOR_STRENGTH = 2.0  # pseudo-counts behind the prior rates
CHOICE_STRENGTH = 1.0  # pseudo-counts behind the lexicon's choice weights


@dataclass
class SiteDecision:
    site: Site
    option: Option | None  # None: keep the spun text
    posterior: float  # probability of the chosen hypothesis
    ranked: list[tuple[Option | None, float]]  # every hypothesis with its posterior, best first


@dataclass
class Parameters:
    site_rate: dict[str, float] = field(default_factory=dict)
    spin_rate: dict[str, float] = field(default_factory=dict)
    choice: dict[tuple[str, str, str], float] = field(default_factory=dict)  # (source, original, spun)

    @classmethod
    def clean(cls, sources) -> "Parameters":
        return cls({s: CLEAN_RATE for s in sources}, {s: CLEAN_RATE for s in sources})


@dataclass
class DocumentModel:
    params: Parameters
    llr: float = 0.0  # log10 likelihood ratio, spun vs. clean
    spin_score: float = 0.0
    is_spun: bool = False


def _weights(site: Site, p: Parameters, lm_weight: float) -> tuple[float, list[float]]:
    site_rate = max((p.site_rate.get(o.source, 0.0) for o in site.options), default=0.0)
    keep = (1.0 - site_rate) * (1.0 - max((p.spin_rate.get(s, 0.0) for s in site.keep_sources), default=0.0))
    weights = []
    for o in site.options:
        choice = p.choice.get((o.source, o.text, site.spun), o.choice)
        weights.append(p.site_rate.get(o.source, 0.0) * choice * 10.0 ** min(lm_weight * o.delta, 30.0))
    return max(keep, 1e-12), weights


def fit(sites: list[Site], opportunities: Counter, config: RepairConfig) -> Parameters:
    """EM estimate of the document's parameters."""
    sources = {o.source for s in sites for o in s.options} | {src for s in sites for src in s.keep_sources}
    prior = config.spin_prior
    p = Parameters({s: prior for s in sources}, {s: prior for s in sources})
    for _ in range(EM_ITERATIONS):
        restored: dict[str, float] = defaultdict(float)
        site_count: dict[str, float] = defaultdict(float)
        kept_original: dict[str, float] = defaultdict(float)
        pair_mass: dict[tuple[str, str, str], float] = defaultdict(float)
        original_mass: dict[tuple[str, str], float] = defaultdict(float)
        for site in sites:
            keep, weights = _weights(site, p, config.lm_weight)
            total = keep + sum(weights)
            for src in {o.source for o in site.options}:
                site_count[src] += 1.0
            for o, w in zip(site.options, weights):
                restored[o.source] += w / total
                pair_mass[(o.source, o.text, site.spun)] += w / total
                original_mass[(o.source, o.text)] += w / total
            for src in site.keep_sources:
                kept_original[src] += keep / total
        site_rate = {s: (restored[s] + PRIOR_STRENGTH * prior) / (site_count[s] + PRIOR_STRENGTH) for s in sources}
        spin_rate = {
            s: (restored[s] + PRIOR_STRENGTH * prior)
            / (restored[s] + kept_original[s] + opportunities.get(s, 0) + PRIOR_STRENGTH)
            for s in sources
        }
        choice = {}
        for site in sites:
            for o in site.options:
                key = (o.source, o.text, site.spun)
                if key not in choice and o.kind is not EditKind.DELETION:
                    choice[key] = (pair_mass[key] + CHOICE_STRENGTH * o.choice) / (
                        original_mass[(o.source, o.text)] + CHOICE_STRENGTH
                    )
        p = Parameters(site_rate, spin_rate, choice)
    return p


def log_likelihood(sites: list[Site], opportunities: Counter, p: Parameters, lm_weight: float) -> float:
    """log10 P(observed text | parameters), up to a constant that does not depend on them."""
    total = 0.0
    for site in sites:
        keep, weights = _weights(site, p, lm_weight)
        total += math.log10(keep + sum(weights))
    for src, n in opportunities.items():
        total += n * math.log10(max(1.0 - p.spin_rate.get(src, 0.0), 1e-12))
    return total


def spin_score_from_llr(llr: float, scale: float = 0.5, offset: float = -3.0) -> float:
    """Map the log10 likelihood ratio to a probability (calibrated on tuning documents)."""
    z = scale * llr * math.log(10) + offset
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def model_document(sites: list[Site], opportunities: Counter, config: RepairConfig) -> DocumentModel:
    params = fit(sites, opportunities, config)
    clean = Parameters.clean(params.site_rate)
    llr = log_likelihood(sites, opportunities, params, config.lm_weight) - log_likelihood(
        sites, opportunities, clean, config.lm_weight
    )
    score = spin_score_from_llr(llr)
    return DocumentModel(params, llr, score, score >= config.clean_threshold)


def decide(sites: list[Site], doc: DocumentModel, config: RepairConfig) -> list[SiteDecision]:
    """Best hypothesis per site, then a consistent (non-overlapping) set of changes."""
    params = doc.params if doc.is_spun else Parameters.clean(doc.params.site_rate)
    decisions: list[SiteDecision] = []
    for site in sites:
        keep, weights = _weights(site, params, config.lm_weight)
        total = keep + sum(weights)
        ranked: list[tuple[Option | None, float]] = [(None, keep / total)]
        ranked += [(o, w / total) for o, w in zip(site.options, weights)]
        ranked.sort(key=lambda x: -x[1])
        best, prob = ranked[0]
        if best is not None and not doc.is_spun and not (
            site.strong and best.delta * config.lm_weight >= config.overwhelming_margin
        ):
            best = None  # clean document: only a form unknown to clean text, with a large margin
        if best is not None and prob < config.min_confidence:
            best = None
        decisions.append(SiteDecision(site, best, prob, ranked))
    return _resolve_overlaps(decisions)


def _resolve_overlaps(decisions: list[SiteDecision]) -> list[SiteDecision]:
    """Among overlapping changes keep the most probable (longer span on ties)."""
    changes = sorted((d for d in decisions if d.option is not None),
                     key=lambda d: (-d.posterior, -(d.site.end - d.site.start), d.site.start))
    taken: list[tuple[int, int]] = []
    chosen = []
    for d in changes:
        s, e = d.site.start, d.site.end
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        chosen.append(d)
    chosen.sort(key=lambda d: d.site.start)
    return chosen
