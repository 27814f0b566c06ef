"""Optional script-run timings for benchmarks: off unless CNN_VISUALIZER_TIMINGS names a file.

``bench/train_page_latency.py`` starts the server with it set and reads one
line per run: ``kind page seconds``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_PATH = os.environ.get("CNN_VISUALIZER_TIMINGS")
_LOCK = threading.Lock()


@contextmanager
def timed(kind: str, page: str = "-") -> Iterator[None]:
    """Records how long the block took, when timings are on and the block completed."""
    if not _PATH:
        yield
        return
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    with _LOCK, open(_PATH, "a") as log:
        log.write(f"{kind} {page} {elapsed:.6f}\n")
