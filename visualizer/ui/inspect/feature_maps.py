"""Inspect tab: Every layer's feature maps for the image, a map enlarged on a click."""

from __future__ import annotations

import streamlit as st

from visualizer.figures.maps import (
    enlarged_map,
    feature_map_grid,
    vector_figure,
)
from visualizer.model.checks import format_shape
from visualizer.ui import components
from visualizer.ui.inspect.base import Seen, Tab

MAX_SHOWN_MAPS = 32


class Keys:
    """The widgets of the feature maps tab."""

    SHARED_SCALE = "inspect_shared_scale"

    @staticmethod
    def maps(layer: str) -> str:
        """One layer's grid of feature maps (clickable)."""
        return f"inspect_maps_{layer}"

    @staticmethod
    def enlarge(layer: str) -> str:
        """The map-to-enlarge selector of one layer."""
        return f"inspect_enlarge_{layer}"

    @staticmethod
    def enlarged(layer: str) -> str:
        """The enlarged map of one layer."""
        return f"inspect_map_big_{layer}"

    @staticmethod
    def vector(layer: str) -> str:
        """The bars of one dense layer's output."""
        return f"inspect_vector_{layer}"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.forward import feature_maps

    model, info, x = seen.model, seen.info, seen.x
    shared = st.toggle(
        "One colour scale per layer (off: each map scaled on its own)", value=True, key=Keys.SHARED_SCALE
    )
    maps = feature_maps(model, x)
    for layer in info.layers:
        values = maps[layer.name]
        label = f"{layer.name} · {layer.keras_class} → {format_shape(values.shape)}"
        with st.expander(label, expanded=layer.is_map and layer.traits.walk is not None):
            if not layer.is_map:
                components.chart(
                    vector_figure(values),
                    Keys.vector(layer.name),
                    alt=f"Bars: the {values.size} values of {layer.name} for this image.",
                )
                continue
            if values.shape[2] > MAX_SHOWN_MAPS:
                st.caption(f"The first {MAX_SHOWN_MAPS} of {values.shape[2]} maps.")
            event = components.chart(
                feature_map_grid(values, max_maps=MAX_SHOWN_MAPS, shared_scale=shared),
                Keys.maps(layer.name),
                alt=f"A grid of the {min(values.shape[2], MAX_SHOWN_MAPS)} feature maps of {layer.name}, bright "
                "where the map responds strongly to this image; click one to enlarge it.",
                on_select="rerun",
                selection_mode="points",
            )
            choice = st.selectbox(
                "Enlarge a map (or click one)",
                ["none", *range(min(values.shape[2], MAX_SHOWN_MAPS))],
                key=Keys.enlarge(layer.name),
            )
            clicked = components.clicked_customdata(event)
            picked = clicked[0] if clicked else (None if choice == "none" else int(choice))
            if picked is not None and picked < values.shape[2]:
                components.chart(
                    enlarged_map(values[:, :, picked], f"{layer.name}, map {picked}"),
                    Keys.enlarged(layer.name),
                    alt=f"Map {picked} of {layer.name}, enlarged, with its colour scale.",
                )


TAB = Tab(__name__, render, Keys, any_model=True)
