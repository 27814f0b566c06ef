"""The one door to TensorFlow and Keras: every backend module imports them from here.

Importing this module configures the process first (``runtime.configure``: threads and
log level must be set before TensorFlow starts), then imports TensorFlow and Keras,
then makes Keras safe for a server where many sessions share one process.

Streamlit calls ``keras.backend.clear_session()`` after every script run
(``_clean_problem_modules`` in its script runner). That resets Keras' global
state under any other session that is training at the same moment, empties
TensorFlow's kernel cache, and runs a full garbage collection: about 0.3 s of
every page update here, for every student. The app holds its models itself and
never relies on that reset, so ``keep_session`` makes the call a no-op when,
and only when, it comes from Streamlit's script runner.
"""

from __future__ import annotations

import functools
import sys

from visualizer import runtime

runtime.configure()

import keras  # noqa: E402 - after configure(): TensorFlow reads its settings when it starts
import tensorflow as tf  # noqa: E402

_STREAMLIT_CALLER = "_clean_problem_modules"

__all__ = ["keep_session", "keras", "tf"]


def keep_session() -> None:
    """Makes Streamlit's after-run ``clear_session()`` a no-op (idempotent); other callers are unaffected."""
    backend = keras.backend
    original = backend.clear_session
    if getattr(original, "_keeps_session", False):
        return

    @functools.wraps(original)
    def clear_session(*args, **kwargs):
        caller = sys._getframe(1).f_code
        if caller.co_name == _STREAMLIT_CALLER and "streamlit" in caller.co_filename:
            return None
        return original(*args, **kwargs)

    clear_session._keeps_session = True  # type: ignore[attr-defined]
    backend.clear_session = clear_session


keep_session()
