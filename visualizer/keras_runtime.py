"""Keras settings for a server where many sessions share one process.

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

import keras

_STREAMLIT_CALLER = "_clean_problem_modules"


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
