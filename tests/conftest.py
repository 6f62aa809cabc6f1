import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "benchmarks" / "data" / "sample"
CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="session")
def repairer():
    import zhrepair

    return zhrepair.Repairer().load()


@pytest.fixture(scope="session")
def sample_text() -> str:
    return (SAMPLE / "spun.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_edits() -> list[dict]:
    with open(SAMPLE / "edits.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def load_cases(name: str) -> list[dict]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))
