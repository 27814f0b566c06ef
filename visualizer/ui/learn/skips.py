"""Learn topic: the gradient that reaches each layer with and without skip connections, before training."""

from __future__ import annotations

import streamlit as st

from visualizer.figures.learn import (
    layer_gradient_figure,
)
from visualizer.model.presets import PRESET_TITLES, PRESETS
from visualizer.ui import cache, components, session
from visualizer.ui.keys import Compare
from visualizer.ui.learn.base import Topic
from visualizer.ui.pages import PAGE_FILES


class Keys:
    """The widgets of the skips topic."""

    SEED = "learn_skip_seed"
    CHART = "learn_skip_chart"
    COMPARE = "learn_skip_compare"


SKIP_PRESET = "deep_residual"


def _load_skip_comparison() -> None:
    if not session.is_locked("stack") and session.current_spec()[0] != PRESETS[SKIP_PRESET]:
        session.replace_spec(PRESETS[SKIP_PRESET])
        session.set_notice("info", f"Your network is now {PRESET_TITLES[SKIP_PRESET]}; Build's Undo brings yours back.")
    session.preset(Compare.VARIANT, "remove_skips")


def render() -> None:
    """Draws the topic."""
    st.markdown(
        "A **residual block** adds its input back to what its layers compute: $y = F(x) + x$. Going back, "
        "the gradient then has two ways through every block: through the layers, and straight along the "
        "skip connection. In a deep plain stack it has only the first, and it can fade layer after layer "
        "before it reaches the first layers, which then barely learn."
    )
    seed = int(st.number_input("Starting weights (seed)", 0, 99, 0, key=Keys.SEED, width=components.NUMBER_WIDTH))
    measured = cache.skip_comparison(SKIP_PRESET, seed)
    depth = len(measured.residual)
    components.chart(
        layer_gradient_figure(
            {
                "with skip connections": [(item.layer_name, item.rms) for item in measured.residual],
                "plain stack, same layers": [(item.layer_name, item.rms) for item in measured.plain],
            }
        ),
        Keys.CHART,
        alt=f"Bars on a log scale of the gradient reaching each of the {depth} conv and dense layers of the two "
        f"networks before training; the first layer gets {measured.first_layer_ratio:,.0f} times more with "
        "skip connections.",
    )
    st.markdown(
        f"Measured now by one backward pass over {measured.images} training digits, before any training "
        f"(seed {measured.seed}), for {PRESET_TITLES[SKIP_PRESET]} and the same {depth} layers without their "
        f"skip connections: the first layer receives **{measured.first_layer_ratio:,.0f} times** more gradient "
        f"with them ({measured.residual[0].rms:.1e} against {measured.plain[0].rms:.1e})."
    )
    if st.button(
        "Train both side by side on Compare",
        key=Keys.COMPARE,
        on_click=_load_skip_comparison,
        icon=":material/compare_arrows:",
        help=f"Makes {PRESET_TITLES[SKIP_PRESET]} your network (Build's Undo brings yours back) and opens Compare "
        "with the plain stack of the same layers as the other network.",
    ):
        st.switch_page(PAGE_FILES["compare"])


TOPIC = Topic(__name__, render, Keys)
