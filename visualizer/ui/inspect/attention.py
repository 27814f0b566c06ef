"""Inspect tab: Where the network looks: Grad-CAM and gradient saliency for a chosen class."""

from __future__ import annotations

import streamlit as st

from visualizer.data.dataset import class_label
from visualizer.figures.maps import (
    overlay_figure,
)
from visualizer.ui import components
from visualizer.ui.inspect.base import Seen, Tab


class Keys:
    """The widgets of the attention tab."""

    EXPLAIN_CLASS = "inspect_explain_class"
    GRAD_CAM = "inspect_gradcam"
    SALIENCY = "inspect_saliency"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.attribution import grad_cam, saliency

    model, info, x, class_names, probabilities = seen.model, seen.info, seen.x, seen.class_names, seen.probabilities
    st.caption(
        "Grad-CAM colours the regions whose maps raise the class's score; saliency, the pixels whose change "
        "would move the score most."
    )
    chosen = st.selectbox(
        "Explain the class",
        list(range(len(probabilities))),
        index=int(probabilities.argmax()),
        format_func=lambda index: f"{class_label(class_names, index)} ({probabilities[index]:.0%})",
        key=Keys.EXPLAIN_CLASS,
    )
    cam_col, saliency_col = st.columns(2)
    if info.names("kernel"):
        components.chart(
            overlay_figure(
                x, grad_cam(model, x, class_index=int(chosen)), "Grad-CAM", scale_title="importance (largest = 1)"
            ),
            Keys.GRAD_CAM,
            alt="Grad-CAM: the image with a heat map on top, bright where the last convolution's maps raise the "
            "chosen class's score.",
            container=cam_col,
        )
    else:
        cam_col.info("Grad-CAM needs a convolution layer.")
    components.chart(
        overlay_figure(
            x,
            saliency(model, x, class_index=int(chosen)),
            "Gradient saliency",
            opacity=0.6,
            scale_title="gradient size (largest = 1)",
        ),
        Keys.SALIENCY,
        alt="Gradient saliency: the image with a heat map on top, bright at the pixels whose change would move "
        "the chosen class's score most.",
        container=saliency_col,
    )


TAB = Tab(__name__, render, Keys)
