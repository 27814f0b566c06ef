"""Process-wide settings, in one explicit call: ``configure()``.

TensorFlow reads its thread counts and log level from the environment when it
starts, so they must be set before anything imports it: the entry points call
``configure()`` first (``app.py``, ``python -m visualizer``, the tools, the test
suite), and the backend calls it again before its one import of TensorFlow, so
the order can never be wrong. Calling it again changes nothing.

TensorFlow gets one thread per operation by default (``CNN_VISUALIZER_TF_THREADS``
changes it): the small networks taught here train as fast on one core, and the
other core stays free for the pages of everyone else while a job trains (see
``bench/train_page_latency.py``).
"""

from __future__ import annotations

import os

THREADS_VARIABLE = "CNN_VISUALIZER_TF_THREADS"
MAX_IMAGE_PIXELS = 25_000_000
"""The most pixels an image may have: ``data.images.load_image`` refuses more from the header, before
decoding, and ``configure`` sets Pillow's own guard to it for every other reader of images."""


def configure() -> None:
    """Sets TensorFlow's threads and log level (unless already set) and Pillow's decompression-bomb guard.

    Idempotent. Values already in the environment win, so a deployment can override them.
    """
    threads = os.environ.get(THREADS_VARIABLE, "1")
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", threads)
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from PIL import Image

    # Pillow only warns below twice its limit; load_image refuses from the header first and turns any
    # remaining warning into an error, and other readers of images get the same limit.
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
