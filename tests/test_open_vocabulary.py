"""One document of a spinner whose dictionary nobody has: ``Repairer(open_vocabulary=True)``
(the document model of zhrepair.induction), on TUNE documents made from the shared corpus
(skipped when it is absent)."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest

import zhrepair
from conftest import shared_path, spinner_dict_path
from zhrepair.induction import DOCUMENT, FEATURES, induce_document, load_model
from zhrepair.sites import OPEN_VOCABULARY_SOURCE, Option, Scan, Site

DOCS = 12


@pytest.fixture(scope="module")
def repairer():
    return zhrepair.Repairer(open_vocabulary=True)


@pytest.fixture(scope="module")
def spun_docs():
    shared_path("data", "corpus")
    from benchmarks import styles

    path = spinner_dict_path("milu_word_dat.tsv")
    return [d for _, d in styles.styled_docs(path, "blind", "tune", DOCS, slot=0, slots=2)]


def test_an_unseen_spinners_documents_get_mostly_right_restorations(repairer, spun_docs):
    from benchmarks.scoring import WordScore, word_score

    plain = zhrepair.Repairer()
    opened, default = WordScore(), WordScore()
    for d in spun_docs:
        result = repairer.repair(d.spun)
        opened += word_score(d.spun, d.swaps, result.edits)
        default += word_score(d.spun, d.swaps, plain.repair(d.spun).edits)
        swaps = {e.source for e in result.edits if e.kind == zhrepair.EditKind.WORD_SWAP}
        assert swaps <= {OPEN_VOCABULARY_SOURCE, *(e.source for e in plain.lexicon)}
    assert opened.found >= default.found + 10, (opened.found, default.found)  # it restores what no lexicon names
    assert opened.precision >= 0.75, opened.summary()


def test_clean_documents_stay_byte_for_byte(repairer):
    shared_path("data", "corpus")
    from benchmarks import styles

    texts = [a.text for a in styles.style_articles("short", "tune", DOCS, slot=1, slots=2)]
    changed = [t for t in texts if repairer.repair(t).text != t]
    assert not changed, changed


def test_the_document_judge_names_pairs_it_is_sure_of(spun_docs):
    found = induce_document(spun_docs[0].spun)
    assert found.threshold == load_model(scale=DOCUMENT).threshold
    assert all(e.probability >= found.threshold for e in found.pairs)
    assert [e.probability for e in found.best] == sorted((e.probability for e in found.best), reverse=True)


def test_repair_and_detect_agree_with_open_vocabulary(repairer, spun_docs):
    text = spun_docs[1].spun
    assert repairer.repair(text).detection == repairer.detect(text)
    assert zhrepair.Repairer().detect(text) == zhrepair.Repairer().repair(text).detection


def test_a_joined_scan_keeps_the_first_scans_sites():
    def site(start, end, spun):
        return Site(start, end, spun, [Option("x", 1.0, "s", zhrepair.EditKind.WORD_SWAP)])

    mine = Scan([site(0, 2, "ab"), site(5, 7, "fg")], standing=Counter({("s", "x"): 1}))
    other = Scan([site(1, 3, "bc"), site(3, 5, "de"), site(6, 8, "gh")], standing=Counter({("t", "y"): 2}))
    joined = mine.joined(other)
    assert [(s.start, s.end) for s in joined.sites] == [(0, 2), (3, 5), (5, 7)]
    assert joined.standing == {("s", "x"): 1, ("t", "y"): 2}


def test_the_document_model_holds_numbers_only():
    text = resources.files("zhrepair").joinpath("data", "induction_document.json").read_text(encoding="utf-8")
    model = json.loads(text)
    assert model["features"] == list(FEATURES)
    assert all(isinstance(x, float) for key in ("weights", "mean", "scale") for x in model[key])
    assert "train_document" in model["origin"]


@pytest.mark.parametrize("text", ["", "\n\n", "ls -la /usr/bin && echo ok", "你好", "繁荣繁荣繁荣"])
def test_texts_with_nothing_to_judge_pass_through(repairer, text):
    assert repairer.repair(text).text == text
