"""HTML reports: escaping and structure (html.parser), the CLI (real console script), and
both pages rendered in headless Chromium (DOM, screenshot, and no request but the page's own).

The Chromium tests skip when /usr/bin/chromium is absent (Debian: ``apt-get install chromium``);
their screenshots go to the test's tmp dir, and with ``ZHREPAIR_UPDATE_SCREENSHOTS=1`` also to
``benchmarks/out/report-{document,batch}.png`` (the README's; a plain test run leaves them alone).
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE_DIR
from zhrepair.report import batch_html, document_html, read_records
from zhrepair.results import Alternative, Detection, Edit, EditKind, Evidence, RepairResult, apply_edits

EXE = str(Path(sys.executable).parent / "zhrepair")
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "benchmarks" / "out"
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"'><svg onload=alert(1)>", "&amp; </textarea>"]
#: Every element the pages may hold; anything else would come from the user's text.
ALLOWED = set("""html head meta link title style body main header footer section p h1 h2 h3 ul li b small span strong
svg rect line text figure figcaption div table colgroup col thead tbody tr th td a details summary mark ins del s i
kbd pre script""".split())


class Page(HTMLParser):
    """A parsed page: every element with its attributes, the text outside tips, and the edit marks."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.data: list[str] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self._stack: list[tuple[str, dict[str, str]]] = []
        self.feed(page)
        self.close()

    VOID = {"meta", "link", "br", "img", "input", "rect", "line", "col"}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag not in self.VOID:
            self._stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        while self._stack and self._stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self._stack and self._stack[-1][0] == "style":
            self.styles.append(data)
        elif self._stack and self._stack[-1][0] == "script":
            self.scripts.append(data)
        else:
            self.data.append(data)

    def marks(self) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == "mark" and "tabindex" in a]

    def text(self) -> str:
        return "".join(self.data)


class Repaired(HTMLParser):
    """The text of the ``.text`` blocks as a reader sees it: tips and removed text left out."""

    def __init__(self, page: str, removed: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.removed, self.depth, self.skip, self.out = removed, 0, 0, []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if self.depth:
            self.depth += 1
            if self.skip or cls == "tip" or tag == ("ins" if self.removed else "del"):
                self.skip += 1
        elif tag == "div" and cls == "text":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if self.skip:
                self.skip -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.out.append(data)


def hostile_result() -> tuple[str, RepairResult]:
    """A document whose text, edits, lexicon names and evidence are all markup."""
    text = f"党筑{HOSTILE[0]}引颈{HOSTILE[1]}创新，{HOSTILE[2]}"
    a, b, c = text.index("党筑"), text.index("引颈"), text.index("创新")
    edits = (
        Edit(a, a + 2, "党筑", "党建" + HOSTILE[3], 0.97, EditKind.CHAR_SWAP, HOSTILE[1],
             (Alternative(HOSTILE[0], 0.02), Alternative("党筑", 0.01))),
        Edit(b, b + 2, "引颈", "引领", 0.75, EditKind.WORD_SWAP, HOSTILE[2]),
        Edit(c, c + 2, "创新", "", 0.5, EditKind.DELETION, "stuffing:创新", (Alternative("创新", 0.5),)),
    )
    evidence = (Evidence(a, a + 2, "党筑", HOSTILE[0], 3.2, HOSTILE[1], 2),)
    result = RepairResult(apply_edits(text, edits), edits, 0.93, Detection(0.93, True, evidence, 12.5, -3.1))
    return text, result


def assert_inert(page: str, hostile=HOSTILE) -> Page:
    """No element, attribute or URL came from the user's text, and each hostile string is there as text."""
    parsed = Page(page)
    assert {t for t, _ in parsed.elements} <= ALLOWED
    assert [t for t, _ in parsed.elements].count("script") == 1 and [t for t, _ in parsed.elements].count("style") == 1
    for tag, attrs in parsed.elements:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("href", "src"):
            assert attrs.get(key, "#").startswith(("#", "data:")), (tag, attrs)
    text = parsed.text()
    for s in hostile:
        assert s in text
    return parsed


def test_document_page_escapes_everything():
    text, result = hostile_result()
    page = document_html(text, result, title=HOSTILE[0])
    parsed = assert_inert(page)
    assert ("title", {}) in parsed.elements and f"<title>{HOSTILE[0]}" not in page
    marks = parsed.marks()
    assert [m["data-before"] for m in marks] == ["党筑", "引颈", "创新"]  # attribute values come back exactly
    assert [m["data-source"] for m in marks] == [HOSTILE[1], HOSTILE[2], "stuffing:创新"]
    assert marks[0]["data-after"] == "党建" + HOSTILE[3]


def test_document_page_structure():
    text, result = hostile_result()
    page = document_html(text, result)
    parsed = Page(page)
    html_attrs = dict(parsed.elements)["html"]
    assert html_attrs["lang"] == "zh"
    metas = [a for t, a in parsed.elements if t == "meta"]
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
    assert ("link", {"rel": "icon", "href": "data:,"}) in parsed.elements
    csp = next(a["content"] for a in metas if a.get("http-equiv") == "Content-Security-Policy")
    digest = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in (parsed.styles[0], parsed.scripts[0])]
    assert csp.startswith("default-src 'none'; ") and f"style-src 'sha256-{digest[0]}'" in csp
    assert f"script-src 'sha256-{digest[1]}'" in csp and "http" not in csp
    # each edit: focusable, described by its tip, coloured by confidence, kind and source in data attributes
    marks = parsed.marks()
    assert [m["class"] for m in marks] == ["e c3 k-char", "e c2 k-word", "e c1 k-del"]
    ids = {a.get("id") for _, a in parsed.elements}
    assert all(m["tabindex"] == "0" and m["aria-describedby"] in ids for m in marks)
    assert [m["data-confidence"] for m in marks] == ["0.97", "0.75", "0.5"]
    # the reader sees the repaired text; with the removed text instead of the replacements, the input
    assert "".join(Repaired(page).out) == result.text
    assert "".join(Repaired(page, removed=True).out).replace("党建" + HOSTILE[3], "").replace("引领", "") == \
        text.replace("党筑", "").replace("引颈", "")
    body = parsed.text()
    assert "0.93" in body and "spun" in body and "Evidence" in body
    assert "sure 97%" not in body and "97%" in body and "likely 75%" in body  # in the alternatives if there are some
    assert "党筑 (as written)1%" in body and "lexicon: stuffing:创新" in body
    assert '<a href="#e1">党筑</a>' in page  # evidence links to its edit


def test_clean_document_has_no_marks():
    page = document_html("经济繁荣。", RepairResult("经济繁荣。", (), 0.01, Detection(0.01, False)))
    parsed = Page(page)
    assert parsed.marks() == [] and "reads clean" in parsed.text() and "经济繁荣。" in parsed.text()


def clean_record(text: str, result: RepairResult, **extra) -> dict:
    rec = {"text": result.text, "spin_score": result.spin_score, "changed": bool(result.edits), "removed": [],
           "edits": [e.to_dict() for e in result.edits], "file": "in.jsonl", "line": 1}
    rec.update(extra)
    return rec


def test_batch_page_escapes_everything():
    text, result = hostile_result()
    records = [
        clean_record(text, result, id=HOSTILE[0], file=HOSTILE[1]),
        {"error": HOSTILE[2], "file": HOSTILE[0], "line": 3, "raw": HOSTILE[3] + "\ud800"},  # a lone surrogate too
        {"text": HOSTILE[1], "spin_score": "<b>", "changed": False, "edits": [{"kind": HOSTILE[0]}], "file": 7},
    ]
    page = batch_html(records, title=HOSTILE[2])
    page.encode("utf-8")
    parsed = assert_inert(page)
    assert len(parsed.marks()) == 3 and [m["data-kind"] for m in parsed.marks()][0] == "char_swap"
    assert "\ufffd" in parsed.text()
    lines = [json.dumps({"text": HOSTILE[0]}).encode(), b"\xff" + HOSTILE[1].encode(), HOSTILE[2].encode(), b"[1]", b"\n"]
    assert_inert(batch_html(read_records(lines, HOSTILE[3])), HOSTILE[1:])


def test_read_records_keeps_bad_lines_as_errors():
    lines = [b'{"text": "a", "spin_score": 0.1, "changed": false, "edits": []}\n', b"\n", b"{oops\n", b"\xff\xfe\n",
             b"[1, 2]\n", b'{"error": "missing field", "file": "x", "line": 9, "raw": "{}"}\n']
    recs = list(read_records(lines, "clean.jsonl"))
    assert len(recs) == 5 and recs[0]["text"] == "a"
    assert [r["line"] for r in recs[1:4]] == [3, 4, 5] and all(r["file"] == "clean.jsonl" for r in recs[1:4])
    assert "invalid UTF-8 at byte 0" in recs[2]["error"] and "list" in recs[3]["error"] and recs[1]["raw"] == "{oops"


def test_batch_counts_forms_cap_and_compact_edits():
    docs = [("党筑引颈与科技改进。" * (i + 1), i + 1) for i in range(5)]
    records = []
    for i, (text, n) in enumerate(docs):
        edits = [[10 * k, 10 * k + 2, "党筑", "党建", 0.95] for k in range(n)]  # clean --edits compact
        records.append({"text": text.replace("党筑", "党建"), "spin_score": 0.9, "changed": True, "edits": edits,
                        "file": "in.jsonl", "line": i + 1, "url": f"u{i}"})
    records.append({"text": "原文。", "spin_score": 0.05, "changed": False, "edits": [], "file": "in.jsonl", "line": 6})
    records.append({"text": "", "spin_score": 0.0, "changed": False, "edits": [], "warning": "empty document"})
    records.append({"text": "对不上", "spin_score": 0.7, "changed": True, "edits": [[0, 2, "党筑", "党建", 0.9]] * 9})
    records.append({"error": "missing field \"text\"", "file": "in.jsonl", "line": 9, "raw": "{}"})
    page = batch_html(records, id_field="url", top=2)
    parsed = Page(page)
    cards = [t for t in parsed.data if t.strip()]
    assert cards[cards.index("records") - 1] == "9" and cards[cards.index("repaired") - 1] == "6"
    assert cards[cards.index("unchanged") - 1] == "2" and cards[cards.index("errors") - 1] == "1"
    sections = [a["id"] for t, a in parsed.elements if t == "section" and a.get("class") == "doc"]
    assert sections == ["d8", "d5"]  # the most edits first; the one whose edits do not fit shows unmarked
    assert "The 2 with the most edits are shown, of 6 with edits." in parsed.text()
    assert "The edits do not match this text" in parsed.text() and len(parsed.marks()) == 5
    assert ("a", {"href": "#d5"}) in parsed.elements and "u4" in parsed.text()
    assert "党建" in parsed.text() and "24" in parsed.text()  # 党筑 → 党建: 1+2+3+4+5 + 9 times
    bars = [a for t, a in parsed.elements if t == "rect" and a.get("class", "").startswith("bar")]
    assert len(bars) == 10 and bars[-1]["class"] == "bar spun" and bars[0]["class"] == "bar"


# ---------------------------------------------------------------------------- command line


def cli(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, timeout=120, cwd=cwd)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """The sample's page (``repair --format html``) and a batch page (``clean`` then ``report``), in one folder."""
    folder = tmp_path_factory.mktemp("pages")
    proc = cli("repair", str(SAMPLE_DIR / "spun.txt"), "--format", "html", "-o", str(folder / "document.html"))
    assert proc.returncode == 0, proc.stderr
    paragraphs = [p.strip() for p in (SAMPLE_DIR / "spun.txt").read_text(encoding="utf-8").splitlines() if len(p) > 60]
    records = [{"id": f"https://example.com/{i}", "text": p} for i, p in enumerate(paragraphs[:6])]
    records += [{"id": "clean", "text": "坚持创新驱动发展战略，推动经济高质量发展。"},
                {"id": HOSTILE[0], "text": f"党筑引颈{HOSTILE[1]}与科技改进。"}]
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + ['{"id": "cut", "text": "党筑']
    (folder / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = cli("clean", "in.jsonl", "-o", "clean.jsonl", cwd=folder)
    assert proc.returncode == 1, proc.stderr  # one error record
    with open(folder / "clean.jsonl", "a", encoding="utf-8") as f:
        f.write(HOSTILE[0] + "\n")
    proc = cli("report", "clean.jsonl", "-o", "batch.html", cwd=folder)
    assert proc.returncode == 0 and proc.stdout == b"", proc.stderr
    return folder


def test_cli_pages(pages):
    doc = (pages / "document.html").read_text(encoding="utf-8")
    assert len(Page(doc).marks()) > 300 and "spun.txt" in Page(doc).text()
    assert oct((pages / "document.html").stat().st_mode & 0o777) == oct(0o666 & ~current_umask())
    batch = (pages / "batch.html").read_text(encoding="utf-8")
    parsed = assert_inert(batch, HOSTILE[:2])
    body = parsed.text()
    assert "clean.jsonl" in body and "https://example.com/0" in body and "unreadable line of the report's input" in body
    cards = [t for t in parsed.data if t.strip()]
    assert cards[cards.index("records") - 1] == "10" and cards[cards.index("errors") - 1] == "2"


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_cli_stdin_and_stdout(pages):
    proc = cli("report", "--top", "1", "--title", "batch <1>", stdin=(pages / "clean.jsonl").read_bytes())
    assert proc.returncode == 0, proc.stderr
    page = proc.stdout.decode("utf-8")
    assert "<title>batch &lt;1&gt;</title>" in page and page.count('class="doc"') == 1
    proc = cli("repair", "--format", "html", stdin="党筑引颈与科技改进两翼齐飞。".encode())
    assert proc.returncode == 0 and len(Page(proc.stdout.decode()).marks()) == 3


@pytest.mark.parametrize("args, code, message", [
    (["report", "missing.jsonl"], 2, "cannot read missing.jsonl: No such file or directory"),
    (["report", "clean.jsonl", "--top", "-1"], 2, "--top must be 0 or more"),
    (["report", "clean.jsonl", "-o", "clean.jsonl"], 2, "is the input"),
    (["report", "clean.jsonl", "-o", "no/such/dir/r.html"], 3, "cannot write no/such/dir/r.html: No such file or directory"),
])
def test_cli_errors(pages, args, code, message):
    before = sorted(p.name for p in pages.iterdir())
    proc = cli(*args, cwd=pages)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == code and message in err and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert sorted(p.name for p in pages.iterdir()) == before  # nothing written, nothing left behind


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_cli_full_disk_exit_3(pages):
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([EXE, "report", str(pages / "clean.jsonl")], stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 3 and b"No space left on device" in proc.stderr


# ---------------------------------------------------------------------------- headless Chromium

chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found (Debian: apt-get install chromium)")


class Server:
    """The folder over loopback HTTP, recording every path asked for."""

    def __init__(self, folder: Path) -> None:
        paths = self.paths = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(folder), **kw)

            def log_message(self, *a):
                paths.append(self.path)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(pages):
    s = Server(pages)
    yield s
    s.close()


def browse(url: str, work: Path, screenshot: Path | None = None, size: str = "1000,1300") -> tuple[str, set[str]]:
    """Load *url* in headless Chromium: the DOM after load, and the URLs the page asked for (from
    the net log: requests keyed to the page's site, not Chromium's own background ones, which the
    resolver rules keep off the network)."""
    work.mkdir(exist_ok=True)
    netlog = work / "netlog.json"
    args = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={netlog}", f"--window-size={size}", "--dump-dom"]
    if screenshot:
        args.append(f"--screenshot={screenshot}")
    proc = subprocess.run(args + [url], capture_output=True, timeout=90, cwd=work)
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    asked = {e["params"]["url"] for e in log["events"] if e["type"] == start and "url" in e.get("params", {})
             and "127.0.0.1" in e["params"].get("network_isolation_key", "")}
    return proc.stdout.decode("utf-8"), asked


def png_colours(path: Path, rows: int) -> Counter:
    """The colours of the first *rows* rows of an 8-bit RGB(A) PNG (a tiny decoder: zlib and the five filters)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, bpp = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IHDR":
            width, _, depth, ctype = struct.unpack(">IIBB", data[pos + 8 : pos + 18])
            assert depth == 8 and ctype in (2, 6)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + n]
        pos += 12 + n
    raw, stride = zlib.decompressobj().decompress(idat, rows * (width * bpp + 1)), width * bpp
    colours: Counter = Counter()
    prev = bytearray(stride)
    for y in range(min(rows, len(raw) // (stride + 1))):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + prev[i]) & 255
            elif f == 3:
                line[i] = (line[i] + (a + prev[i]) // 2) & 255
            elif f == 4:
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, bpp))
        prev = line
    return colours


def check_screenshot(shot: Path, rows: int, styled: list[str]) -> None:
    """The screenshot has content in its first *rows* rows, with the stylesheet's *styled* colours."""
    colours = png_colours(shot, rows)
    assert len(colours) > 50, f"{shot} looks blank: {len(colours)} colours"
    for hex_colour in styled:
        assert bytes.fromhex(hex_colour) in colours, f"{hex_colour} not in {shot}: the stylesheet did not apply"
    if os.environ.get("ZHREPAIR_UPDATE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SHOTS / f"report-{shot.stem}.png")


@chromium
def test_document_page_in_chromium(pages, server, tmp_path):
    url = server.url + "document.html"
    dom, asked = browse(url, tmp_path, tmp_path / "document.png")
    assert asked == {url} and server.paths == ["/document.html"]
    parsed = Page(dom)
    assert len(parsed.marks()) > 300 and parsed.marks()[0]["data-before"] == "引颈"
    assert "武汉市黄陂区各机关党组织深入开展" in "".join(Repaired(dom).out)
    assert "Evidence" in parsed.text() and [t for t, _ in parsed.elements].count("script") == 1
    assert dict(parsed.elements)["html"].get("class") == "js"  # the script ran: its hash is in the CSP
    check_screenshot(tmp_path / "document.png", 200, ["c44e00"])  # the gauge: the page was styled


@chromium
def test_batch_page_in_chromium(pages, server, tmp_path):
    url = server.url + "batch.html"
    dom, asked = browse(url, tmp_path, tmp_path / "batch.png", "1000,1400")
    assert asked == {url} and server.paths == ["/batch.html"]
    parsed = assert_inert(dom, HOSTILE[:2])  # the hostile record stayed text in a real browser
    assert dict(parsed.elements)["html"].get("class") == "js"
    assert parsed.marks() and "Most restored forms" in parsed.text() and "example.com" in parsed.text()
    assert len([t for t, a in parsed.elements if t == "rect" and a.get("class", "").startswith("bar")]) == 10
    check_screenshot(tmp_path / "batch.png", 480, ["0072b2", "c44e00"])  # histogram bars: clean and spun


@chromium
def test_csp_forbids_fetches_that_chromium_would_make(pages, server, tmp_path):
    """A page's own requests show in the net log; with the report's CSP, planted ones never happen."""
    page = (pages / "document.html").read_text(encoding="utf-8")
    probe = f'<img src="/probe.png"><link rel="stylesheet" href="{server.url}probe.css"></main>'
    (pages / "probe-csp.html").write_text(page.replace("</main>", probe), encoding="utf-8")
    without = page.replace('http-equiv="Content-Security-Policy"', 'name="x-no-csp"')
    (pages / "probe-none.html").write_text(without.replace("</main>", probe), encoding="utf-8")
    try:
        _, asked = browse(server.url + "probe-none.html", tmp_path / "none")
        assert {server.url + "probe.png", server.url + "probe.css"} <= asked  # the check sees a page's requests
        assert {"/probe.png", "/probe.css"} <= set(server.paths)
        del server.paths[:]
        _, asked = browse(server.url + "probe-csp.html", tmp_path / "csp")
        assert asked == {server.url + "probe-csp.html"} and server.paths == ["/probe-csp.html"]
    finally:
        for name in ("probe-csp.html", "probe-none.html"):
            (pages / name).unlink()
