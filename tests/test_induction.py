"""Learning a site's spinner dictionary from its pages (zhrepair.induction, `lexicon induce`,
`clean --induce`), on crawls made from the shared corpus (skipped when it is absent)."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest
import regex

from conftest import shared_path, spinner_dict_path
from zhrepair.cli import main
from zhrepair.induction import FEATURES, _may_be_swap, induce, load_model

DOCS = 100  # pages of a crawl: fewer than a real one, so the test stays quick


@pytest.fixture(scope="module")
def spun_crawl():
    shared_path("data", "corpus")
    from benchmarks import styles

    path = spinner_dict_path("itechbear_jinyici.tsv")
    return [d for _, d in styles.styled_docs(path, "blind", "tune", DOCS, slot=0, slots=2)]


@pytest.fixture(scope="module")
def clean_crawl():
    shared_path("data", "corpus")
    from benchmarks import styles

    return [a.text for a in styles.style_articles("blind", "tune", DOCS, slot=1, slots=2)]


@pytest.mark.slow  # 35-40 s: induction over a 100-page crawl; .ci/run runs it
def test_a_spun_crawl_gives_mostly_right_entries(spun_crawl):
    found = induce([d.spun for d in spun_crawl])
    gold = Counter((g.spun, g.gold[0]) for d in spun_crawl for g in d.swaps)
    right = [e for e in found.pairs if (e.spun, e.original) in gold]
    assert found.is_spun, found.spun_share
    assert len(found.pairs) >= 20
    assert len(right) >= 0.75 * len(found.pairs), [(e.spun, e.original) for e in found.pairs if e not in right]
    assert all(e.count >= 3 for e in found.pairs)  # a form seen fewer times gets no entry


def test_a_clean_crawl_gives_nothing(clean_crawl):
    found = induce(clean_crawl)
    assert not found.is_spun, found.spun_share
    assert len(found.lexicon()) == 0


def test_pairs_no_spinner_makes_are_never_candidates():
    assert not _may_be_swap("有线电视", "有线")  # one inside the other
    assert not _may_be_swap("二十", "十七")  # numerals only
    assert _may_be_swap("国度", "国家") and _may_be_swap("一向", "一贯")


def test_the_shipped_model_holds_numbers_only():
    text = resources.files("zhrepair").joinpath("data", "induction.json").read_text(encoding="utf-8")
    assert not regex.search(r"\p{Han}", text)
    model = json.loads(text)
    assert tuple(model["features"]) == FEATURES
    assert 0.0 < load_model().threshold < 1.0 and 0.0 < load_model().gate < 1.0


def test_cli_induce_then_clean(tmp_path, spun_crawl, capsys):
    pages = tmp_path / "crawl.jsonl"
    pages.write_text("".join(json.dumps({"text": d.spun}, ensure_ascii=False) + "\n" for d in spun_crawl[:30])
                     + "{broken\n", encoding="utf-8")
    site = tmp_path / "site.tsv"
    assert main(["lexicon", "induce", str(pages), "-o", str(site)]) == 0
    assert "1 record(s) could not be read" in capsys.readouterr().err
    lines = site.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# zhrepair lexicon induce: 30 documents") and "look spun" in lines[0]
    entries = [ln.split("\t") for ln in lines if not ln.startswith("#")]
    assert entries and all(len(e) == 4 and e[3] == "induced" and 0 < float(e[2]) <= 1 for e in entries)

    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(pages), "--induce", "-o", str(out)]) == 1  # the broken line is an error record
    assert (tmp_path / "clean.induced.tsv").read_text(encoding="utf-8") == site.read_text(encoding="utf-8")
    records = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 31 and "error" in records[-1]
    assert any(e["source"] == "induced" for r in records[:-1] for e in r["edits"])


def test_cli_induce_needs_an_output_and_files(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text("坚持创新驱动发展战略。\n", encoding="utf-8")
    assert main(["clean", str(page), "--induce"]) == 2
    assert "--induce needs -o" in capsys.readouterr().err
    assert main(["clean", "-", "--induce", "-o", str(tmp_path / "out.jsonl")]) == 2
    assert "stdin" in capsys.readouterr().err
    assert main(["lexicon", "induce", str(page), "--threshold", "2"]) == 2


def test_traditional_pages_are_read_in_simplified_and_nothing_is_nothing():
    from zhrepair.induction import Crawl
    from zhrepair.languagemodel import shared_model

    crawl = Crawl.of(["國家發展，經濟建設。", "", "no Han at all"], shared_model())
    assert set(crawl.counts) == {"国家", "发展", "经济建设"} and crawl.tokens == 3
    empty = induce([])
    assert (empty.pairs, empty.is_spun, len(empty.lexicon())) == ((), False, 0)


def test_progress_is_reported_per_round(spun_crawl):
    seen: list[tuple[int, int, int]] = []
    induce([d.spun for d in spun_crawl[:20]], progress=lambda *a: seen.append(a))
    assert seen and {r for r, _, _ in seen} <= {1, 2} and seen[0][:2] == (1, 0)
    last = [s for s in seen if s[0] == 1][-1]
    assert last[1] == last[2] > 0  # the first round ends with every form judged


def test_clean_induce_resume_keeps_the_lexicon_induced_before(tmp_path, spun_crawl, capsys):
    pages = tmp_path / "crawl.jsonl"
    pages.write_text("".join(json.dumps({"text": d.spun}, ensure_ascii=False) + "\n" for d in spun_crawl[:20]),
                     encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(pages), "--induce", "-o", str(out)]) == 0
    first = out.read_bytes()
    induced = tmp_path / "out.induced.tsv"
    lines = induced.read_text(encoding="utf-8").splitlines()
    induced.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # the header only: no entries
    done = first.splitlines(keepends=True)
    (tmp_path / "out.jsonl.partial").write_bytes(b"".join(done[:10]))  # as a run killed after 10 records leaves it
    out.unlink()
    capsys.readouterr()
    assert main(["clean", str(pages), "--induce", "-o", str(out), "--resume"]) == 0
    assert "cleaning with the lexicon induced before" in capsys.readouterr().err
    resumed = out.read_bytes().splitlines(keepends=True)
    assert resumed[:10] == done[:10] and len(resumed) == len(done)
    later = [json.loads(ln) for ln in resumed[10:]]
    assert not any(e["source"] == "induced" for r in later for e in r["edits"])  # the kept (emptied) lexicon


def test_induce_reads_stdin_and_an_empty_input_gives_an_empty_lexicon(monkeypatch, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert main(["lexicon", "induce"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# zhrepair lexicon induce: 0 documents") and "do not look spun" in captured.out
    assert [ln for ln in captured.out.splitlines() if not ln.startswith("#")] == []


def test_a_model_file_that_does_not_fit_is_refused():
    from zhrepair.induction import InductionModel

    good = json.loads(resources.files("zhrepair").joinpath("data", "induction.json").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="one finite number per feature"):
        InductionModel.from_dict({**good, "weights": good["weights"][:-1]})
    with pytest.raises(ValueError, match="this version computes"):
        InductionModel.from_dict({**good, "features": good["features"][::-1]})
    assert InductionModel.from_dict(good).gate == good["gate"]
