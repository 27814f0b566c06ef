"""The network overview component: every layer's maps for one image, lines to what each item reads.

A unit of its own: ``payload.py`` builds the ``OverviewPayload`` (pure, tested in Python),
``overview.js`` and ``overview.css`` draw it in the page itself (no iframe; hovering never asks
the server), ``overview.test.mjs`` tests the JavaScript with Node's test runner on payloads the
Python tests write out. Only what a person clicks comes back (``selected``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from visualizer.ui.components.overview.payload import OverviewPayload, overview_payload

HERE = Path(__file__).resolve().parent

_COMPONENT = st.components.v2.component(
    name="network_overview",
    html='<div class="ov" role="group" aria-label="The network, layer by layer"></div>',
    css=(HERE / "overview.css").read_text(),
    js=(HERE / "overview.js").read_text(),
)


def network_overview(payload: OverviewPayload, key: str, height: int, scale: float = 1.0) -> None:
    """Draws the overview; what the person clicks is kept under ``key`` (``session.picked_item`` reads it)."""
    _COMPONENT(data={**payload, "height": height, "scale": scale}, key=key, on_selected_change=lambda: None)


__all__ = ["OverviewPayload", "network_overview", "overview_payload"]
