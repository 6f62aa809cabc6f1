"""Render suite results as a markdown table, JSON, and the README block."""

from __future__ import annotations

import datetime
import json
import math
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any, Sequence

from .suites import Row, SuiteResult

REPO = Path(__file__).resolve().parent.parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.3f}"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(results: Sequence[SuiteResult]) -> str:
    """One markdown table for every suite; skipped or failed suites get a one-line row."""
    lines = ["| Suite | Data | Docs | P | R | F1 | Other |", "|---|---|--:|--:|--:|--:|---|"]
    for res in results:
        rows = res.rows if res.status == "ok" else [Row(res.name, f"*{res.status}*", other=res.message[:160])]
        for r in rows:
            lines.append(
                f"| {_cell(r.suite)} | {_cell(r.data)} | {r.docs} | {_num(r.p)} | {_num(r.r)} | {_num(r.f1)} | {_cell(r.other)} |"
            )
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    try:
        import zhrepair

        version = getattr(zhrepair, "__version__", "?")
    except Exception as exc:  # pragma: no cover
        version = f"not importable: {exc}"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "date": datetime.date.today().isoformat(),
        "zhrepair_version": version,
        "git_commit": commit,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def markdown(results: Sequence[SuiteResult], env: dict[str, Any], quick: bool) -> str:
    total = sum(r.seconds for r in results)
    head = (f"Benchmarks of {env['date']} (zhrepair {env['zhrepair_version']}, commit {env['git_commit'] or '?'}, "
            f"{'quick run, ' if quick else ''}{total:.0f} s). "
            "Held out = TEST articles never used for tuning; see benchmarks/README.md.")
    return head + "\n\n" + table(results) + "\n"


def write_outputs(results: Sequence[SuiteResult], out_dir: Path, env: dict[str, Any], options: dict[str, Any]) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = markdown(results, env, options.get("quick", False))
    (out_dir / "results.md").write_text(md, encoding="utf-8")
    data = {"environment": env, "options": options, "suites": {r.name: r.to_dict() for r in results}}
    (out_dir / "results.json").write_text(
        json.dumps(_finite(data), ensure_ascii=False, indent=1, default=_json_default, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    return md


def _finite(obj: Any) -> Any:
    """NaN and infinities become ``null``: results.json stays strict JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if hasattr(obj, "to_dict"):
        return _finite(obj.to_dict())
    return obj


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    return str(obj)


def rewrite_readme_block(md: str, readme: Path = REPO / "README.md") -> str:
    """Replace what lies between the markers in *readme* (created with just the markers if absent).

    Returns a short note of what happened. Text outside the markers is never touched.
    """
    if not readme.exists():
        readme.write_text(f"{START}\n{END}\n", encoding="utf-8")
    text = readme.read_text(encoding="utf-8")
    i, j = text.find(START), text.find(END)
    if i < 0 or j < i:
        return f"{readme.name}: markers {START} … {END} not found; left unchanged"
    new = text[: i + len(START)] + "\n" + md.rstrip("\n") + "\n" + text[j:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return f"{readme.name}: benchmark block rewritten"
