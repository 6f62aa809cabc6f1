"""The output of a batch: lines to a stream, or to ``OUT.partial`` renamed to ``OUT`` when done.

A run that is killed leaves ``OUT.partial``; :class:`ResumableOutput` with ``resume=True``
keeps its complete lines (dropping a torn last line) so the run can go on from there and
end with the same bytes as an uninterrupted one. The file is flushed to disk every few
seconds; the final rename is :func:`zhrepair.fileio.replace`.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import IO

from .. import fileio
from .loop import record_status

log = logging.getLogger(__name__)

_FSYNC_SECONDS = 2.0


class ResumableOutput:
    """Output lines to *stream* (when *path* is ``None``) or to ``path + ".partial"``.

    ``done`` and ``done_errors``: records (and error records among them) already in the
    partial file when resuming. Call :meth:`finish` when complete, :meth:`abandon` when not.
    """

    def __init__(self, path: str | None, resume: bool = False, stream: IO[bytes] | None = None) -> None:
        self.path = path
        self.done = 0
        self.done_errors = 0
        self.last_sync = time.monotonic()
        self.partial = (path + ".partial") if path is not None else None
        if path is None or self.partial is None:
            if stream is None:
                raise ValueError("ResumableOutput needs a path or a stream")
            self.f: IO[bytes] = stream
            return
        if resume and not os.path.exists(self.partial) and os.path.exists(path):
            os.replace(path, self.partial)  # a finished run: check it, keep it
        if resume and os.path.exists(self.partial):
            self.f = open(self.partial, "r+b")
            self._recover()
        else:
            if os.path.exists(self.partial):
                log.info("%s exists; starting afresh (use --resume to continue it)", self.partial)
            self.f = open(self.partial, "wb")

    def _recover(self) -> None:
        """Drop a trailing incomplete line; count the complete records and the errors."""
        good = 0
        for line in self.f:
            if not line.endswith(b"\n"):
                break
            good += len(line)
            self.done += 1
            if line.startswith(b'{"error":') and record_status(json.loads(line)) == "error":
                self.done_errors += 1
        self.f.seek(good)
        self.f.truncate()
        log.info("resuming after %d complete record(s) in %s", self.done, self.partial)

    def write(self, line: bytes) -> None:
        self.f.write(line)
        if self.path is not None and time.monotonic() - self.last_sync > _FSYNC_SECONDS:
            self.sync()

    def sync(self) -> None:
        self.f.flush()
        if self.path is not None:
            os.fsync(self.f.fileno())
        self.last_sync = time.monotonic()

    def finish(self) -> None:
        """Flush, and move the complete partial file to its final name."""
        self.sync()
        if self.path is None or self.partial is None:
            return
        self.f.close()
        fileio.replace(self.partial, self.path)

    def abandon(self) -> None:
        """Flush what was written and close, leaving the partial file for ``--resume``."""
        try:
            self.sync()
            if self.path is not None:
                self.f.close()
        except (OSError, ValueError):
            pass
