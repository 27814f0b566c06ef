"""Inspect tab: Input probes: the image shifted, turned, noised or covered, and occlusion sensitivity."""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer.data.dataset import class_label
from visualizer.data.images import perturb
from visualizer.figures.classes import probabilities_figure
from visualizer.figures.maps import (
    input_figure,
    overlay_figure,
)
from visualizer.ui import components
from visualizer.ui.inspect.base import Seen, Tab
from visualizer.ui.text import plain


class Keys:
    """The widgets of the probes tab."""

    DX = "inspect_probe_dx"
    DY = "inspect_probe_dy"
    ANGLE = "inspect_probe_angle"
    NOISE = "inspect_probe_noise"
    COVER = "inspect_probe_cover"
    SIZE = "inspect_probe_size"
    ROW = "inspect_probe_row"
    COL = "inspect_probe_col"
    IMAGE = "inspect_probe_image"
    BARS = "inspect_probe_bars"
    OCCLUSION = "inspect_occlusion"
    OCCLUSION_MAP = "inspect_occlusion_map"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.attribution import occlusion_map
    from visualizer.backend.forward import predict

    model, x, class_names = seen.model, seen.x, seen.class_names
    st.caption("Move, turn, blur with noise or cover part of the image, and watch the probabilities.")
    height, width = x.shape[:2]
    dx_col, dy_col, angle_col, noise_col = st.columns(4)
    shift_x = dx_col.slider("Shift right", -width // 3, width // 3, 0, key=Keys.DX)
    shift_y = dy_col.slider("Shift down", -height // 3, height // 3, 0, key=Keys.DY)
    angle = angle_col.slider("Rotate (degrees)", -90, 90, 0, 5, key=Keys.ANGLE)
    noise = noise_col.slider("Noise", 0.0, 0.5, 0.0, 0.05, key=Keys.NOISE)
    occlusion = None
    if st.checkbox("Cover a square", key=Keys.COVER):
        size_col, row_col, col_col = st.columns(3)
        size = size_col.slider("Square side", 1, max(2, height // 2), max(2, height // 4), key=Keys.SIZE)
        row = row_col.slider("Square top", 0, height - 1, height // 3, key=Keys.ROW)
        col = col_col.slider("Square left", 0, width - 1, width // 3, key=Keys.COL)
        occlusion = (row, col, size)
    probed = perturb(x, (shift_y, shift_x), angle, noise, occlusion)
    image_col, bars_col = st.columns([1, 2])
    components.chart(
        input_figure(probed, "probed input"),
        Keys.IMAGE,
        alt="The image after the shift, rotation, noise and cover chosen above.",
        container=image_col,
    )
    after = predict(model, probed)
    top = int(after.argmax())
    with bars_col:
        st.markdown(f"**Now: {plain(class_label(class_names, top), 40)}** ({after[top]:.0%})")
        components.chart(
            probabilities_figure(after, class_names),
            Keys.BARS,
            alt="The class probabilities for the changed image.",
        )
    if st.toggle("Occlusion sensitivity: which squares matter most for the prediction", key=Keys.OCCLUSION):
        top = int(seen.probabilities.argmax())
        lost = np.clip(occlusion_map(model, x, class_index=top), 0.0, None)
        components.chart(
            overlay_figure(
                x,
                lost,
                f"covering each square: probability of {class_label(class_names, top)} lost",
                scale_title="probability lost",
                top=max(float(lost.max()), 0.01),
                percent=True,
            ),
            Keys.OCCLUSION_MAP,
            alt=f"The image with a heat map on top: bright where covering a square costs the prediction "
            f"{class_label(class_names, top)} most; at most {float(lost.max()):.0%} of its probability.",
        )
        st.caption(
            "Each square of the image was covered in turn (filled with black) and the network asked again: the "
            f"colour is how much of the probability of {class_label(class_names, top)} "
            f"({seen.probabilities[top]:.0%}) it lost. Dark squares did not matter; squares whose cover raised it "
            "count as 0."
        )


TAB = Tab(__name__, render, Keys, any_model=True)
