"""The epoch player: a play / pause button that moves an epoch slider on by itself.

Its state (playing or not, when it last moved) lives in the session beside the slider's own
key, under names derived from it; ``network.epoch_slider`` draws it and a fragment calls
``advance_epoch`` on a timer.
"""

from __future__ import annotations

import time

import streamlit as st


def play_key(epoch_key: str) -> str:
    """The play / pause button of the epoch slider under ``epoch_key``."""
    return f"{epoch_key}_play"


def playing(epoch_key: str) -> bool:
    """Whether the epoch slider under ``epoch_key`` is playing through the epochs."""
    return bool(st.session_state.get(f"{epoch_key}_playing", False))


def toggle_play(epoch_key: str, last: int) -> None:
    """Starts or stops playing (a callback); playing from the last epoch starts again from epoch 0."""
    start = not playing(epoch_key)
    st.session_state[f"{epoch_key}_playing"] = start
    if start:
        if st.session_state.get(epoch_key, last) >= last:
            st.session_state[epoch_key] = 0
        st.session_state[f"{epoch_key}_moved_at"] = time.monotonic()


def stop_playing(epoch_key: str) -> None:
    """Stops playing (the network or its epochs changed)."""
    st.session_state[f"{epoch_key}_playing"] = False


def advance_epoch(epoch_key: str, last: int, interval: float) -> bool:
    """Moves a playing slider one epoch on once ``interval`` seconds have passed since it last moved.

    Returns:
        Whether anything changed (the slider moved, or it reached ``last`` and stopped playing).
    """
    if not playing(epoch_key) or time.monotonic() - st.session_state.get(f"{epoch_key}_moved_at", 0.0) < interval:
        return False
    current = int(st.session_state.get(epoch_key, last))
    if current >= last:
        stop_playing(epoch_key)
        return True
    st.session_state[epoch_key] = current + 1
    st.session_state[f"{epoch_key}_moved_at"] = time.monotonic()
    if current + 1 >= last:
        stop_playing(epoch_key)
    return True
