"""Candidate sites and their options: the values the pipeline stages pass along.

A :class:`Site` is a span of the working text that may have been spun, with the
:class:`Option` s (possible originals) the candidate finder proposed; the scorer fills
each option's ``delta``, the decoder weighs them. A :class:`Scan` is what one candidate
search over a block returns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .results import EditKind

THESAURUS_SOURCE = "cilin"  # the lexicon source of 同义词词林 guesses (zhrepair.thesaurus)
OPEN_VOCABULARY_SOURCE = "open-vocabulary"  # pairs one document alone suggests (RepairConfig.open_vocabulary)
GENERAL_SOURCES = frozenset({THESAURUS_SOURCE})  # guesses, not a spinner's dictionary
CHAIN_SUFFIX = ":chains"  # the source of a lexicon's chain entries (Lexicon.chains)


def dictionary_of(source: str) -> str:
    """The dictionary a source belongs to: a lexicon's chains belong to the lexicon."""
    return source[: -len(CHAIN_SUFFIX)] if source.endswith(CHAIN_SUFFIX) else source


def is_chain(source: str) -> bool:
    """Whether *source* names chain entries (what a sequential spinner makes of an original
    beyond one entry): they restore in a document the direct
    entries call spun, and never make one look spun themselves."""
    return source.endswith(CHAIN_SUFFIX)


@dataclass(slots=True)
class Option:
    """A possible original for a site; ``choice`` is P(spinner picked this spun form | original)."""

    text: str
    choice: float
    source: str
    kind: EditKind
    rule: str = ""  # a char-swap rule (关→闭): its rate is shared by every word it touches
    delta: float = 0.0  # language-model log10 gain of this option over keeping the site
    opinion: float = 0.0  # a second judge's log10 gain over keeping the site, weighted (scoring.second_opinion)
    dictionaries: int = 0  # bits of the loaded dictionaries holding this pair (lexicon.Membership; 0: none)


@dataclass(slots=True)
class Site:
    """A span ``start:end`` of the working text holding ``spun``, and its possible originals."""

    start: int
    end: int
    spun: str
    options: list[Option]
    keep_sources: frozenset[str] = frozenset()  # sources that would have spun ``spun`` itself
    strong: bool = False  # the spun form is (nearly) unknown to clean text


@dataclass
class Scan:
    """The sites of one block, and the evidence of original forms the spinner left alone."""

    sites: list[Site]
    # untouched original forms: source -> count, and (source, rule) -> count of a char
    # rule's original character left standing
    opportunities: Counter = field(default_factory=Counter)
    standing: Counter = field(default_factory=Counter)  # (source, original form) -> count, the same by form
    protected: list[tuple[int, int]] = field(default_factory=list)  # spans of whitelisted words, sorted

    def joined(self, other: "Scan") -> "Scan":
        """These sites plus those of *other* that overlap none of them, with both scans' counts."""
        covered = {i for s in self.sites for i in range(s.start, s.end)}
        added = [site for site in other.sites if covered.isdisjoint(range(site.start, site.end))]
        sites = sorted([*self.sites, *added], key=lambda s: (s.start, s.end))
        return Scan(sites, self.opportunities + other.opportunities, self.standing + other.standing,
                    sorted([*self.protected, *other.protected]))
