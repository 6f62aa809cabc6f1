"""The compiled lexicon cache: same lexicon back, invalidated by a changed file, never fatal."""

import os

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
