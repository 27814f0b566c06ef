"""Inspect tab: Each convolution's filters: their weights per input channel."""

from __future__ import annotations

import streamlit as st

from visualizer.figures.maps import (
    kernel_colour_images,
    kernel_grid,
)
from visualizer.model.checks import counted
from visualizer.ui import components
from visualizer.ui.inspect.base import Seen, Tab


class Keys:
    """The widgets of the kernels tab."""

    @staticmethod
    def kernels(layer: str) -> str:
        """One conv layer's kernel grid."""
        return f"inspect_kernels_{layer}"

    @staticmethod
    def colour_kernels(layer: str) -> str:
        """One conv layer's kernels as colour images."""
        return f"inspect_colour_{layer}"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.forward import kernels

    names = seen.info.names("kernel")
    if not names:
        return
    st.caption("Each filter's weights per input channel: red weights raise the output, blue ones lower it.")
    for position, name in enumerate(names):
        weights = kernels(seen.model, name)
        with st.expander(
            f"{name}: {weights.shape[3]} filters of {weights.shape[0]}x{weights.shape[1]}x{weights.shape[2]}",
            expanded=position == 0,
        ):
            if position == 0 and weights.shape[2] == 3:
                components.chart(
                    kernel_colour_images(weights),
                    Keys.colour_kernels(name),
                    alt=f"The {counted(weights.shape[3], 'filter')} of {name} as small colour images.",
                )
            components.chart(
                kernel_grid(weights),
                Keys.kernels(name),
                alt=f"The weights of the {weights.shape[3]} filters of {name}, one row per filter and one square "
                "per input channel: red positive, blue negative.",
            )


TAB = Tab(__name__, render, Keys, any_model=True)
