"""Public spinner dictionaries, one command away: fetched by the user, never shipped.

The package carries a catalogue (``data/lexicon_catalogue.json``): for each public
dictionary its repository, pinned commit, path, byte size, SHA-256, encoding, format and
direction. :func:`fetch` downloads one, checks size and checksum, converts it with
:mod:`zhrepair.importers` and installs it as native TSV (plus a ``.json`` record of where
it came from) in the user's data folder, then compiles it into the lexicon cache so it
loads fast. A failed download — a wrong checksum, an HTTP error, a timeout, a file cut
short — installs nothing and says why (:class:`FetchError`).

The folder is ``$ZHREPAIR_DATA_DIR/lexicons`` if set, else platformdirs'
``user_data_dir("zhrepair")/lexicons``. ``$ZHREPAIR_LEXICON_MIRROR`` (or ``mirror=``)
serves the files from ``MIRROR/<repository>/<commit>/<path>`` instead of GitHub: an
offline mirror, a proxy, a test server; ``$ZHREPAIR_LEXICON_CATALOGUE`` names another
catalogue file of the same shape. :data:`INSTALLED` (``"installed"``) as a lexicon
name means every installed dictionary; ``$ZHREPAIR_LEXICONS`` names lexicons every
:class:`~zhrepair.Repairer` loads (paths or ``installed``, separated by ``os.pathsep``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from . import lexicon_cache
from .errors import LexiconError
from .fileio import write_atomic

log = logging.getLogger(__name__)
T = TypeVar("T")

DATA_ENV = "ZHREPAIR_DATA_DIR"
MIRROR_ENV = "ZHREPAIR_LEXICON_MIRROR"
LEXICONS_ENV = "ZHREPAIR_LEXICONS"
CATALOGUE_ENV = "ZHREPAIR_LEXICON_CATALOGUE"
INSTALLED = "installed"

_CHUNK = 1 << 16


class FetchError(Exception):
    """A dictionary could not be fetched or installed; nothing was installed."""


@dataclass(frozen=True)
class CatalogueEntry:
    """Where a public dictionary lives and how to read it (one catalogue item)."""

    name: str
    title: str
    repository: str
    commit: str
    path: str
    url: str
    sha256: str
    bytes: int
    encoding: str
    format: str
    direction: str
    pairs: int
    licence: str = "none stated"
    checked: str = ""

    def url_from(self, mirror: str | None) -> str:
        """The download address: the catalogue's, or the same file on *mirror*."""
        if not mirror:
            return self.url
        path = urllib.parse.quote(self.path)
        return f"{mirror.rstrip('/')}/{self.repository}/{self.commit}/{path}"


@dataclass(frozen=True)
class Installed:
    """An installed dictionary: its TSV file and where it came from."""

    name: str
    path: Path
    pairs: int
    source: str  # "repository@commit:path", or the local file it was added from
    sha256: str
    installed_at: str


def catalogue() -> dict[str, CatalogueEntry]:
    """The catalogue, by name: the packaged one, or the file ``$ZHREPAIR_LEXICON_CATALOGUE``
    names (a private list of the same shape)."""
    own = os.environ.get(CATALOGUE_ENV)
    if own:
        text = Path(own).read_text(encoding="utf-8")
    else:
        text = resources.files("zhrepair").joinpath("data").joinpath("lexicon_catalogue.json").read_text(encoding="utf-8")
    known = set(CatalogueEntry.__dataclass_fields__)
    items = json.loads(text)["dictionaries"]
    return {d["name"]: CatalogueEntry(**{k: v for k, v in d.items() if k in known}) for d in items}


def store_dir() -> Path:
    """The folder installed dictionaries live in (not created here)."""
    base = os.environ.get(DATA_ENV)
    if base:
        return Path(base) / "lexicons"
    import platformdirs

    return Path(platformdirs.user_data_dir("zhrepair")) / "lexicons"


def installed() -> list[Installed]:
    """The installed dictionaries, by name (a record whose TSV is missing is skipped)."""
    folder = store_dir()
    found = []
    for meta in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            item = Installed(info["name"], meta.with_suffix(".tsv"), int(info["pairs"]), info["source"],
                             info["sha256"], info["installed_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if item.path.is_file():
            found.append(item)
    return found


def installed_paths() -> list[Path]:
    """The TSV files of the installed dictionaries."""
    return [i.path for i in installed()]


def expand(lexicons: Iterable[T]) -> Iterator[T | Path]:
    """*lexicons* with :data:`INSTALLED` replaced by the installed dictionaries' files
    (a warning when there are none)."""
    for lex in lexicons:
        if isinstance(lex, str) and lex == INSTALLED:
            paths = installed_paths()
            if not paths:
                log.warning("no installed dictionaries in %s (zhrepair lexicon fetch --all installs them)", store_dir())
            yield from paths
        else:
            yield lex


def from_environment() -> list[str]:
    """The lexicons ``$ZHREPAIR_LEXICONS`` names (empty when unset)."""
    return [p for p in os.environ.get(LEXICONS_ENV, "").split(os.pathsep) if p.strip()]


def remove(name: str) -> bool:
    """Uninstall *name*; whether it was installed."""
    folder = store_dir()
    gone = False
    for suffix in (".tsv", ".json"):
        try:
            (folder / f"{name}{suffix}").unlink()
            gone = True
        except FileNotFoundError:
            pass
    return gone


def fetch(name: str, *, mirror: str | None = None, timeout: float = 30.0,
          progress: Callable[[int, int], None] | None = None) -> Installed:
    """Download, verify, convert and install the catalogue's dictionary *name*.

    *mirror* (default ``$ZHREPAIR_LEXICON_MIRROR``) replaces GitHub; *progress* is called
    with ``(bytes so far, bytes expected)``. Raises :class:`FetchError`, with nothing
    installed, when the name is unknown or the download fails or does not verify.
    """
    entries = catalogue()
    if name not in entries:
        raise FetchError(f"unknown dictionary {name!r}; known: {', '.join(sorted(entries))}")
    entry = entries[name]
    url = entry.url_from(mirror if mirror is not None else os.environ.get(MIRROR_ENV))
    folder = store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=folder) as tmp:
        raw = Path(tmp) / "download"
        digest = _download(url, raw, entry.bytes, timeout, progress)
        if digest != entry.sha256:
            raise FetchError(f"{name}: checksum mismatch for {url}: got sha256 {digest}, the catalogue pins "
                             f"{entry.sha256}; nothing installed")
        source = f"{entry.repository}@{entry.commit}:{entry.path}"
        return _install(name, raw, source, digest, entry.format, entry.direction, entry.encoding)


def add(path: str | os.PathLike[str], name: str | None = None, format: str = "auto", direction: str = "auto",
        encoding: str = "auto") -> Installed:
    """Install a local dictionary file (any format the importers read) under *name*."""
    p = Path(path)
    label = name or p.stem
    if not label or "/" in label or label.startswith("."):
        raise FetchError(f"bad name {label!r}")
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    store_dir().mkdir(parents=True, exist_ok=True)
    return _install(label, p, str(p.resolve()), digest, format, direction, encoding)


def _download(url: str, dest: Path, expected: int, timeout: float,
              progress: Callable[[int, int], None] | None) -> str:
    """Stream *url* into *dest*; its SHA-256. :class:`FetchError` on any failure."""
    sha = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(dest, "wb") as out:
            while chunk := resp.read(_CHUNK):
                size += len(chunk)
                if size > expected:
                    raise FetchError(f"{url}: more than the {expected:,} bytes the catalogue pins; nothing installed")
                sha.update(chunk)
                out.write(chunk)
                if progress is not None:
                    progress(size, expected)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}; nothing installed") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: {exc.reason}; nothing installed") from None
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {timeout:g} s; nothing installed") from None
    except OSError as exc:  # the connection cut, an incomplete read, a local write
        raise FetchError(f"{url}: {exc.strerror or exc}; nothing installed") from None
    if size != expected:
        raise FetchError(f"{url}: got {size:,} of {expected:,} bytes (cut short); nothing installed")
    return sha.hexdigest()


def _install(name: str, raw: Path, source: str, digest: str, format: str, direction: str, encoding: str) -> Installed:
    """Convert *raw* to native TSV and install it with its record; compile its cache."""
    from . import importers

    try:
        result = importers.read_pairs_with_info(raw, format=format, direction=direction, encoding=encoding)
    except (LexiconError, ValueError) as exc:
        raise FetchError(f"{name}: cannot convert: {exc}; nothing installed") from None
    if not result.pairs:
        raise FetchError(f"{name}: no pairs found ({result.summary()}); nothing installed")
    folder = store_dir()
    tsv, meta = folder / f"{name}.tsv", folder / f"{name}.json"
    item = Installed(name, tsv, len(result.pairs), source, digest,
                     datetime.now(timezone.utc).isoformat(timespec="seconds"))
    write_atomic(tsv, result.to_tsv(source=name, origin=source))
    record = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(item).items()}
    write_atomic(meta, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    # compile it now, with its chains (what a Repairer adds): the next load reads the cache
    lexicon_cache.chains(importers.load_lexicon(tsv))
    return item
