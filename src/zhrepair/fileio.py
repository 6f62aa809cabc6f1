"""Whole-file I/O shared by the library: the one atomic writer and strict UTF-8 decoding.

:func:`write_atomic` writes a temporary file beside the target, flushes it to disk and
renames it over the target, so a reader sees the old file or the new one, never a part.
Errors are ``OSError`` (writing) and :class:`~zhrepair.errors.TextDecodeError` (decoding);
turning them into messages and exit codes is the caller's business.
"""

from __future__ import annotations

import os
import tempfile
from typing import Union

from .errors import TextDecodeError

PathLike = Union[str, "os.PathLike[str]"]

_BOM = b"\xef\xbb\xbf"


def decode_utf8(data: bytes, where: str = "", *, keep_bom: bool = False) -> str:
    """*data* as strict UTF-8; :class:`TextDecodeError` names the bad byte.

    A leading BOM is dropped, or kept as U+FEFF with *keep_bom* (a document's text,
    whose offsets and bytes must stay the file's).
    """
    try:
        return data.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (len(_BOM) if data.startswith(_BOM) and not keep_bom else 0)
        raise TextDecodeError(where, start, data[start : start + 4]) from None


def sync_directory(path: PathLike) -> None:
    """Flush the directory holding *path* so a rename in it survives a crash (best effort)."""
    try:
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace(src: PathLike, dst: PathLike) -> None:
    """Rename *src* over *dst* atomically and durably (the directory is flushed too)."""
    os.replace(src, dst)
    sync_directory(dst)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: PathLike, data: Union[str, bytes], encoding: str = "utf-8") -> None:
    """Write *data* (text as *encoding*, ``\\n`` line ends kept) to *path* all at once.

    The temporary file is made in *path*'s directory (so the rename cannot cross file
    systems), synced, then renamed over *path*; on any failure it is removed and the
    error re-raised, and *path* is left as it was.
    """
    target = os.fspath(path)
    blob = data.encode(encoding) if isinstance(data, str) else data
    folder = os.path.dirname(os.path.abspath(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's file is private; the target gets the usual mode
        replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
