"""Fuzz and soak tests of the exit-code contract, ``clean`` on hostile JSONL, the API under hostile
options, and kill/resume (see :mod:`.harness`). They are marked slow: ``pytest -m slow`` (and
``.ci/run``) runs them, about a minute at the default scale; scale them with
``$ZHREPAIR_FUZZ_SCALE`` (rounds and records) and reseed with ``$ZHREPAIR_FUZZ_SEED``.
``python -m benchmarks.soak`` is the long run."""

from __future__ import annotations

import os
import random
from collections import Counter

import pytest

from .harness import Line, api_fuzz, kill_resume_soak, malformed_jsonl, malformed_lines, run_cli_fuzz

pytestmark = pytest.mark.slow

SCALE = float(os.environ.get("ZHREPAIR_FUZZ_SCALE", "1"))
SEED = int(os.environ.get("ZHREPAIR_FUZZ_SEED", "20261201"))


def scaled(n: float) -> int:
    return max(1, round(n * SCALE))


def test_generator_covers_every_kind_and_is_deterministic():
    lines: list[Line] = malformed_lines(random.Random(SEED), 400, huge=10_000)
    assert set(Counter(ln.expect for ln in lines)) == {"good", "error", "either", "blank"}
    assert any(ln.raw.startswith(b"[" * 990) for ln in lines) and any(b"\\ud800" in ln.raw for ln in lines)
    assert malformed_jsonl(random.Random(SEED), 50) == malformed_jsonl(random.Random(SEED), 50)


def test_cli_fuzz():
    counts = run_cli_fuzz(random.Random(SEED), rounds=scaled(2))
    assert counts["lines"] > 0 and counts["error_records"] > 0


def test_api_fuzz():
    counts = api_fuzz(random.Random(SEED), scaled(600))
    assert counts["valid_calls"] > 0 and counts["rejected_options"] > 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_kill_resume_soak(jobs):
    counts = kill_resume_soak(random.Random(SEED + jobs), rounds=scaled(2), jobs=jobs, records=scaled(40))
    assert counts["rounds"] == scaled(2) and counts["bytes_compared"] > 0
