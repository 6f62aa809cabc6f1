"""``zhrepair lexicon fetch|add|list|remove`` and ``--lexicon installed``, offline.

A loopback HTTP server serves a test catalogue's files (small dictionaries made here, in
the formats real spinners ship: GBK ``A→B`` and UTF-8 ``B=A``); it can also answer 404,
stall, cut a file short or serve other bytes. No test touches the network. The pairs are
the sample's observed ones (in-sample; these tests are about the plumbing).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import zhrepair
from zhrepair import lexicon_store

EXE = str(Path(sys.executable).parent / "zhrepair")
SPUN = "党筑引颈与科技改进两翼齐飞。"
PAIRS = [("党建", "党筑"), ("引领", "引颈"), ("创新", "改进"), ("发展", "繁荣"), ("关键", "闭节")]  # original, spun
FILES = {
    "arrow_gbk": ("dicts/word.txt", "\n".join(f"{o}→{s}" for o, s in PAIRS).encode("gbk"), "gb18030", "arrow",
                  "original-first"),
    "eq_utf8": ("other/伪原创.txt", "\n".join(f"{s}={o}" for o, s in PAIRS).encode("utf-8"), "utf-8", "eq", "spun-first"),
}
REPO, COMMIT = "someone/spinner", "0123456789abcdef0123456789abcdef01234567"


class Server:
    """Serves ``/<repo>/<commit>/<path>``; ``mode`` makes it misbehave."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[str] = []
        files = {f"/{REPO}/{COMMIT}/{path}": data for path, data, *_ in FILES.values()}
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                from urllib.parse import unquote

                outer.requests.append(self.path)
                data = files.get(unquote(self.path))
                if data is None or outer.mode == "404":
                    self.send_error(404)
                    return
                if outer.mode == "other":
                    data = data[:-1] + b"X"
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if outer.mode == "stall":
                    time.sleep(3)
                if outer.mode == "short":
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.httpd.shutdown()


@pytest.fixture()
def store(tmp_path, monkeypatch, server):
    """A test catalogue of FILES, an empty store and the mirror, in the environment."""
    items = []
    for name, (path, data, encoding, fmt, direction) in FILES.items():
        items.append({"name": name, "title": name, "repository": REPO, "commit": COMMIT, "path": path,
                      "url": "https://example.invalid/never-used", "sha256": hashlib.sha256(data).hexdigest(),
                      "bytes": len(data), "encoding": encoding, "format": fmt, "direction": direction,
                      "pairs": len(PAIRS)})
    cat = tmp_path / "catalogue.json"
    cat.write_text(json.dumps({"format_version": 1, "dictionaries": items}, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("ZHREPAIR_LEXICON_CATALOGUE", str(cat))
    monkeypatch.setenv("ZHREPAIR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ZHREPAIR_LEXICON_MIRROR", server.url)
    server.mode = "ok"
    return tmp_path / "data" / "lexicons"


def cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, timeout=120)


def test_fetch_all_then_repair_with_installed(store, server):
    proc = cli("lexicon", "fetch", "--all")
    assert proc.returncode == 0, proc.stderr.decode()
    assert sorted(p.name for p in store.iterdir()) == ["arrow_gbk.json", "arrow_gbk.tsv", "eq_utf8.json", "eq_utf8.tsv"]
    assert any("伪原创" in r or "%E4%BC%AA" in r for r in server.requests)  # non-ASCII paths are quoted
    listed = json.loads(cli("lexicon", "list", "--json").stdout)
    assert [(r["name"], r["installed"], r["pairs"]) for r in listed] == [("arrow_gbk", True, 5), ("eq_utf8", True, 5)]
    assert COMMIT in listed[0]["source"]
    # both directions read right: every installed entry is spun -> original
    lex = zhrepair.load_lexicon(store / "eq_utf8.tsv")
    assert {(e.spun, e.original) for e in lex} == {(s, o) for o, s in PAIRS}
    plain = cli("repair", "--no-default-lexicon", stdin=SPUN.encode())
    fetched = cli("repair", "--no-default-lexicon", "--lexicon", "installed", stdin=SPUN.encode())
    assert plain.stdout.decode() == SPUN and fetched.stdout.decode().startswith("党建引领与科技创新")
    env = {**os.environ, "ZHREPAIR_LEXICONS": "installed"}  # a batch job picks them up without code
    proc = subprocess.run([EXE, "repair", "--no-default-lexicon"], input=SPUN.encode(), capture_output=True, env=env,
                          timeout=120)
    assert proc.stdout.decode().startswith("党建引领")


def test_python_api(store):
    lexicon_store.fetch("arrow_gbk")
    r = zhrepair.Repairer(lexicons="installed", default_lexicon=False)
    assert len(r.lexicon) == len(PAIRS)
    assert [i.name for i in lexicon_store.installed()] == ["arrow_gbk"]
    assert lexicon_store.remove("arrow_gbk") and not lexicon_store.installed()


@pytest.mark.parametrize("mode, words", [("404", "HTTP 404"), ("other", "checksum mismatch"), ("short", "nothing installed"),
                                         ("stall", "timed out")])
def test_a_failed_fetch_installs_nothing_and_says_why(store, server, mode, words):
    server.mode = mode
    proc = cli("lexicon", "fetch", "arrow_gbk", "--timeout", "1")
    err = proc.stderr.decode()
    assert proc.returncode == 1 and words in err and "Traceback" not in err, err
    assert not store.exists() or [p.name for p in store.iterdir()] == []
    assert not lexicon_store.installed()


def test_unknown_names_and_usage(store):
    proc = cli("lexicon", "fetch", "nosuch")
    assert proc.returncode == 2 and "nosuch" in proc.stderr.decode()
    assert cli("lexicon", "fetch").returncode == 2
    assert cli("lexicon", "remove", "arrow_gbk").returncode == 2


def test_add_a_local_file_and_remove_all(store, tmp_path):
    path, data, encoding, fmt, direction = FILES["arrow_gbk"]
    local = tmp_path / "mine.txt"
    local.write_bytes(data)
    proc = cli("lexicon", "add", str(local), "--name", "mine")
    assert proc.returncode == 0, proc.stderr.decode()
    assert [i.name for i in lexicon_store.installed()] == ["mine"]
    assert cli("lexicon", "remove", "--all").returncode == 0 and not lexicon_store.installed()



def test_the_packaged_catalogue_pins_every_source():
    entries = lexicon_store.catalogue()
    assert len(entries) == 8
    for e in entries.values():
        assert len(e.commit) == 40 and len(e.sha256) == 64 and e.bytes > 0 and e.pairs > 0
        assert e.commit in e.url and e.url.startswith("https://")


def test_add_compiles_the_lexicon_and_its_chains(store, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZHREPAIR_CACHE_DIR", str(cache))
    local = tmp_path / "chained.tsv"
    local.write_text("甲\t乙\n乙\t丙\n", encoding="utf-8")
    lexicon_store.add(local, format="tab", direction="original-first")
    assert len([p for p in cache.iterdir() if ".chains" in p.name]) == 1
    r = zhrepair.Repairer(lexicons="installed", default_lexicon=False)
    assert ("丙", "甲") in {(e.spun, e.original) for e in r.lexicon}
