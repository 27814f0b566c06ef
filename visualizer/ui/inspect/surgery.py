"""Inspect tab: kernel surgery: one filter changed in a copy of the network, and what happens downstream."""

from __future__ import annotations

import streamlit as st

from visualizer.data.dataset import class_label
from visualizer.figures.classes import probabilities_figure
from visualizer.figures.maps import (
    feature_map_grid,
)
from visualizer.numerics.kernels import CLASSIC_KERNELS, KERNEL_TITLES, kernels_that_fit
from visualizer.ui import components
from visualizer.ui.inspect.base import Seen, Tab
from visualizer.ui.text import plain


class Keys:
    """The widgets of the surgery tab."""

    LAYER = "inspect_surgery_layer"
    ACTION = "inspect_surgery_action"
    BEFORE = "inspect_surgery_before"
    AFTER = "inspect_surgery_after"
    MAPS = "inspect_surgery_maps"

    @staticmethod
    def filter(layer: str) -> str:
        """The filter chosen for surgery in one layer."""
        return f"inspect_surgery_filter_{layer}"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.forward import feature_maps, predict
    from visualizer.backend.surgery import with_filter

    model, info, x, class_names, probabilities = seen.model, seen.info, seen.x, seen.class_names, seen.probabilities
    names = info.names("kernel")
    if not names:
        return
    st.caption(
        "Change one filter in a copy of the network and see what happens downstream. The network itself "
        "is never changed."
    )
    layer_col, filter_col, action_col = st.columns([1, 1, 2])
    name = layer_col.selectbox("Layer", names, key=Keys.LAYER)
    layer = info.layer(name)
    index = filter_col.number_input("Filter", 0, layer.output_shape[2] - 1, 0, key=Keys.filter(name))
    actions = ["keep (no change)", "zero it", *kernels_that_fit(layer.window)]
    action = action_col.selectbox(
        "Change", actions, key=Keys.ACTION, format_func=lambda key: KERNEL_TITLES.get(key, key)
    )
    if action == actions[0]:
        return
    changed = with_filter(model, name, int(index), None if action == "zero it" else CLASSIC_KERNELS[action])
    after = predict(changed, x)
    top_before, top_after = int(probabilities.argmax()), int(after.argmax())
    change = after[top_before] - probabilities[top_before]
    st.metric(
        f"Probability of {class_label(class_names, top_before)}, the prediction before the change",
        f"{probabilities[top_before]:.0%} → {after[top_before]:.0%}",
        delta=f"{100 * change:+.0f} points",
        delta_color="normal" if abs(change) >= 0.005 else "off",
    )
    before_col, after_col = st.columns(2)
    with before_col:
        st.markdown(f"**Before: {plain(class_label(class_names, top_before), 40)}** ({probabilities[top_before]:.0%})")
        components.chart(
            probabilities_figure(probabilities, class_names),
            Keys.BEFORE,
            alt="The class probabilities before the change.",
        )
    with after_col:
        st.markdown(f"**After: {plain(class_label(class_names, top_after), 40)}** ({after[top_after]:.0%})")
        components.chart(probabilities_figure(after, class_names), Keys.AFTER, alt="The class probabilities after it.")
    components.chart(
        feature_map_grid(feature_maps(changed, x)[name], title=f"{name} after the change"),
        Keys.MAPS,
        alt=f"The feature maps of {name} after the change.",
    )


TAB = Tab(__name__, render, Keys)
