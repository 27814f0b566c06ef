"""Inspect tab: What each filter looks for: activation maximisation beside the test image that excites it most."""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer.figures.maps import (
    image_grid,
)
from visualizer.ui import components
from visualizer.ui.inspect.base import MAX_TEST_IMAGES, Seen, Tab


class Keys:
    """The widgets of the filters tab."""

    LAYER = "inspect_filters_layer"
    RUN = "inspect_filters_run"
    GRID = "inspect_filters_grid"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.features import MAX_GRID_FILTERS, feature_grid, top_images

    model, info = seen.model, seen.info
    names = info.names("kernel")
    if not names:
        st.info("This network has no convolution layer: no filters to look at.")
        return
    st.caption(
        "For each filter, the picture that excites it most, found by gradient ascent from a grey start (each step "
        "changes the picture where it raises the filter's mean activation, with a one-pixel jitter), beside the "
        "test image that excites it most. The numbers are the filter's mean activation over its map."
    )
    layer = st.selectbox("Convolution layer", names, index=len(names) - 1, key=Keys.LAYER)
    if not st.toggle("Find what each filter looks for", key=Keys.RUN):
        return
    bar = st.progress(0.0, text="Gradient ascent, filter by filter...")
    grid = feature_grid(
        model, layer, progress=lambda done, total: bar.progress(done / total, f"Filter {done} of {total}")
    )
    bar.empty()
    dataset = seen.dataset
    pictures, titles = [], []
    best = None
    if dataset is not None:
        best, best_activation = top_images(model, layer, dataset.x_test[:MAX_TEST_IMAGES])
    for result in grid:
        pictures.append(result.image)
        titles.append(f"filter {result.filter_index}: {result.activations[-1]:.2f}")
        if best is not None:
            index = int(best[result.filter_index])
            pictures.append(dataset.x_test[index])
            titles.append(f"test {index}: {best_activation[result.filter_index]:.2f}")
    components.chart(
        image_grid(np.stack(pictures), titles, columns=8),
        Keys.GRID,
        alt=f"For each of the first {len(grid)} filters of {layer}: the picture that excites it most"
        + (", beside the test image that excites it most" if best is not None else "")
        + ", with the filter's mean activation for each.",
    )
    if len(grid) == MAX_GRID_FILTERS:
        st.caption(f"The first {MAX_GRID_FILTERS} filters of {layer}.")


TAB = Tab(__name__, render, Keys, any_model=True)
