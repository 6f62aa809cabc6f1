"""HTML reports: one self-contained page for a repaired document or for a ``zhrepair clean`` batch.

:func:`document_html` shows a :class:`~zhrepair.RepairResult`: the spin score, its verdict
and evidence, and the repaired text with every edit marked and coloured by confidence
(hovering, focusing or tapping an edit explains it). :func:`batch_html` shows the records
``zhrepair clean`` writes (:func:`read_records` reads them, bad lines included): counts, a
histogram of spin scores, the most restored forms, the documents with the most edits (each
rendered like a document page) and the error records.

A page loads nothing: its Content-Security-Policy allows only its own inline style and
script (by hash) and ``data:`` images, so no fetch can happen. It reads fine without
JavaScript, and every piece of the user's text is escaped.

    >>> from zhrepair.results import Edit, RepairResult
    >>> page = document_html("党筑<script>", RepairResult("党建<script>", (Edit(0, 2, "党筑", "党建", 0.97),)))
    >>> "<ins>党建</ins>" in page, "&lt;script&gt;" in page, page.count("<script>")  # the page's own script only
    (True, True, 1)
"""

from __future__ import annotations

import base64
import functools
import hashlib
import heapq
import html
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterable, Iterator, Mapping, Sequence

from . import __version__
from .batch.loop import record_status
from .results import RepairResult
from .tuning import TUNED

__all__ = ["batch_html", "document_html", "read_records"]

#: Confidence bands: (lowest confidence, CSS class, name).
_BANDS = ((0.9, "c3", "sure"), (0.7, "c2", "likely"), (0.0, "c1", "unsure"))
#: Edit kinds: value -> (name shown, CSS class).
_KINDS = {
    "word_swap": ("word swap", "k-word"),
    "char_swap": ("character swap", "k-char"),
    "deletion": ("keyword stuffing removed", "k-del"),
    "chrome": ("page furniture removed", "k-chrome"),
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_EVIDENCE_SHOWN = 8
_FORMS_SHOWN = 20
_RAW_CHARS = 2000


def _esc(value: object) -> str:
    """*value* as HTML text or attribute value (quotes escaped; lone surrogates become U+FFFD)."""
    return html.escape(_SURROGATE.sub("\ufffd", str(value)), quote=True)


@functools.lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files("zhrepair").joinpath("data").joinpath("report").joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _page(title: str, body: str) -> str:
    """The whole page around *body*: inline style and script, a CSP that forbids every fetch."""
    css, js = _asset("report.css"), _asset("report.js")
    csp = (f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    return (
        '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f'<meta name="generator" content="zhrepair {__version__}">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{_esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n{body}\n"
        f'<footer>Made by zhrepair {__version__}. This page loads nothing from the network.</footer>\n'
        f"</main>\n<script>{js}</script>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------- numbers


def _number(value: Any) -> float | None:
    """*value* as a finite float, or ``None`` (JSON fields may hold anything)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def _probability(value: Any) -> float | None:
    p = _number(value)
    return p if p is not None and 0.0 <= p <= 1.0 else None


def _pct(p: float) -> str:
    """A probability as a percentage (a number outside [0, 1] as it is)."""
    v = 100 * p
    if not 0 <= v <= 100:
        return f"{p:g}"
    if v in (0, 100):
        return f"{v:.0f}%"
    if v < 0.1:
        return "&lt;0.1%"
    if 99.9 < v < 100:
        return "&gt;99.9%"
    return f"{v:.1f}%" if v < 1 or v > 99 else f"{v:.0f}%"


def _band(confidence: float | None) -> tuple[str, str]:
    """(CSS class, name) of a confidence."""
    if confidence is None:
        return "c0", "confidence unknown"
    return next((cls, name) for low, cls, name in _BANDS if confidence >= low)


# ---------------------------------------------------------------------------- marked text


@dataclass(frozen=True)
class _Mark:
    """One edit as a report shows it (from an edit's JSON form, full or compact)."""

    start: int
    end: int
    before: str
    after: str
    confidence: float | None
    kind: str
    source: str
    alternatives: tuple[tuple[str, float], ...]


def _mark(obj: Any) -> _Mark:
    """An edit's JSON form as a :class:`_Mark`; ``ValueError`` when it is not one."""
    full: dict[str, Any] = obj if isinstance(obj, dict) else {}
    if isinstance(obj, list) and len(obj) == 5:  # clean --edits compact
        start, end, before, after, confidence = obj
    elif full:
        start, end, before, after, confidence = (full.get(k) for k in ("start", "end", "before", "after", "confidence"))
    else:
        raise ValueError("not an edit")
    kind, source, alts = full.get("kind"), full.get("source"), full.get("alternatives")
    if not (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool) and not isinstance(end, bool)
            and isinstance(before, str) and isinstance(after, str) and 0 <= start <= end and end - start == len(before)):
        raise ValueError("not an edit")
    alternatives = tuple(
        (a["text"], p) for a in (alts if isinstance(alts, list) else [])
        if isinstance(a, dict) and isinstance(a.get("text"), str) and (p := _number(a.get("score"))) is not None
    )
    return _Mark(start, end, before, after, _probability(confidence), kind if isinstance(kind, str) else "",
                 source if isinstance(source, str) else "", alternatives)


def _placed(repaired: str, edits: Any) -> list[tuple[int, _Mark]] | None:
    """Each edit with its offset in the *repaired* text (edits hold input offsets), or
    ``None`` when the edits are malformed, overlap or do not match the text."""
    try:
        marks = sorted((_mark(e) for e in edits), key=lambda m: (m.start, m.end))
    except (TypeError, ValueError):
        return None
    placed, shift, end = [], 0, 0
    for m in marks:
        if m.start < end:
            return None
        at = m.start + shift
        if repaired[at : at + len(m.after)] != m.after:
            return None
        placed.append((at, m))
        shift += len(m.after) - len(m.before)
        end = m.end
    return placed


def _tip(m: _Mark) -> str:
    """What an edit explains when hovered or focused: before, after, kind, lexicon, alternatives."""
    if m.after:
        head = f'<s>{_esc(m.before)}</s><span class="arrow">→</span>{_esc(m.after)}'
    else:
        head = f'removed <s>{_esc(m.before)}</s>'
    name = _KINDS.get(m.kind, (m.kind or "edit", ""))[0]
    band = _band(m.confidence)[1]
    conf = "" if m.confidence is None or m.alternatives else f" {_pct(m.confidence)}"
    parts = [f'<span class="swap">{head}</span>', f'<span class="meta">{_esc(name)} · {band}{conf}</span>']
    if m.source:
        parts.append(f'<span class="meta">lexicon: {_esc(m.source)}</span>')
    if m.alternatives:
        rows = [(m.after or "(removed)", m.confidence, " chosen")]
        rows += [(t + (" (as written)" if t == m.before else ""), p, "") for t, p in m.alternatives]
        parts.append('<span class="alts">' + "".join(
            f'<span class="alt{chosen}"><span>{_esc(t)}</span><span class="p">{"" if p is None else _pct(p)}</span></span>'
            for t, p, chosen in rows) + "</span>")
    return "".join(parts)


def _edit_html(m: _Mark, ident: str) -> str:
    cls, _ = _band(m.confidence)
    kind_cls = _KINDS.get(m.kind, ("", "k-other"))[1]
    shown = f"<ins>{_esc(m.after)}</ins>" if m.after else f"<del>{_esc(m.before)}</del>"
    data = "".join(f' data-{k}="{_esc(v)}"' for k, v in
                   (("before", m.before), ("after", m.after), ("kind", m.kind), ("source", m.source)))
    if m.confidence is not None:
        data += f' data-confidence="{m.confidence:.4g}"'
    return (f'<mark class="e {cls} {kind_cls}" id="{ident}" tabindex="0" aria-describedby="{ident}-tip"{data}>{shown}'
            f'<span class="tip" role="tooltip" id="{ident}-tip">{_tip(m)}</span></mark>')


def _marked_text(repaired: str, edits: Any, prefix: str, max_chars: int | None = None) -> str:
    """The repaired text with every edit marked (ids ``{prefix}e1``, ...), in a ``.text`` block.

    Edits that do not fit the text leave it unmarked, with a note; beyond *max_chars*
    characters the text is cut, with a note.
    """
    notes = []
    placed = _placed(repaired, edits)
    if placed is None:
        placed = []
        notes.append("The edits do not match this text, so it is shown without marks.")
    if max_chars is not None and len(repaired) > max_chars:
        placed = [(at, m) for at, m in placed if at + len(m.after) <= max_chars]
        notes.append(f"Only the first {max_chars:,} of {len(repaired):,} characters are shown.")
        repaired = repaired[:max_chars]
    out, pos = [], 0
    for i, (at, m) in enumerate(placed, 1):
        out.append(_esc(repaired[pos:at]))
        out.append(_edit_html(m, f"{prefix}e{i}"))
        pos = at + len(m.after)
    out.append(_esc(repaired[pos:]))
    note = "".join(f'<p class="note">{n}</p>' for n in notes)
    return f'{note}<div class="text">{"".join(out)}</div>'


def _legend() -> str:
    items = [f'<li><mark class="e {cls}"><ins>发展</ins></mark> {name} ≥ {low:.0%}</li>' for low, cls, name in _BANDS[:-1]]
    items.append(f'<li><mark class="e c1"><ins>发展</ins></mark> {_BANDS[-1][2]} &lt; {_BANDS[-2][0]:.0%}</li>')
    items.append('<li><mark class="e c3"><del>创新</del></mark> removed</li>')
    return (f'<ul class="legend" aria-label="confidence colours">{"".join(items)}</ul>'
            '<p class="hint">Hover over, tap or <kbd>Tab</kbd> to an edit to see what it replaced, its alternatives '
            'and the lexicon that proposed it (<kbd>j</kbd>/<kbd>k</kbd>: next/previous edit).</p>')


# ---------------------------------------------------------------------------- document page


def _gauge(score: float, spun: bool) -> str:
    """A bar from 0 to 1 filled to *score*, with a tick at the verdict's threshold."""
    low = "" if spun else " low"
    tick = 1000 * TUNED.spun_threshold
    return (f'<svg class="gauge" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true">'
            f'<rect class="track" width="1000" height="10" rx="5"/>'
            f'<rect class="fill{low}" width="{1000 * score:.1f}" height="10" rx="5"/>'
            f'<rect class="tick" x="{tick - 1:.0f}" width="2" height="10"/></svg>')


def _summary(score: float, spun: bool, facts: Sequence[tuple[str, str]]) -> str:
    verdict = '<span class="verdict spun">spun</span>' if spun else '<span class="verdict clean">reads clean</span>'
    head = f'<div class="score"><strong>{score:.2f}</strong><span>spin score</span>{verdict}</div>{_gauge(score, spun)}'
    items = "".join(f"<li><b>{v}</b> {_esc(k)}</li>" for k, v in facts)
    return f'<section class="summary" aria-label="summary">{head}<ul class="facts">{items}</ul></section>'


def _evidence(evidence: Sequence[Mapping[str, Any]], anchors: Mapping[int, str]) -> str:
    """The spun forms that gave the document away, each linked to its first edit if there is one."""
    def row(ev: Mapping[str, Any]) -> str:
        spun = _esc(ev.get("spun", ""))
        ident = anchors.get(ev.get("start", -1))
        form = f'<a href="#{ident}">{spun}</a>' if ident else spun
        weight = _number(ev.get("weight"))
        return (f'<tr><td class="form">{form}<span class="arrow">→</span>{_esc(ev.get("original", ""))}</td>'
                f'<td class="n">{_esc(ev.get("count", ""))}</td><td>{_esc(ev.get("reason", ""))}</td>'
                f'<td class="n wide">{"" if weight is None else f"{weight:.1f}"}</td></tr>')

    head = ('<tr><th>spun → original</th><th class="n">times</th><th>why</th>'
            '<th class="n wide" title="log10 preference of the language model">weight</th></tr>')
    cols = '<colgroup><col class="w-form"><col class="w-n"><col><col class="w-n wide"></colgroup>'
    rows = [row(ev) for ev in evidence]
    table = (f'<div class="scroll"><table class="fixed">{cols}<thead>{head}</thead><tbody>{"".join(rows[:_EVIDENCE_SHOWN])}'
             '</tbody></table></div>')
    if len(rows) > _EVIDENCE_SHOWN:  # the same columns, so that the two tables line up
        table += (f'<details class="more"><summary>{len(rows) - _EVIDENCE_SHOWN} more</summary><div class="scroll">'
                  f'<table class="fixed">{cols}<tbody>{"".join(rows[_EVIDENCE_SHOWN:])}</tbody></table></div></details>')
    return ('<section aria-labelledby="evidence"><h2 id="evidence">Evidence</h2><p class="note">Spun forms found in the '
            f'text, the surest first.</p>{table}</section>')


def _kind_facts(kinds: Counter[str]) -> list[tuple[str, str]]:
    return [(_KINDS.get(k, (k or "other", ""))[0] + ("" if k in ("deletion", "chrome") else "s"), f"{n:,}")
            for k, n in kinds.most_common()]


def document_html(text: str, result: RepairResult, title: str = "zhrepair report") -> str:
    """One page for the repair of *text*: spin score, verdict, evidence, and the repaired
    text with every edit marked (coloured by confidence, explained on hover or focus)."""
    det = result.detection
    score = det.score if det is not None else result.spin_score
    spun = det.is_spun if det is not None else score >= TUNED.spun_threshold
    edits = [e.to_dict() for e in result.edits]
    facts = [("edits", f"{len(edits):,}"), *_kind_facts(Counter(e.kind.value for e in result.edits)),
             ("characters in", f"{len(text):,}"), ("characters out", f"{len(result.text):,}")]
    if det is not None:
        facts.append(("log10 likelihood ratio", f"{det.llr:.1f}"))
        if det.fluency is not None:
            facts.append(("fluency (log10 gain in context per character)", f"{det.fluency:.2f}"))
        if det.bigram_share is not None:
            facts.append(("words whose bigram the model knows", f"{100 * det.bigram_share:.0f}%"))
    anchors: dict[int, str] = {}
    for i, e in enumerate(sorted(result.edits, key=lambda e: (e.start, e.end)), 1):
        anchors.setdefault(e.start, f"e{i}")
    body = [
        f'<header><p class="kicker">zhrepair · repaired document</p><h1>{_esc(title)}</h1></header>',
        _summary(score, spun, facts),
    ]
    if det is not None and det.evidence:
        body.append(_evidence([ev.to_dict() for ev in det.evidence], anchors))
    body.append('<section aria-labelledby="text"><h2 id="text">Repaired text</h2>'
                f'{_legend() if edits else ""}{_marked_text(result.text, edits, "")}</section>')
    return _page(title, "\n".join(body))


# ---------------------------------------------------------------------------- batch page


def read_records(lines: Iterable[bytes], source: str = "<input>") -> Iterator[dict[str, Any]]:
    """The records of ``zhrepair clean``'s JSONL output, one per line; blank lines are
    skipped, and a line that is not a JSON object becomes an error record (``error``,
    ``file`` = *source*, ``line``, ``raw``) so that the report shows it."""
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw.decode("utf-8"))
            reason = "" if isinstance(obj, dict) else f"a JSON {type(obj).__name__}, not an object"
        except UnicodeDecodeError as exc:
            reason = f"invalid UTF-8 at byte {exc.start}"
        except (ValueError, RecursionError) as exc:
            reason = f"not JSON ({type(exc).__name__}: {str(exc)[:200]})"
        if reason:
            yield {"error": f"unreadable line of the report's input: {reason}", "file": source, "line": n,
                   "raw": raw.decode("utf-8", "replace").rstrip("\r\n")}
        else:
            yield obj


def _label(rec: Mapping[str, Any], id_field: str) -> str:
    value = rec.get(id_field)
    if value is None:
        return _where(rec)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _where(rec: Mapping[str, Any]) -> str:
    file, line = rec.get("file"), rec.get("line")
    text = file if isinstance(file, str) else "" if file is None else json.dumps(file, ensure_ascii=False)
    return f"{text}:{line}" if isinstance(line, int) and not isinstance(line, bool) else text


class _Batch:
    """What the batch page shows, gathered in one pass (only the top documents are kept)."""

    def __init__(self, top: int, max_errors: int) -> None:
        self.status: Counter[str] = Counter()
        self.bins = [0] * 10
        self.forms: Counter[tuple[str, str]] = Counter()
        self.edits = 0
        self.with_edits = 0
        self.top, self.max_errors = top, max_errors
        self.heap: list[tuple[int, int, dict[str, Any]]] = []  # (edits, -order, record): the most edits, earliest first
        self.errors: list[Mapping[str, Any]] = []

    def add(self, n: int, rec: dict[str, Any]) -> None:
        status = record_status(rec)
        self.status[status] += 1
        if status == "error":
            if len(self.errors) < self.max_errors:
                self.errors.append(rec)
            return
        score = _probability(rec.get("spin_score"))
        if score is not None:
            self.bins[min(9, int(score * 10 + 1e-9))] += 1
        edits = rec.get("edits")
        if not isinstance(edits, list) or not edits:
            return
        self.edits += len(edits)
        self.with_edits += 1
        for e in edits:
            try:
                m = _mark(e)
            except ValueError:
                continue
            self.forms[(m.before, m.after)] += 1
        if self.top:
            item = (len(edits), -n, rec)
            if len(self.heap) < self.top:
                heapq.heappush(self.heap, item)
            elif item[:2] > self.heap[0][:2]:
                heapq.heapreplace(self.heap, item)

    def ranked(self) -> list[tuple[int, dict[str, Any]]]:
        """The kept documents as (input order, record), most edits first."""
        return [(-order, rec) for _, order, rec in sorted(self.heap, key=lambda t: t[:2], reverse=True)]


def _histogram(bins: Sequence[int]) -> str:
    """Inline SVG: documents per tenth of the spin score, counts above the bars, edges below."""
    width, height, left, base, room = 600, 200, 14, 170, 140
    step = (width - 2 * left) / len(bins)
    peak = max(bins) or 1
    parts = [f'<line class="axis" x1="{left}" y1="{base}" x2="{width - left}" y2="{base}"/>']
    for i, count in enumerate(bins):
        lo = i / len(bins)
        h = room * count / peak
        x = left + i * step
        cls = "bar spun" if lo >= TUNED.spun_threshold else "bar"
        parts.append(f'<rect class="{cls}" x="{x + 3:.1f}" y="{base - h:.1f}" width="{step - 6:.1f}" height="{h:.1f}" '
                     f'rx="2"><title>{lo:.1f}–{lo + 0.1:.1f}: {count:,} documents</title></rect>')
        label = "count" if count else "count zero"
        parts.append(f'<text class="{label}" x="{x + step / 2:.1f}" y="{base - h - 5:.1f}" text-anchor="middle">{count:,}</text>')
    for i in range(len(bins) + 1):
        parts.append(f'<text x="{left + i * step:.1f}" y="{base + 18}" text-anchor="middle">{i / len(bins):.1f}</text>')
    spun = sum(c for i, c in enumerate(bins) if i / len(bins) >= TUNED.spun_threshold)
    return (f'<figure><svg class="hist" viewBox="0 0 {width} {height}" role="img" aria-labelledby="hist-cap">'
            f'{"".join(parts)}</svg><figcaption id="hist-cap">Documents by spin score (0 reads clean, 1 spun): '
            f'{spun:,} of {sum(bins):,} at or above {TUNED.spun_threshold:g}.</figcaption></figure>')


def _short(text: str, limit: int = 24) -> str:
    return _esc(text if len(text) <= limit else text[: limit - 1] + "…")


def _forms(forms: Counter[tuple[str, str]]) -> str:
    common = forms.most_common(_FORMS_SHOWN)
    if not common:
        return '<p class="note">No edits in these records.</p>'
    peak = common[0][1]
    rows = "".join(
        f'<tr><td class="form" title="{_esc(before)} → {_esc(after)}"><s>{_short(before)}</s><span class="arrow">→</span>'
        f'{_short(after) if after else "<i>(removed)</i>"}</td><td class="n">{n:,}</td>'
        f'<td class="bar"><svg class="minibar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect width="{100 * n / peak:.1f}" height="8" rx="2"/></svg></td></tr>'
        for (before, after), n in common)
    more = f" (the top {_FORMS_SHOWN} of {len(forms):,})" if len(forms) > _FORMS_SHOWN else ""
    return (f'<p class="note">Restorations by how often they were made{more}.</p><div class="scroll"><table>'
            f'<thead><tr><th>spun → original</th><th class="n">times</th><th></th></tr></thead><tbody>{rows}</tbody>'
            '</table></div>')


def _documents(batch: _Batch, field: str, id_field: str, max_chars: int) -> str:
    ranked = batch.ranked()
    if not ranked:
        why = (f"{batch.with_edits:,} documents have edits; none is shown (top is 0)." if batch.with_edits else
               "The records carry no edits (cleaned with --no-edits?)." if batch.status["repaired"] else
               "No record was repaired.")
        return f'<p class="note">{why}</p>'
    cut = (f" The {len(ranked):,} with the most edits are shown, of {batch.with_edits:,} with edits."
           if batch.with_edits > len(ranked) else "")
    rows, sections = [], []
    for rank, (order, rec) in enumerate(ranked, 1):
        ident, label, edits = f"d{order}", _label(rec, id_field), rec["edits"]
        score = _probability(rec.get("spin_score"))
        shown = "" if score is None else f"{score:.2f}"
        rows.append(f'<tr><td class="n">{rank}</td><td><a href="#{ident}">{_short(label, 60)}</a></td>'
                    f'<td class="n">{len(edits):,}</td><td class="n">{shown}</td></tr>')
        text = rec.get(field)
        block = (_marked_text(text, edits, f"{ident}-", max_chars) if isinstance(text, str)
                 else f'<p class="note">This record has no text in the field “{_esc(field)}” (see --field).</p>')
        sections.append(
            f'<section class="doc" id="{ident}" aria-labelledby="{ident}-h"><h3 id="{ident}-h">{_esc(label)}</h3>'
            f'<p class="meta">{_esc(_where(rec))} · spin score {shown or "—"} · {len(edits):,} edits · '
            f'<a class="top" href="#documents">back to the list</a></p>{block}</section>')
    table = ('<div class="scroll"><table><thead><tr><th class="n">#</th><th>document</th><th class="n">edits</th>'
             f'<th class="n">spin score</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    return f'<p class="note">Most edits first; each links to its text below.{cut}</p>{table}{_legend()}{"".join(sections)}'


def _errors(batch: _Batch) -> str:
    total = batch.status["error"]
    if not total:
        return '<p class="note">None.</p>'
    items = []
    for rec in batch.errors:
        raw = rec.get("raw", "")
        raw = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
        cut = "…" if len(raw) > _RAW_CHARS else ""
        items.append(f'<div class="error"><p class="what">{_esc(rec.get("error"))}</p><p class="note">{_esc(_where(rec))}'
                     f'</p><pre class="raw">{_esc(raw[:_RAW_CHARS])}{cut}</pre></div>')
    more = f'<p class="note">The first {len(batch.errors):,} of {total:,} are shown.</p>' if total > len(batch.errors) else ""
    return more + "".join(items)


def batch_html(records: Iterable[Mapping[str, Any]], title: str = "zhrepair batch report", *, field: str = "text",
               id_field: str = "id", top: int = 50, max_chars: int = 50_000, max_errors: int = 100) -> str:
    """One page for a batch cleaned by ``zhrepair clean`` (its output records, read in one
    pass): counts, spin-score histogram, most restored forms, the *top* documents with the
    most edits shown like a document page (text in *field*, cut at *max_chars*; named by
    *id_field*, else file and line) and the first *max_errors* error records."""
    batch = _Batch(top, max_errors)
    for n, rec in enumerate(records, 1):
        batch.add(n, dict(rec))
    s = batch.status
    empty = f"<small>{s['empty']:,} empty</small>" if s["empty"] else ""
    cards = [("records", sum(s.values()), "", ""), ("repaired", s["repaired"], "", ""),
             ("unchanged", s["unchanged"] + s["empty"], "", empty), ("errors", s["error"], "bad" if s["error"] else "", ""),
             ("edits", batch.edits, "", "")]
    body = [
        f'<header><p class="kicker">zhrepair · batch report</p><h1>{_esc(title)}</h1></header>',
        '<ul class="cards" aria-label="counts">' + "".join(
            f'<li class="{cls}"><b>{n:,}</b><span>{name}</span>{note}</li>' for name, n, cls, note in cards) + "</ul>",
        f'<section aria-labelledby="scores"><h2 id="scores">Spin scores</h2>{_histogram(batch.bins)}</section>',
        f'<section aria-labelledby="forms"><h2 id="forms">Most restored forms</h2>{_forms(batch.forms)}</section>',
        '<section aria-labelledby="documents"><h2 id="documents">Documents with the most edits</h2>'
        f'{_documents(batch, field, id_field, max_chars)}</section>',
        f'<section aria-labelledby="errors"><h2 id="errors">Error records</h2>{_errors(batch)}</section>',
    ]
    return _page(title, "\n".join(body))
