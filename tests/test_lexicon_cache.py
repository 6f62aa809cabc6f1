"""The compiled lexicon cache: same lexicon back, invalidated by a changed file, never fatal."""

import os

import pytest

import zhrepair
from zhrepair import lexicon_cache


def _entries(lex):
    return sorted((e.spun, e.original, e.weight, e.source) for e in lex), sorted(lex.whitelist)


def test_a_second_load_comes_from_the_cache_and_equals_the_first(tmp_path, monkeypatch):
    monkeypatch.setenv(lexicon_cache.CACHE_ENV, str(tmp_path / "cache"))
    path = tmp_path / "words.txt"
    path.write_text("利用→哄骗\n配置→设置装备摆设\n", encoding="gb18030")
    first = zhrepair.load_lexicon(path, format="arrow", direction="original-first")
    assert len(list((tmp_path / "cache").iterdir())) == 1
    cached = lexicon_cache.load(path, {"format": "arrow", "direction": "original-first", "encoding": "auto",
                                       "name": "words"})
    assert cached is not None and _entries(cached) == _entries(first) and cached.name == first.name
    second = zhrepair.load_lexicon(path, format="arrow", direction="original-first")
    assert _entries(second) == _entries(first)


def test_a_changed_file_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv(lexicon_cache.CACHE_ENV, str(tmp_path / "cache"))
    path = tmp_path / "mine.tsv"
    path.write_text("哄骗\t利用\n", encoding="utf-8")
    assert {e.original for e in zhrepair.load_lexicon(path)} == {"利用"}
    path.write_text("哄骗\t使用\n繁荣\t繁荣\n", encoding="utf-8")
    os.utime(path, ns=(1, 2))  # a different modification time, whatever the clock's resolution
    lex = zhrepair.load_lexicon(path)
    assert {e.original for e in lex} == {"使用"} and lex.whitelist == {"繁荣"}


def test_a_corrupt_entry_is_rebuilt_and_an_unwritable_folder_is_skipped(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(lexicon_cache.CACHE_ENV, str(cache))
    path = tmp_path / "mine.tsv"
    path.write_text("哄骗\t利用\n", encoding="utf-8")
    zhrepair.load_lexicon(path)
    [entry] = cache.iterdir()
    entry.write_bytes(b"not marshal data")
    assert {e.original for e in zhrepair.load_lexicon(path)} == {"利用"}
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv(lexicon_cache.CACHE_ENV, str(blocker / "cache"))
    assert {e.original for e in zhrepair.load_lexicon(path)} == {"利用"}


def test_an_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv(lexicon_cache.CACHE_ENV, "")
    assert lexicon_cache.cache_dir() is None
    path = tmp_path / "mine.tsv"
    path.write_text("哄骗\t利用\n", encoding="utf-8")
    assert {e.original for e in zhrepair.load_lexicon(path)} == {"利用"}


# -- the chains kept beside a lexicon's entry ---------------------------------------------

CHAINED = "甲\t乙\n乙\t丙\n丙\t丁\n"  # original<TAB>spun, in this order: 甲 ends as 丁, 乙 as 丁


def _load_chained(path):
    return zhrepair.load_lexicon(path, format="tab", direction="original-first")


def _chain_pairs(entries):
    return [(e.spun, e.original, e.weight, e.source) for e in entries]


def _chain_files(cache):
    return sorted(p for p in cache.iterdir() if ".chains" in p.name)


@pytest.fixture
def chained(tmp_path, monkeypatch):
    """(the cache folder, a lexicon file with chains), the cache pointed at the folder."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(lexicon_cache.CACHE_ENV, str(cache))
    path = tmp_path / "dict.tsv"
    path.write_text(CHAINED, encoding="utf-8")
    return cache, path


def test_the_order_of_a_files_entries_survives_the_cache_and_native_tsv(chained, tmp_path):
    _, path = chained
    path.write_text("丙\t丁\n甲\t乙\n乙\t丙\n", encoding="utf-8")  # 丙→丁 first: 甲 ends as 丙
    first, cached = _load_chained(path), _load_chained(path)
    assert cached._origin is not None  # read back from the cache
    assert first.order() == cached.order() == ["丙", "甲", "乙"]
    assert {(e.spun, e.original) for e in cached.chains()} == {("丙", "甲")}
    native = tmp_path / "native.tsv"
    cached.save(native)
    assert zhrepair.load_lexicon(native).order() == ["丙", "甲", "乙"]


def test_chains_are_kept_in_the_cache_and_read_back_unchanged(chained, monkeypatch):
    cache, path = chained
    expected = _chain_pairs(_load_chained(path).chains())
    assert expected  # the file has chains
    assert _chain_pairs(lexicon_cache.chains(_load_chained(path))) == expected  # computed, then stored
    assert len(_chain_files(cache)) == 1

    def never(self):
        raise AssertionError("chains computed again")

    monkeypatch.setattr(zhrepair.Lexicon, "chains", never)
    assert _chain_pairs(lexicon_cache.chains(_load_chained(path))) == expected  # read from the cache
    plain = zhrepair.Repairer(lexicons=[_load_chained(path)], default_lexicon=False)
    assert {(e.spun, e.original) for e in plain.lexicon} >= {(s, o) for s, o, _, _ in expected}


def test_chains_of_a_changed_file_or_a_changed_lexicon_are_not_taken_from_the_cache(chained):
    _, path = chained
    lexicon_cache.chains(_load_chained(path))
    path.write_text("甲\t乙\n乙\t戊\n", encoding="utf-8")
    os.utime(path, ns=(1, 2))
    fresh = _load_chained(path)
    assert _chain_pairs(lexicon_cache.chains(fresh)) == _chain_pairs(fresh.chains())
    assert {(e.spun, e.original) for e in fresh.chains()} == {("戊", "甲")}
    # a lexicon changed after loading: its chains are its own, not the cached file's
    changed = _load_chained(path)
    changed.add(zhrepair.LexiconEntry("己", "戊", 1.0, "dict"))
    assert ("己", "乙") in {(e.spun, e.original) for e in lexicon_cache.chains(changed)}
    whitelisted = _load_chained(path)
    whitelisted.whitelist.add("戊")
    assert lexicon_cache.chains(whitelisted) == [] == list(whitelisted.chains())


def test_a_corrupt_chains_or_lexicon_entry_is_ignored_and_rebuilt(chained):
    cache, path = chained
    expected = _chain_pairs(_load_chained(path).chains())
    lexicon_cache.chains(_load_chained(path))
    [chains_file] = _chain_files(cache)
    [lexicon_file] = [p for p in cache.iterdir() if p != chains_file]
    good_lexicon = lexicon_file.read_bytes()
    for broken in (b"", b"not marshal data", chains_file.read_bytes()[:-3],
                   chains_file.read_bytes().replace("丁".encode(), "戊".encode())):  # a changed string: digest
        chains_file.write_bytes(broken)
        assert _chain_pairs(lexicon_cache.chains(_load_chained(path))) == expected
        assert _chain_pairs(lexicon_cache.chains(_load_chained(path))) == expected  # rebuilt, then read
    # a lexicon entry whose bytes changed (still valid marshal) is parsed again, not trusted
    lexicon_file.write_bytes(good_lexicon.replace("丁".encode(), "戊".encode()))
    assert {e.spun for e in _load_chained(path)} == {"乙", "丙", "丁"}
    assert _chain_pairs(lexicon_cache.chains(_load_chained(path))) == expected
