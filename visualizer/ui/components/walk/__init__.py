"""The step explainer component: one filter's (or one pooled channel's) window walking over its input.

A unit of its own: ``payload.py`` packs a ``backend.steps`` walk into the ``WalkPayload``
(pure, tested in Python), ``walk.js`` and ``walk.css`` animate it in the page itself (play,
pause, step and speed run in the browser), ``walk.test.mjs`` tests the JavaScript's
arithmetic with Node's test runner on payloads the Python tests write out.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from visualizer.ui.components.walk.payload import WalkPayload, conv_walk_payload, pool_walk_payload

HERE = Path(__file__).resolve().parent

_COMPONENT = st.components.v2.component(
    name="window_walk",
    html='<div class="wk" role="group" aria-label="One map computed step by step"></div>',
    css=(HERE / "walk.css").read_text(),
    js=(HERE / "walk.js").read_text(),
)


def window_walk(payload: WalkPayload, key: str, scale: float = 1.0) -> None:
    """Draws the step explainer of one conv filter or pooling channel."""
    _COMPONENT(data={**payload, "scale": scale}, key=key)


__all__ = ["WalkPayload", "conv_walk_payload", "pool_walk_payload", "window_walk"]
