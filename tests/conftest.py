"""The one place the tests know paths: the repository, the sample article, the case files
and the shared data beside the checkout; plus the session's default Repairer.

Shared data (``$ZHREPAIR_SHARED``, else ``<repo>/../shared``) is read in place and never
copied; tests that need it skip with a message naming the path they looked at.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SAMPLE_DIR = ROOT / "benchmarks" / "data" / "sample"
CASES_DIR = Path(__file__).resolve().parent / "cases"
SHARED_DIR = Path(os.environ["ZHREPAIR_SHARED"]) if os.environ.get("ZHREPAIR_SHARED") else ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """``SHARED_DIR/parts...``, or skip the calling test with a message naming the path."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (set ZHREPAIR_SHARED to the folder holding data/)")
    return path


def spinner_dict_path(name: str) -> Path:
    """A public spinner dictionary of the shared data (``original<TAB>spun``), or skip."""
    return shared_path("data", "spinner-dicts", name)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture(scope="session")
def repairer():
    """The default ``zhrepair.Repairer()``, loaded once for the session."""
    import zhrepair

    return zhrepair.Repairer().load()


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The sample article, exactly as scraped (its pairs are the shipped lexicon: in-sample)."""
    return (SAMPLE_DIR / "spun.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_edits() -> list[dict]:
    """The sample's hand-made gold edits, one dict per edit (``start``, ``end``, ``spun``, ``gold``, ``sure``)."""
    with open(SAMPLE_DIR / "edits.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def check_invariants(text, result) -> None:
    """What every RepairResult promises about its input, whatever the text."""
    from zhrepair import EditKind, apply_edits

    for e in result.edits:
        assert text[e.start : e.end] == e.before, e
        assert 0.0 <= e.confidence <= 1.0, e
        assert isinstance(e.kind, EditKind), e
    spans = [(e.start, e.end) for e in result.edits]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "edits overlap"
    assert apply_edits(text, result.edits) == result.text
    if not result.edits:
        assert result.text == text
    assert 0.0 <= result.spin_score <= 1.0


def pytest_configure(config):
    """Compiled lexicons and installed dictionaries go to folders of this run, never the
    user's (subprocesses inherit them); no lexicon comes from the environment."""
    import tempfile

    os.environ.setdefault("ZHREPAIR_CACHE_DIR", tempfile.mkdtemp(prefix="zhrepair-test-cache-"))
    os.environ["ZHREPAIR_DATA_DIR"] = tempfile.mkdtemp(prefix="zhrepair-test-data-")
    for name in ("ZHREPAIR_LEXICONS", "ZHREPAIR_LEXICON_MIRROR", "ZHREPAIR_LEXICON_CATALOGUE"):
        os.environ.pop(name, None)
