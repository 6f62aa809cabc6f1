"""Building big tables fast: the cyclic garbage collector paused while they are built.

Loading a large spinner dictionary creates hundreds of thousands of small objects, none
of them in reference cycles; each generation-0 collection on the way rescans the heap
that grew so far. Pausing the collector for the build halves the time (measured with
all eight public dictionaries: 1.24 s -> 0.57 s). It is switched back on afterwards
only if it was on before.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (reference counting goes on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
