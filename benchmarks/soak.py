"""Fuzz and soak run of zhrepair at a larger scale: the command line's exit-code contract and
``clean`` on hostile JSONL, the Python API under hostile options, and ``clean`` killed and resumed
with ``--jobs 1`` and ``--jobs 2``. Prints a markdown table of counts (for the README) and every
failure; exit status 1 when there is one.

    python -m benchmarks.soak [--scale N] [--seed S]

The parts are those of ``tests/fuzz`` (:mod:`tests.fuzz.harness`), larger: 40 ``clean`` runs on
generated JSONL with lines of up to 2 MB, 5,000 API calls, 20 kill/resume rounds per ``--jobs``
value on 200 records; scale 1 takes about 15 minutes on two cores.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Callable

from tests.fuzz.harness import Counts, FuzzFailure, api_fuzz, kill_resume_soak, run_cli_fuzz

COLUMNS = [("inputs tried", ("inputs", "calls", "runs")), ("lines", ("lines",)), ("error records", ("error_records",)),
           ("SIGKILL", ("kills_SIGKILL",)), ("SIGTERM", ("kills_SIGTERM",)), ("SIGINT", ("kills_SIGINT",)),
           ("resumes", ("resumes",)), ("bytes compared", ("bytes_compared",)), ("processes left", ("processes_left",)),
           ("failures", ("failures",))]


def parts(scale: float) -> list[tuple[str, Callable[[random.Random], Counts]]]:
    def n(x: float) -> int:
        return max(1, round(x * scale))

    return [
        ("CLI: exit codes, signals, clean on malformed JSONL", lambda rng: run_cli_fuzz(rng, n(40), huge=2_000_000)),
        ("API: random text, hostile options", lambda rng: api_fuzz(rng, n(5000))),
        ("clean killed and resumed, --jobs 1", lambda rng: kill_resume_soak(rng, n(20), jobs=1, records=200)),
        ("clean killed and resumed, --jobs 2", lambda rng: kill_resume_soak(rng, n(20), jobs=2, records=200)),
    ]


def table(rows: list[tuple[str, Counts, float]]) -> str:
    head = "| part | " + " | ".join(c for c, _ in COLUMNS) + " | seconds |"
    lines = [head, "|---|" + "--:|" * (len(COLUMNS) + 1)]
    for name, counts, secs in rows:
        cells = [f"{sum(counts.get(k, 0) for k in keys):,}" for _, keys in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {secs:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every part's size (default 1)")
    ap.add_argument("--seed", type=int, default=20261201, help="random seed (default 20261201)")
    args = ap.parse_args(argv)
    rows: list[tuple[str, Counts, float]] = []
    failures: list[str] = []
    for i, (name, run) in enumerate(parts(args.scale)):
        print(f"{name} ...", file=sys.stderr, flush=True)
        start = time.monotonic()
        try:
            counts = run(random.Random(args.seed * 10 + i))
        except FuzzFailure as exc:
            counts = exc.counts
            failures += [f"{name}: {f}" for f in exc.failures]
        rows.append((name, counts, time.monotonic() - start))
    print(f"Soak of {time.strftime('%Y-%m-%d')} (scale {args.scale:g}, seed {args.seed}):\n")
    print(table(rows))
    for f in failures:
        print(f"\n- {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
