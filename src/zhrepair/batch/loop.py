"""The per-record loop: one input :class:`~.records.Item` in, one output record out.

:func:`clean_item` repairs one item into its output record (an error record when it
cannot be read or repaired: the batch goes on); :func:`clean_records` runs it over any
iterable; :func:`encode_record` makes the output line; :class:`Stats` counts outcomes.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..results import Edit, EditKind, RepairResult
from .records import Item, check_fields, surrogate_problem

log = logging.getLogger(__name__)

# Output keys added to every record; a JSONL field of the same name moves to "shadowed"
# (so that a record's own "error" key cannot make it look like an error record).
META_KEYS = ("spin_score", "changed", "removed", "edits", "warning", "file", "line", "error", "shadowed")
#: Names ``field`` and ``id_field`` cannot take: the output's own keys.
RESERVED = frozenset(META_KEYS) | {"raw", "raw_base64"}


@dataclass(frozen=True)
class Options:
    """What :func:`clean_records` does per record (the ``clean`` options).

    ``field``: the key of the text in a record (and of the repaired text in the output);
    ``id_field``: the key a text file's path goes under (neither may be an output key:
    ``ValueError``); ``chrome``: remove page chrome; ``stuffing``: remove keyword
    stuffing; ``edits``: list every edit in the output (``True``/``"full"``), only its
    offsets, before, after and confidence (``"compact"``), or not (``False``/``"none"``);
    ``explain``: with full edits, fill each edit's alternatives.
    """

    field: str = "text"
    id_field: str = "id"
    chrome: bool = True
    stuffing: bool = True
    edits: bool | str = True
    explain: bool = True

    def __post_init__(self) -> None:
        for name in ("field", "id_field"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
            if value in RESERVED:
                raise ValueError(f"{name} cannot be {value!r}: the output uses that key ({', '.join(sorted(RESERVED))})")
        if self.edits not in (True, False, "full", "compact", "none"):
            raise ValueError(f"edits must be True, False, 'full', 'compact' or 'none', got {self.edits!r}")

    @property
    def edit_style(self) -> str:
        """``"full"``, ``"compact"`` (offsets, before, after, confidence) or ``"none"``."""
        if isinstance(self.edits, str):
            return self.edits
        return "full" if self.edits else "none"

    def repair_options(self) -> dict[str, Any]:
        """The :class:`~zhrepair.RepairConfig` options these settings give every call."""
        return {"remove_chrome": self.chrome, "deletions": self.stuffing, "explain": self.edit_style == "full" and self.explain}


def error_record(item: Item) -> dict[str, Any]:
    """The output record of an item that could not be read: ``error``, ``file``, ``line``, ``raw``."""
    rec: dict[str, Any] = {"error": item.error, "file": item.file, "line": item.line}
    raw = item.raw or b""
    try:
        rec["raw"] = raw.decode("utf-8")
    except UnicodeDecodeError:
        rec["raw"] = raw.decode("utf-8", errors="replace")
        rec["raw_base64"] = base64.b64encode(raw).decode("ascii")
    return rec


def failed_record(item: Item, reason: str) -> dict[str, Any]:
    """The error record of a record that was read but could not be repaired."""
    if item.raw is not None:
        raw = item.raw
    else:
        text = json.dumps(item.fields, ensure_ascii=True) if item.fields is not None else (item.text or "")
        raw = text.encode("utf-8", "surrogatepass")
    return error_record(Item(item.file, item.line, error=reason, raw=raw))


def _removed(edits: Sequence[Edit]) -> list[dict[str, Any]]:
    return [
        {"kind": e.kind.value, "start": e.start, "end": e.end, "text": e.before}
        for e in edits
        if e.kind in (EditKind.CHROME, EditKind.DELETION)
    ]


def clean_item(item: Item, repairer: Any, opts: Options) -> dict[str, Any]:
    """The output record of one :class:`Item` (an error record when it cannot be repaired)."""
    if item.error is not None:
        return error_record(item)
    text = item.text or ""
    warning = None
    problem = surrogate_problem(text)  # a Python string given as a record (JSONL lines are checked when read)
    if problem is not None:
        return failed_record(item, problem)
    if not text.strip():
        result, warning = RepairResult(text), "empty document"
    else:
        try:
            result = repairer.repair(text, **opts.repair_options())  # chrome: RepairConfig.remove_chrome
        except Exception as exc:  # one bad document must not stop the batch
            log.debug("repair failed at %s:%s", item.file, item.line, exc_info=True)
            return failed_record(item, f"repair failed: {type(exc).__name__}: {exc}")
    if item.fields is not None:
        rec = dict(item.fields)
    else:
        rec = {opts.id_field: item.file}
    shadowed = {k: rec.pop(k) for k in META_KEYS if k in rec}
    rec[opts.field] = result.text
    rec["spin_score"] = round(result.spin_score, 4)
    rec["changed"] = result.text != text
    rec["removed"] = _removed(result.edits)
    style = opts.edit_style
    if style == "full":
        rec["edits"] = [e.to_dict() for e in result.edits]
    elif style == "compact":
        rec["edits"] = [[e.start, e.end, e.before, e.after, round(e.confidence, 4)] for e in result.edits]
    if warning:
        rec["warning"] = warning
    rec["file"], rec["line"] = item.file, item.line
    if shadowed:
        rec["shadowed"] = shadowed
    return rec


def record_status(rec: Mapping[str, Any]) -> str:
    """``"error"``, ``"empty"``, ``"repaired"`` or ``"unchanged"``: what became of a record."""
    if "error" in rec and "spin_score" not in rec:
        return "error"
    if rec.get("warning") == "empty document":
        return "empty"
    return "repaired" if rec.get("changed") else "unchanged"


def encode_record(rec: Mapping[str, Any]) -> bytes:
    """One output line (UTF-8, ends with a newline); lone surrogates are \\u-escaped."""
    line = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
    try:
        return line.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(rec, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


def clean_line(item: Item, repairer: Any, opts: Options) -> tuple[bytes, str, int]:
    """:func:`clean_item` as ``(output line, status, characters of input text)``."""
    rec = clean_item(item, repairer, opts)
    return encode_record(rec), record_status(rec), len(item.text or "")


def _as_item(rec: Any, n: int, file: str, opts: Options) -> Item:
    if isinstance(rec, Item):
        return rec
    if isinstance(rec, str):
        return Item(file, n, text=rec, fields=None)
    if isinstance(rec, Mapping):
        try:  # the output record must be strict JSON too
            json.dumps(rec, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            return Item(file, n, error=f"not a JSON record: {type(exc).__name__}: {exc}", raw=repr(rec).encode("utf-8"))
        return check_fields(dict(rec), file, n, opts.field, raw=None)
    return Item(file, n, error=f"not a record: {type(rec).__name__}", raw=repr(rec).encode("utf-8"))


def clean_records(
    records: Iterable[Any], repairer: Any = None, *, options: Options | None = None, file: str = "<records>", **kw: Any
) -> Iterator[dict[str, Any]]:
    """Repair each record and yield its output record, in order; never raises per record.

    *records*: strings (documents), mappings (with ``options.field``) or :class:`Item`.
    *repairer*: a :class:`zhrepair.Repairer` (default: the shared one). Keywords are
    :class:`Options` fields (``field``, ``chrome``, ``stuffing``, ``edits``, ...).
    See the example in :mod:`zhrepair.batch`.
    """
    opts = options or Options(**kw)
    if repairer is None:
        from .. import default_repairer

        repairer = default_repairer()
    for n, rec in enumerate(records, 1):
        yield clean_item(_as_item(rec, n, file, opts), repairer, opts)


class Stats:
    """Counts of outcomes, characters and time, for the summary line."""

    def __init__(self) -> None:
        self.counts = {"repaired": 0, "unchanged": 0, "empty": 0, "error": 0}
        self.chars = 0
        self.start = time.monotonic()

    def add(self, status: str, chars: int) -> None:
        self.counts[status] += 1
        self.chars += chars

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    @property
    def chars_per_second(self) -> float:
        return self.chars / max(time.monotonic() - self.start, 1e-9)

    def summary(self, resumed: int = 0, resumed_errors: int = 0) -> str:
        """``N records: R repaired, U unchanged, E errors; ...``; *resumed*: records kept from before."""
        c, secs = self.counts, time.monotonic() - self.start
        total = self.records + resumed
        unchanged = f"{c['unchanged'] + c['empty']} unchanged" + (f" ({c['empty']} empty)" if c["empty"] else "")
        rate = f"{self.records / secs:.1f} docs/s, {self.chars / secs:,.0f} chars/s" if secs > 0 else "-"
        text = (
            f"{total} records: {c['repaired']} repaired, {unchanged}, "
            f"{c['error'] + resumed_errors} errors; {self.chars:,} chars in {secs:.1f} s ({rate})"
        )
        if resumed:
            text += f"; {resumed} records ({resumed_errors} errors) kept from the interrupted run"
        return text
