"""A compiled cache of lexicon files (and of jieba's word list and the language model's
unigram probabilities), so a big spinner dictionary loads in a fraction of its parse time.

:func:`zhrepair.load_lexicon` stores what it read from a file — the entries as columns
and the whitelist — in the user's cache folder, keyed by the file's path, size and
modification time, the reading options and this Python's version; the next load of the
unchanged file reads the columns back (``marshal``) instead of parsing. A changed file
gets a new key. Beside a lexicon's entry, :func:`chains` keeps its chain entries
(:meth:`Lexicon.chains`, which a :class:`~zhrepair.Repairer` adds), keyed by that entry
and :data:`~zhrepair.lexicon.CHAINS_VERSION`. Every entry carries a digest of its bytes.
The cache is only an accelerator: a missing, unreadable or corrupt entry is rebuilt, and
a folder that cannot be written is skipped silently.

The folder is ``$ZHREPAIR_CACHE_DIR`` if set (an empty value turns the cache off), else
``$XDG_CACHE_HOME/zhrepair/lexicons`` or ``~/.cache/zhrepair/lexicons``.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from .fileio import write_atomic
from .lexicon import CHAINS_VERSION, Lexicon, LexiconEntry

log = logging.getLogger(__name__)

CACHE_ENV = "ZHREPAIR_CACHE_DIR"
FORMAT_VERSION = 3  # 2: a digest before the marshal data; 3: the originals' order
_DIGEST = 16  # bytes of BLAKE2b


def cache_dir() -> Path | None:
    """Where compiled lexicons go, or None when the cache is off."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zhrepair" / "lexicons"


def _entry_path(path: str | os.PathLike[str], options: dict[str, Any]) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    ident = repr((FORMAT_VERSION, sys.version_info[:2], os.path.realpath(path), st.st_size, st.st_mtime_ns,
                  sorted(options.items())))
    return folder / (hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".marshal")


def _read(entry: Path) -> Any:
    """The value in the cache file *entry*, or None when it is missing, corrupt or foreign."""
    try:
        blob = entry.read_bytes()
        data = memoryview(blob)[_DIGEST:]
        if hashlib.blake2b(data, digest_size=_DIGEST).digest() != blob[:_DIGEST]:
            raise ValueError("digest mismatch")
        return marshal.loads(data)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or foreign file: rebuild it
        log.debug("ignoring cache entry %s: %s", entry, exc)
        return None


def _write(entry: Path, value: Any) -> None:
    """Write *value* (marshal-able) to the cache file *entry*; failures are ignored."""
    try:
        data = marshal.dumps(value)
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, hashlib.blake2b(data, digest_size=_DIGEST).digest() + data)
    except (OSError, ValueError) as exc:
        log.debug("cannot write cache entry %s: %s", entry, exc)


def load_value(path: str | os.PathLike[str], options: dict[str, Any]) -> Any:
    """A value cached for the unchanged file *path* read with *options*, or None."""
    entry = _entry_path(path, options)
    return None if entry is None else _read(entry)


def store_value(path: str | os.PathLike[str], options: dict[str, Any], value: Any) -> None:
    """Cache *value* (marshal-able) for *path* read with *options*; failures are ignored."""
    entry = _entry_path(path, options)
    if entry is not None:
        _write(entry, value)


def load(path: str | os.PathLike[str], options: dict[str, Any]) -> Lexicon | None:
    """The cached lexicon of *path* read with *options*, or None."""
    entry = _entry_path(path, options)
    value = None if entry is None else _read(entry)
    if value is None:
        return None
    try:
        name, spun, original, weight, source, whitelist, order = value
        lexicon = Lexicon.from_columns(name, spun, original, weight, source, whitelist, order)
    except (TypeError, ValueError) as exc:
        log.debug("ignoring lexicon cache entry of %s: %s", path, exc)
        return None
    lexicon._origin = (entry, frozenset(lexicon.whitelist))
    return lexicon


def store(path: str | os.PathLike[str], options: dict[str, Any], lexicon: Lexicon) -> None:
    """Cache *lexicon*, as read from *path* with *options* (failures are ignored)."""
    entry = _entry_path(path, options)
    if entry is None:
        return
    spun, original, weight, source = _columns(list(lexicon))
    _write(entry, (lexicon.name, spun, original, weight, source, sorted(lexicon.whitelist), lexicon.order()))
    lexicon._origin = (entry, frozenset(lexicon.whitelist))


def _columns(entries: Sequence[LexiconEntry]) -> tuple[list[str], list[str], list[float], list[str]]:
    return ([e.spun for e in entries], [e.original for e in entries], [e.weight for e in entries],
            [e.source for e in entries])


def chains(lexicon: Lexicon) -> list[LexiconEntry]:
    """``list(lexicon.chains())``, from the cache when *lexicon* is, unchanged, what
    :func:`load` or :func:`store` last handled (computed and kept there otherwise)."""
    origin = getattr(lexicon, "_origin", None)  # None in a lexicon pickled by an older version
    if origin is None or not isinstance(origin[0], Path) or origin[1] != lexicon.whitelist:
        return list(lexicon.chains())  # not from the cache, or changed since
    entry = origin[0].with_name(f"{origin[0].stem}.chains{CHAINS_VERSION}.marshal")
    value = _read(entry)
    if value is not None:
        try:
            spun, original, weight, source = value
            if not len(spun) == len(original) == len(weight) == len(source):
                raise ValueError("columns of different lengths")
            return list(map(LexiconEntry, spun, original, weight, source))
        except (TypeError, ValueError) as exc:
            log.debug("ignoring chains cache entry %s: %s", entry, exc)
    found = list(lexicon.chains())
    _write(entry, _columns(found))
    return found
