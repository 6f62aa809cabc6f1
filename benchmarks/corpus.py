"""Clean articles from the shared corpus, with a fixed TUNE / TEST split.

The corpus lives outside the repository (``$ZHREPAIR_SHARED/data/corpus`` or
``<repo>/../shared/data/corpus``) and is read in place; nothing from it is ever written
into the repository. An *article* joins consecutive lines (paragraphs) with ``"\\n"`` until
it is 800–2,500 characters long, like a real web page; a line longer than the maximum is
skipped, and an article never crosses a split boundary or a document start.

Split (line numbers are 1-based and inclusive; see benchmarks/README.md):

==========  ==========================  =================  =====================
source      file                        TUNE               TEST
==========  ==========================  =================  =====================
xwlb        xwlb_dev.txt                1–30,000           40,001–77,000
govreport   govreport_2000_2022.txt     1,021–2,453        1–1,020
                                        (reports 2000–12)  (reports 2013–2022)
rmrb        rmrb199801.txt              1–9,000            10,001–19,484
sighan      sighan05.txt                1–1,944 (PKU)      1,945–5,929 (MSR)
==========  ==========================  =================  =====================

xwlb lines 30,001–40,000 are a gap that neither side uses. ``rmrb`` (People's Daily,
January 1998) and ``sighan`` (bakeoff sentences) are out-of-domain clean text for the
clean-safety and detection suites and for calibrating detection.
Benchmarks and tests read TEST only; TUNE is for fitting the repairer's parameters.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
    "pick",
    "SharedDataMissing",
]

REPO = Path(__file__).resolve().parent.parent

SOURCES = {
    "xwlb": "xwlb_dev.txt",
    "govreport": "govreport_2000_2022.txt",
    "rmrb": "rmrb199801.txt",
    "sighan": "sighan05.txt",
}

# (first line, last line), 1-based inclusive
SPLITS: dict[str, dict[str, tuple[int, int]]] = {
    "xwlb": {"tune": (1, 30_000), "test": (40_001, 77_000)},
    "govreport": {"tune": (1_021, 2_453), "test": (1, 1_020)},
    # out of domain (1998 newspaper; segmentation-bakeoff sentences): clean text only
    "rmrb": {"tune": (1, 9_000), "test": (10_001, 19_484)},
    "sighan": {"tune": (1, 1_944), "test": (1_945, 5_929)},
}

# lines that start a new document: an article never runs across them
_DOC_START = {"govreport": ("各位代表：",)}

MIN_CHARS, MAX_CHARS = 800, 2_500


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
    """Lines ``first_line``–``last_line`` (1-based) of ``source``, joined with newlines."""

    source: str
    first_line: int
    last_line: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.source}:{self.first_line}-{self.last_line}"


@lru_cache(maxsize=None)
def _lines(source: str) -> tuple[str, ...]:
    path = corpus_dir() / SOURCES[source]
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


def pick(items: list[Article], n: int, slot: int = 0, slots: int = 1) -> list[Article]:
    """*n* items spread evenly over *items*, from the *slot*-th of *slots* disjoint shares.

    Different suites take different slots, so e.g. clean and spun articles never coincide.
    """
    share = items[slot::slots]
    if n >= len(share):
        return list(share)
    step = len(share) / n
    return [share[int(k * step)] for k in range(n)]
