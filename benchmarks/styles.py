"""Named styles of spinning: how a dictionary is applied, to how much, of what text.

A :class:`Style` fixes what a spinner dictionary (original → spun forms) does to a
document, the dictionary aside:

* ``mode`` — how the dictionary is applied (:mod:`benchmarks.simulator`): ``blind``
  string find-and-replace (leftmost-longest, left to right, never re-reading its own
  output); ``token`` only whole jieba tokens (the simulator's ``mode="word"``); or
  ``sequential`` — the entries one after another in file order, each replacing every
  occurrence in the text as it is by then (PHP ``str_replace`` with arrays), so an entry
  rewrites earlier entries' output (chains A→B→C, replacements inside replacements);
* ``rate`` — the share of occurrences swapped: one value, or a range from which each
  document draws its own rate uniformly (``partial``: 30–100 %);
* ``choice`` — ``occurrence``: a random spun form for each occurrence (every style);
* ``source`` and ``length`` — the clean text: xwlb news articles of 800–2,500 characters,
  short documents of 60–300 characters cut from them (:func:`corpus.cut_articles`), or
  Chinese Linux manual pages (technical text, Latin words and options mixed in).

The sample spinner's char swaps and keyword stuffing (or any other pass of a
:class:`SpinnerSpec`) are kept: a style replaces only the spec's ``mode``, ``rate`` and
``choice``.

:func:`styled_docs` is the one way tune scripts (``split="tune"``: TUNE articles only) and
benchmark suites (``split="test"``) get spun documents of a style; :func:`style_articles`
gives the clean documents of a style's source for clean-text checks. Both take the
disjoint-share convention of :func:`corpus.pick` (``slot`` of ``slots``), applied to the
800–2,500-character articles *before* any cutting, so short documents of one share never
come from an article of another share.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import corpus, spinners
from .simulator import SpinnerSpec, Spun, spin

__all__ = ["Style", "STYLES", "get_style", "styled_docs", "style_articles", "SPLITS"]

SPLITS = ("tune", "test")
# a style's mode -> the simulator's mode
_SPEC_MODES = {"blind": "blind", "token": "word", "sequential": "sequential"}
ARTICLE_LENGTH = (corpus.MIN_CHARS, corpus.MAX_CHARS)
SHORT_LENGTH = (corpus.SHORT_MIN_CHARS, corpus.SHORT_MAX_CHARS)


@dataclass(frozen=True)
class Style:
    """A named way of spinning (see the module docstring)."""

    name: str
    description: str
    mode: str = "blind"  # blind | token | sequential
    rate: tuple[float, float] = (1.0, 1.0)  # (low, high): each document draws uniformly from it
    source: str = "xwlb"
    length: tuple[int, int] = ARTICLE_LENGTH  # characters; shorter than an article: cut from articles
    choice: str = "occurrence"

    def __post_init__(self) -> None:
        if self.mode not in _SPEC_MODES:
            raise ValueError(f"mode must be one of {', '.join(_SPEC_MODES)}, got {self.mode!r}")
        low, high = self.rate
        if not 0.0 <= low <= high <= 1.0:
            raise ValueError(f"rate range must be 0 <= low <= high <= 1, got {self.rate}")
        if self.source not in corpus.SOURCES:
            raise ValueError(f"unknown source {self.source!r}")
        if self.length != ARTICLE_LENGTH and not 0 < self.length[0] <= self.length[1] <= corpus.MIN_CHARS:
            raise ValueError(f"length must be {ARTICLE_LENGTH} or a range within 1–{corpus.MIN_CHARS}, got {self.length}")
        if self.choice not in ("occurrence", "document"):
            raise ValueError(f"choice must be 'occurrence' or 'document', got {self.choice!r}")

    @property
    def short(self) -> bool:
        """Documents are cut from articles (:func:`corpus.cut_articles`)."""
        return self.length != ARTICLE_LENGTH

    @property
    def label(self) -> str:
        """What a results table says about the style, e.g.
        ``blind, every occurrence, random replacement per occurrence``."""
        low, high = self.rate
        if low == high == 1.0:
            rate = "every occurrence"
        elif low == high:
            rate = f"{100 * low:.0f}% of occurrences"
        else:
            rate = f"{100 * low:.0f}–{100 * high:.0f}% of occurrences, drawn per document"
        choice = "random replacement per occurrence" if self.choice == "occurrence" else "one replacement per document"
        return f"{self.mode}, {rate}, {choice}"

    @property
    def text(self) -> str:
        """The documents, e.g. ``xwlb articles of 800–2,500 chars``."""
        kind = "short documents" if self.short else "articles"
        return f"{self.source} {kind} of {self.length[0]:,}–{self.length[1]:,} chars"

    def rate_for(self, seed: Any) -> float:
        """The document's swap rate: the range's only value, or a uniform draw seeded by *seed*."""
        low, high = self.rate
        return low if low == high else random.Random(f"rate:{seed}").uniform(low, high)

    def spec_for(self, spec: SpinnerSpec, seed: Any) -> SpinnerSpec:
        """*spec* applied in this style to the document spun with *seed*."""
        return replace(spec, mode=_SPEC_MODES[self.mode], rate=self.rate_for(seed), choice=self.choice)


_STYLES = (
    Style("blind", "find-and-replace, leftmost-longest, left to right, never re-reading its own output; "
          "news articles", mode="blind"),
    Style("token", "whole jieba tokens only; news articles", mode="token"),
    Style("sequential", "entries one after another in file order, each replacing every occurrence in the "
          "current text (str_replace with arrays): chains and replacements inside replacements; news articles",
          mode="sequential"),
    Style("partial", "blind, with a swap rate drawn per document uniformly from 30–100 %; news articles",
          mode="blind", rate=(0.3, 1.0)),
    Style("short", "blind; short documents of 60–300 characters cut from news articles",
          mode="blind", length=SHORT_LENGTH),
    Style("manpages", "whole jieba tokens only; Chinese Linux manual pages (technical text)",
          mode="token", source="manpages"),
)
#: every style by name, in this order: blind, token, sequential, partial, short, manpages
STYLES: dict[str, Style] = {s.name: s for s in _STYLES}


def get_style(style: Style | str) -> Style:
    if isinstance(style, Style):
        return style
    try:
        return STYLES[style]
    except KeyError:
        raise KeyError(f"unknown style {style!r}; known: {', '.join(STYLES)}") from None


@lru_cache(maxsize=None)
def _pool(source: str, split: str) -> tuple[corpus.Article, ...]:
    return tuple(corpus.articles(source, split))


@lru_cache(maxsize=None)
def _share(source: str, split: str, length: tuple[int, int], slot: int, slots: int) -> tuple[corpus.Article, ...]:
    share = _pool(source, split)[slot::slots]
    if length == ARTICLE_LENGTH:
        return share
    return tuple(corpus.cut_articles(share, min_chars=length[0], max_chars=length[1]))


def style_articles(style: Style | str, split: str, n: int | None = None, *, slot: int = 0,
                   slots: int = 1) -> list[corpus.Article]:
    """The clean documents of *style*'s source and length in *split* (``"tune"`` or ``"test"``):
    those of the *slot*-th of *slots* disjoint shares of the articles (:func:`corpus.pick`),
    *n* of them spread evenly (all when *n* is None). Short documents are cut from the
    share's articles, so they share no text with another share."""
    style = get_style(style)
    if split not in SPLITS:
        raise ValueError(f"split must be 'tune' or 'test', got {split!r}")
    if not 0 <= slot < slots:
        raise ValueError(f"slot must be in 0–{slots - 1}, got {slot}")
    share = list(_share(style.source, split, style.length, slot, slots))
    return share if n is None else corpus.pick(share, n)


def styled_docs(spinner: SpinnerSpec | Path | str, style: Style | str, split: str, n: int, seed: Any = 0, *,
                slot: int = 0, slots: int = 1) -> list[tuple[corpus.Article, Spun]]:
    """*n* documents of :func:`style_articles` spun by *spinner* (a spec, or the path of a public
    dictionary, ``original<TAB>spun``) in *style*.

    Each document is spun with the seed ``"{style}:{spinner name}:{seed}:{article id}"``
    (which also draws its rate in a ``partial`` style), so the result is deterministic and
    two spinners or styles spinning the same article do so independently.
    """
    style = get_style(style)
    spec = spinner if isinstance(spinner, SpinnerSpec) else spinners.public_spinner(Path(spinner))
    out = []
    for article in style_articles(style, split, n, slot=slot, slots=slots):
        doc_seed = f"{style.name}:{spec.name or 'spinner'}:{seed}:{article.id}"
        out.append((article, spin(article.text, style.spec_for(spec, doc_seed), seed=doc_seed)))
    return out
