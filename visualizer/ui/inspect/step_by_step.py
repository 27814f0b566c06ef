"""Inspect tab: the selected map step by step.

The window walks over the layer's input and the output fills in (animated in the browser).
"""

from __future__ import annotations

import streamlit as st

from visualizer.model.checks import counted
from visualizer.ui import components, session
from visualizer.ui.components.walk import conv_walk_payload, pool_walk_payload, window_walk
from visualizer.ui.inspect.base import Seen, Tab, default_pick


class Keys:
    """The widgets of the step by step tab."""

    WALK = "inspect_walk"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.walks import conv_walk, pool_walk

    info = seen.info
    picked = session.picked_item(info.names()) or default_pick(info)
    layer = info.layer(picked[0]) if picked else None
    if layer is None or layer.traits.walk is None:
        st.info(
            "Click a map of a convolution or pooling layer in the overview above: here its window walks over the "
            "layer's input step by step, and its output fills in."
        )
        return
    name, index = layer.name, min(picked[1], layer.output_shape[-1] - 1)
    if layer.traits.walk == "convolution":
        walk = conv_walk(seen.model, name, seen.x, index)
        payload = conv_walk_payload(walk, input_is_image=info.names()[0] == name)
        st.markdown(
            f"**{name}, map {index}**: filter {index} ({layer.window[0]}x{layer.window[1]}, stride "
            f"{layer.strides[0]}, padding '{layer.padding}') slides over the "
            f"{counted(walk.inputs.shape[2], 'channel')} of the layer's input. At each step, the window's values "
            "times the kernel's weights, added up over every channel, plus the bias, through the activation, give "
            "one value of the map. Click another map above."
        )
    else:
        walk = pool_walk(seen.model, name, seen.x, index)
        payload = pool_walk_payload(walk)
        keeps = "largest value" if walk.kind == "max" else "mean"
        st.markdown(
            f"**{name}, channel {index}**: a {walk.window[0]}x{walk.window[1]} window steps by "
            f"{walk.strides[0]} over the same channel of the layer's input and keeps the {keeps} of each window. "
            "Click another map above."
        )
    window_walk(payload, key=Keys.WALK, scale=components.text_scale())


TAB = Tab(__name__, render, Keys)
