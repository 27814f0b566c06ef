"""Inspect tab: One training step in numbers: the chain rule from the loss back to one kernel weight."""

from __future__ import annotations

import streamlit as st

from visualizer.ui.backprop import training_step_view
from visualizer.ui.inspect.base import Seen, Tab
from visualizer.ui.keys import StepKeys

Keys = StepKeys("inspect_step")
"""The controls and charts of the step (``ui.backprop``)."""


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    st.caption(
        "Training changes every weight a little against its gradient: how much the loss would grow if the weight "
        "grew. Here is one step of plain gradient descent on this image alone, in numbers, at one convolution "
        "layer: the chain rule from the loss back to one kernel weight."
    )
    training_step_view(seen.model, seen.info, seen.x, seen.probabilities, seen.class_names, seen.true_label, Keys)


TAB = Tab(__name__, render, Keys)
