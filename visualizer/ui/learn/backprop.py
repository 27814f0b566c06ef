"""Learn topic: one training step in four moves, then on the network in hand."""

from __future__ import annotations

import streamlit as st

from visualizer.ui.backprop import training_step_view
from visualizer.ui.keys import StepKeys
from visualizer.ui.learn.base import Topic, in_hand

Keys = StepKeys("learn_step")
"""The controls and charts of the step (``ui.backprop``)."""


def render() -> None:
    """Draws the topic."""
    st.markdown(
        "A training step in four moves, each one the chain rule: how much the loss changes when something "
        "earlier changes is how much it changes with the next thing, times how much that changes with the "
        "earlier one.\n\n"
        "1. **The loss** of one image of true class $y$: $L = -\\ln p_y$, small when the network gives the "
        "right class a high probability.\n"
        "2. **Back to the scores.** Softmax and cross-entropy together give the simplest gradient there is: "
        "$\\partial L / \\partial z_k = p_k - 1$ for the true class and $p_k$ for every other class.\n"
        "3. **Back through the layers** to a convolution's output before its activation, $\\partial L / "
        "\\partial z$ at every position. One kernel weight $w$ multiplied an input value $x$ at every "
        "position it slid over, so $\\partial L / \\partial w = \\sum_{\\text{positions}} x \\cdot "
        "\\partial L / \\partial z$.\n"
        "4. **The step:** $w \\leftarrow w - \\eta \\, \\partial L / \\partial w$ for every weight at "
        "once, with the learning rate $\\eta$. Training repeats it on batch after batch."
    )
    followed = in_hand()
    if followed is None:
        return
    model, info, x, what, where, class_names, true_label = followed
    st.caption(f"{what}; {where}. The same step for the image in hand is a tab of the Inspect page.")
    from visualizer.backend.forward import predict

    training_step_view(model, info, x, predict(model, x), class_names, true_label, Keys)


TOPIC = Topic(__name__, render, Keys)
