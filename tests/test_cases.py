"""Cases as data (like ftfy's test cases): every ``tests/cases/*.json`` file is a list of
cases, each run through the public API with the default Repairer.

A case is ``{"label", "comment", "input", "expected", "in_sample", "expect"}``:
``expected == input`` for clean text (then there must be no edit at all and the output is
the input byte for byte); ``in_sample`` is true when the text or its restoration comes
from the sample article, whose pairs are the shipped lexicon; ``expect`` is ``"pass"``,
or ``"fail"`` for a known miss, run as a strict xfail whose reason is the comment (so a
fix shows up as an unexpected pass, and the case is then set to ``"pass"``).
"""

from __future__ import annotations

import json

import pytest

from conftest import case_files, check_invariants

FIELDS = {"label", "comment", "input", "expected", "in_sample", "expect"}


def load_all() -> list[tuple[str, dict]]:
    return [(path.stem, case) for path in case_files() for case in json.loads(path.read_text(encoding="utf-8"))]


def params():
    out = []
    for stem, case in load_all():
        marks = [pytest.mark.xfail(strict=True, reason=case["comment"])] if case.get("expect") == "fail" else []
        out.append(pytest.param(case, id=f"{stem}:{case['label']}", marks=marks))
    return out


def test_case_files_are_well_formed():
    cases = load_all()
    assert {stem for stem, _ in cases} >= {"negative", "sample_sentences", "handwritten", "traditional"}
    ids = [f"{stem}:{case['label']}" for stem, case in cases]
    assert len(ids) == len(set(ids)), "labels must be unique within a file"
    for stem, case in cases:
        assert set(case) == FIELDS, (stem, case)
        assert isinstance(case["input"], str) and isinstance(case["expected"], str), case
        assert isinstance(case["in_sample"], bool), case
        assert case["expect"] in ("pass", "fail"), case
        assert case["comment"].strip(), f"{stem}:{case['label']} needs a comment"


@pytest.mark.parametrize("case", params())
def test_case(repairer, case):
    text = case["input"]
    result = repairer.repair(text)
    check_invariants(text, result)
    assert result.text == case["expected"], [(e.before, e.after, e.confidence) for e in result.edits]
    if case["expected"] == text:
        assert result.edits == ()
        assert result.text.encode("utf-8") == text.encode("utf-8")
