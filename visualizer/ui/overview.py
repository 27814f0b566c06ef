"""The two browser-side components of the Inspect page: the network overview and the animated step explainer.

Both are Streamlit custom components (``st.components.v2``) whose HTML, CSS and
JavaScript live in ``ui/assets``; they draw in the page itself (no iframe), animate
and answer hovers in the browser, and tell the server only what a person picks.
Their data comes from ``figures.overview`` and ``figures.explainer``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).resolve().parent / "assets"


def _asset(name: str) -> str:
    return (ASSETS / name).read_text()


_OVERVIEW = st.components.v2.component(
    name="network_overview",
    html='<div class="ov" role="group" aria-label="The network, layer by layer"></div>',
    css=_asset("overview.css"),
    js=_asset("overview.js"),
)
_WALK = st.components.v2.component(
    name="window_walk",
    html='<div class="wk" role="group" aria-label="One map computed step by step"></div>',
    css=_asset("walk.css"),
    js=_asset("walk.js"),
)


def network_overview(payload: dict[str, Any], key: str, height: int, scale: float = 1.0) -> None:
    """Draws the overview; what the person clicks is kept under ``key`` (``state.picked_item`` reads it)."""
    _OVERVIEW(data={**payload, "height": height, "scale": scale}, key=key, on_selected_change=lambda: None)


def window_walk(payload: dict[str, Any], key: str, scale: float = 1.0) -> None:
    """Draws the step explainer of one conv filter or pooling channel."""
    _WALK(data={**payload, "scale": scale}, key=key)
