"""Clean articles from the shared corpus, with a fixed TUNE / TEST split.

The corpus lives outside the repository (``$ZHREPAIR_SHARED/data/corpus`` or
``<repo>/../shared/data/corpus``) and is read in place; nothing from it is ever written
into the repository. An *article* joins consecutive lines (paragraphs) with ``"\\n"`` until
it is 800–2,500 characters long, like a real web page; a line longer than the maximum is
skipped, and an article never crosses a split boundary or a document start.
:func:`cut_articles` cuts articles into *short documents* (60–300 characters by default,
like a comment or a product blurb) at sentence or line ends, so they keep those rules.

Split (line numbers are 1-based and inclusive; see benchmarks/README.md):

==========  ==========================  =================  =====================
source      file                        TUNE               TEST
==========  ==========================  =================  =====================
xwlb        xwlb_dev.txt                1–30,000           40,001–77,000
govreport   govreport_2000_2022.txt     1,021–2,453        1–1,020
                                        (reports 2000–12)  (reports 2013–2022)
rmrb        rmrb199801.txt              1–9,000            10,001–19,484
sighan      sighan05.txt                1–1,944 (PKU)      1,945–5,929 (MSR)
manpages    manpages_zh.txt             1–5,720            6,995–12,714
==========  ==========================  =================  =====================

xwlb lines 30,001–40,000 are a gap that neither side uses. ``rmrb`` (People's Daily,
January 1998) and ``sighan`` (bakeoff sentences) are out-of-domain clean text for the
clean-safety and detection suites and for calibrating detection. ``manpages`` (Chinese
Linux manual pages, Debian manpages-zh, GFDL) is technical text with Latin words, options,
paths and code mixed in: TUNE is its first 45 % of lines, TEST its last 45 %, and lines
5,721–6,994 are a gap, so no manual page (which runs over consecutive lines; the file does
not mark where one ends) has lines on both sides.
Benchmarks and tests read TEST only; TUNE is for fitting the repairer's parameters.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

__all__ = [
    "Article",
    "SPLITS",
    "SOURCES",
    "shared_dir",
    "corpus_dir",
    "spinner_dicts_dir",
    "articles",
    "tune_articles",
    "test_articles",
    "cut_articles",
    "short_articles",
    "pick",
    "SharedDataMissing",
]

REPO = Path(__file__).resolve().parent.parent

SOURCES = {
    "xwlb": "xwlb_dev.txt",
    "govreport": "govreport_2000_2022.txt",
    "rmrb": "rmrb199801.txt",
    "sighan": "sighan05.txt",
    "manpages": "manpages_zh.txt",
}

# (first line, last line), 1-based inclusive
SPLITS: dict[str, dict[str, tuple[int, int]]] = {
    "xwlb": {"tune": (1, 30_000), "test": (40_001, 77_000)},
    "govreport": {"tune": (1_021, 2_453), "test": (1, 1_020)},
    # out of domain (1998 newspaper; segmentation-bakeoff sentences): clean text only
    "rmrb": {"tune": (1, 9_000), "test": (10_001, 19_484)},
    "sighan": {"tune": (1, 1_944), "test": (1_945, 5_929)},
    # technical text; 5,721-6,994 is a gap (no manual page on both sides)
    "manpages": {"tune": (1, 5_720), "test": (6_995, 12_714)},
}

# lines that start a new document: an article never runs across them
_DOC_START = {"govreport": ("各位代表：",)}

MIN_CHARS, MAX_CHARS = 800, 2_500
SHORT_MIN_CHARS, SHORT_MAX_CHARS = 60, 300
SENTENCE_ENDS = "。！？；!?;"  # a short document ends after a run of these or at a line end


class SharedDataMissing(RuntimeError):
    """The shared data folder is not there; suites and tests skip with this message."""


def shared_dir() -> Path | None:
    """``$ZHREPAIR_SHARED`` or ``<repo>/../shared``, if it exists."""
    env = os.environ.get("ZHREPAIR_SHARED")
    path = Path(env) if env else REPO.parent / "shared"
    return path if path.is_dir() else None


def _sub(*parts: str) -> Path:
    base = shared_dir()
    where = os.environ.get("ZHREPAIR_SHARED") or str(REPO.parent / "shared")
    if base is None or not base.joinpath(*parts).exists():
        raise SharedDataMissing(
            f"shared data not found at {Path(where).joinpath(*parts)}; "
            "set ZHREPAIR_SHARED to the folder holding data/corpus and data/spinner-dicts"
        )
    return base.joinpath(*parts)


def corpus_dir() -> Path:
    return _sub("data", "corpus")


def spinner_dicts_dir() -> Path:
    return _sub("data", "spinner-dicts")


@dataclass(frozen=True)
class Article:
    """Lines ``first_line``–``last_line`` (1-based) of ``source``, stripped, joined with newlines.

    ``cols`` is set on a piece of lines (a short document, :func:`cut_articles`): it starts
    at column ``cols[0]`` of the first (stripped) line and ends before column ``cols[1]`` of
    the last one.
    """

    source: str
    first_line: int
    last_line: int
    text: str
    cols: tuple[int, int] | None = None

    @property
    def id(self) -> str:
        if self.cols is None:
            return f"{self.source}:{self.first_line}-{self.last_line}"
        return f"{self.source}:{self.first_line}.{self.cols[0]}-{self.last_line}.{self.cols[1]}"


@lru_cache(maxsize=None)
def _lines(source: str) -> tuple[str, ...]:
    path = corpus_dir() / SOURCES[source]
    if not path.is_file():
        raise SharedDataMissing(f"corpus file not found at {path}")
    return tuple(path.read_text(encoding="utf-8").splitlines())


def articles(
    source: str,
    split: str,
    *,
    min_chars: int = MIN_CHARS,
    max_chars: int = MAX_CHARS,
    seed: int = 0,
) -> list[Article]:
    """Every article of *source* in *split* (``"tune"`` or ``"test"``), in corpus order.

    Each article's target length is drawn uniformly from [min_chars, max_chars] with a
    fixed RNG, so lengths spread like real pages; the result is deterministic.
    """
    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    first, last = SPLITS[source][split]
    lines = _lines(source)
    rng = random.Random(f"{source}:{split}:{seed}")
    starts = _DOC_START.get(source, ())
    out: list[Article] = []
    buf: list[str] = []
    buf_first = buf_last = first
    size = 0
    target = rng.randint(min_chars, max_chars)

    def close() -> None:
        if size >= min_chars:
            out.append(Article(source, buf_first, buf_last, "\n".join(buf)))

    for n in range(first, min(last, len(lines)) + 1):
        line = lines[n - 1].strip()
        if not line:
            continue
        joined = size + len(line) + (1 if buf else 0)
        if buf and (joined > max_chars or line.startswith(starts)):
            close()
            buf, size = [], 0
            target = rng.randint(min_chars, max_chars)
        if len(line) > max_chars:
            continue
        if not buf:
            buf_first = n
        size += len(line) + (1 if buf else 0)
        buf.append(line)
        buf_last = n
        if size >= target:
            close()
            buf, size = [], 0
            target = rng.randint(min_chars, max_chars)
    if buf:
        close()
    return out


def tune_articles(source: str = "xwlb", **kw: int) -> list[Article]:
    """Articles for parameter fitting (never used by benchmarks or tests)."""
    return articles(source, "tune", **kw)


def test_articles(source: str = "xwlb", **kw: int) -> list[Article]:
    """Held-out articles for benchmarks and tests."""
    return articles(source, "test", **kw)


def _line_starts(article: Article) -> dict[int, int]:
    """Line number → offset of that line's first character in *article*'s text."""
    lines = _lines(article.source)
    numbers = [n for n in range(article.first_line, article.last_line + 1) if lines[n - 1].strip()]
    texts = article.text.split("\n")
    if article.cols is not None or texts != [lines[n - 1].strip() for n in numbers]:
        raise ValueError(f"{article.id} is not an article of articles(): its lines do not match the corpus")
    starts, offset = {}, 0
    for number, text in zip(numbers, texts):
        starts[number] = offset
        offset += len(text) + 1
    return starts


def _sentences(article: Article, line_starts: dict[int, int]) -> list[tuple[int, int, int]]:
    """``(line number, start, end)`` of each sentence of *article* (offsets into its text):
    up to and with a run of :data:`SENTENCE_ENDS`, or to the line's end; spaces around left out."""
    out: list[tuple[int, int, int]] = []
    for number, offset in line_starts.items():
        line = article.text[offset:].split("\n", 1)[0]
        start = 0
        for i, ch in enumerate(line):
            last = i + 1 == len(line)
            if last or (ch in SENTENCE_ENDS and line[i + 1] not in SENTENCE_ENDS):
                piece = line[start : i + 1]
                if piece.strip():
                    lead = len(piece) - len(piece.lstrip())
                    out.append((number, offset + start + lead, offset + start + lead + len(piece.strip())))
                start = i + 1
    return out


def cut_articles(
    arts: Iterable[Article],
    *,
    min_chars: int = SHORT_MIN_CHARS,
    max_chars: int = SHORT_MAX_CHARS,
    seed: int = 0,
) -> list[Article]:
    """Cut each article of :func:`articles` into consecutive short documents of
    *min_chars*–*max_chars* characters.

    Like :func:`articles` one level down: a document takes whole sentences (up to and with
    a run of ``。！？；!?;``, or to a line end; a line end inside it stays a ``"\n"``) until it
    reaches a target length drawn uniformly from [min_chars, max_chars] by an RNG seeded
    with the article's id; a sentence that would take it past *max_chars* closes it (kept if
    at least *min_chars* long), and a sentence longer than *max_chars* is skipped. A document
    never leaves its article, so it never crosses a split boundary or a document start.
    Deterministic; each document's ``first_line``, ``last_line`` and ``cols`` place it in the
    corpus.
    """
    out: list[Article] = []
    for article in arts:
        rng = random.Random(f"short:{article.id}:{seed}")
        target = rng.randint(min_chars, max_chars)
        line_starts = _line_starts(article)
        doc: list[tuple[int, int, int]] = []
        for sentence in _sentences(article, line_starts):
            if doc and sentence[2] - doc[0][1] > max_chars:
                out += _piece(article, line_starts, doc, min_chars)
                doc = []
                target = rng.randint(min_chars, max_chars)
            if sentence[2] - sentence[1] > max_chars:
                continue
            doc.append(sentence)
            if sentence[2] - doc[0][1] >= target:
                out += _piece(article, line_starts, doc, min_chars)
                doc = []
                target = rng.randint(min_chars, max_chars)
        if doc:
            out += _piece(article, line_starts, doc, min_chars)
    return out


def _piece(article: Article, line_starts: dict[int, int], doc: list[tuple[int, int, int]],
           min_chars: int) -> list[Article]:
    """The short document made of the sentences *doc* of *article*, if long enough."""
    (first, start, _), (last, _, end) = doc[0], doc[-1]
    if end - start < min_chars:
        return []
    cols = (start - line_starts[first], end - line_starts[last])
    return [Article(article.source, first, last, article.text[start:end], cols)]


def short_articles(
    source: str,
    split: str,
    *,
    min_chars: int = SHORT_MIN_CHARS,
    max_chars: int = SHORT_MAX_CHARS,
    seed: int = 0,
) -> list[Article]:
    """Every short document of *source* in *split*: :func:`cut_articles` of :func:`articles`."""
    return cut_articles(articles(source, split), min_chars=min_chars, max_chars=max_chars, seed=seed)


def pick(items: list[Article], n: int, slot: int = 0, slots: int = 1) -> list[Article]:
    """*n* items spread evenly over *items*, from the *slot*-th of *slots* disjoint shares.

    Different suites take different slots, so e.g. clean and spun articles never coincide.
    """
    share = items[slot::slots]
    if n >= len(share):
        return list(share)
    step = len(share) / n
    return [share[int(k * step)] for k in range(n)]
