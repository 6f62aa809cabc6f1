"""``python -m benchmarks [--quick] [--suite NAME ...] [--out DIR] [--no-readme] [--seed N]``.

Runs the suites, prints a markdown table, writes ``results.json`` and ``results.md`` to
``--out`` (default ``benchmarks/out``) and, on a full run of every suite, rewrites the
README block between ``<!-- bench:start -->`` and ``<!-- bench:end -->``.
Exit status 1 when a suite failed with an error (skips are not failures).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

from .report import environment, rewrite_readme_block, write_outputs
from .suites import SUITES, Context, progress, run_suite


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a handful of articles per suite (CI smoke run)")
    p.add_argument("--suite", action="append", choices=list(SUITES), metavar="NAME",
                   help=f"run only this suite; repeatable ({', '.join(SUITES)})")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out", metavar="DIR",
                   help="where results.json and results.md go (default: benchmarks/out)")
    p.add_argument("--no-readme", action="store_true", help="never rewrite the README block")
    p.add_argument("--readme", action="store_true", help="rewrite the README block even for --quick or --suite runs")
    p.add_argument("--seed", type=int, default=0, help="seed of the spinner simulator (default 0)")
    p.add_argument("--list", action="store_true", help="list the suites and exit")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list:
        for name, fn in SUITES.items():
            print(f"{name:18} {(fn.__doc__ or '').strip().splitlines()[0]}")
        return 0
    names = list(dict.fromkeys(args.suite)) if args.suite else list(SUITES)
    ctx = Context(quick=args.quick, seed=args.seed)
    t0 = time.perf_counter()
    results = [run_suite(name, ctx) for name in names]
    progress(f"all suites done in {time.perf_counter() - t0:.1f}s")
    options = {"quick": args.quick, "suites": names, "seed": args.seed}
    md = write_outputs(results, args.out, environment(), options)
    print(md)
    progress(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    full_run = not args.quick and not args.suite
    if not args.no_readme and (full_run or args.readme):
        progress(rewrite_readme_block(md))
    elif not args.no_readme:
        progress("README block left alone (partial or --quick run; --readme forces it)")
    return 1 if any(r.status == "error" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
