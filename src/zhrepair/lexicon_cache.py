"""A compiled cache of lexicon files (and of jieba's word list), so a big spinner dictionary
loads in a fraction of its parse time.

:func:`zhrepair.load_lexicon` stores what it read from a file — the entries as columns
and the whitelist — in the user's cache folder, keyed by the file's path, size and
modification time, the reading options and this Python's version; the next load of the
unchanged file reads the columns back (``marshal``) instead of parsing. A changed file
gets a new key. The cache is only an accelerator: a missing, unreadable or corrupt
entry is rebuilt, and a folder that cannot be written is skipped silently.

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
from typing import Any

from .fileio import write_atomic
from .lexicon import Lexicon

log = logging.getLogger(__name__)

CACHE_ENV = "ZHREPAIR_CACHE_DIR"
FORMAT_VERSION = 1


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


def load_value(path: str | os.PathLike[str], options: dict[str, Any]) -> Any:
    """A value cached for the unchanged file *path* read with *options*, or None."""
    entry = _entry_path(path, options)
    if entry is None:
        return None
    try:
        return marshal.loads(entry.read_bytes())
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or foreign file: rebuild it
        log.debug("ignoring cache entry %s: %s", entry, exc)
        return None


def store_value(path: str | os.PathLike[str], options: dict[str, Any], value: Any) -> None:
    """Cache *value* (marshal-able) for *path* read with *options*; failures are ignored."""
    entry = _entry_path(path, options)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, marshal.dumps(value))
    except (OSError, ValueError) as exc:
        log.debug("cannot write cache entry %s: %s", entry, exc)


def load(path: str | os.PathLike[str], options: dict[str, Any]) -> Lexicon | None:
    """The cached lexicon of *path* read with *options*, or None."""
    value = load_value(path, options)
    if value is None:
        return None
    try:
        name, spun, original, weight, source, whitelist = value
        return Lexicon.from_columns(name, spun, original, weight, source, whitelist)
    except (TypeError, ValueError) as exc:
        log.debug("ignoring lexicon cache entry of %s: %s", path, exc)
        return None


def store(path: str | os.PathLike[str], options: dict[str, Any], lexicon: Lexicon) -> None:
    """Cache *lexicon*, as read from *path* with *options* (failures are ignored)."""
    entries = list(lexicon)
    store_value(path, options, (
        lexicon.name,
        [e.spun for e in entries],
        [e.original for e in entries],
        [e.weight for e in entries],
        [e.source for e in entries],
        sorted(lexicon.whitelist),
    ))
