"""Learn topic: the eight ideas, each a card that opens its live view."""

from __future__ import annotations

import streamlit as st

from visualizer import vocabulary
from visualizer.ui import session
from visualizer.ui.keys import Learn
from visualizer.ui.learn.base import Topic
from visualizer.ui.pages import PAGE_FILES
from visualizer.vocabulary import INSPECT_TABS


class Keys:
    """The widgets of the concepts topic."""

    @staticmethod
    def open_card(index: int) -> str:
        """The "Try it" button of one concept card."""
        return f"learn_open_{index}"


CONCEPTS = [
    (
        "Neural network",
        "A chain of simple layers, each turning numbers into other numbers. Training nudges every weight a "
        "little, again and again, in the direction that makes the answers on the training images less wrong: "
        "the gradient of the loss, passed back through the layers (backpropagation).",
        "activations",
        ("build", "Assemble one (Build)"),
        ("train", "Watch it learn (Train)"),
    ),
    (
        "Activation function",
        "After each weighted sum, a unit applies a fixed bend such as ReLU (negative values become 0). Without "
        "it, any stack of layers would collapse into one linear map. Its slope decides how much gradient flows "
        "back: flat regions (a sigmoid far from 0, a ReLU below 0) stop learning.",
        "activations",
        ("build", "Change an activation (Build)"),
        ("inspect", f"Activated maps: {INSPECT_TABS['feature_maps']} (Inspect)"),
    ),
    (
        "Convolution",
        "A small grid of weights (the kernel) slides over the image; at each position it multiplies the pixels "
        "under it by its weights and adds them up. The same kernel everywhere means the same pattern is found "
        "wherever it is. A Sobel kernel finds edges; a trained network learns its own kernels.",
        "kernels",
        ("build", "Kernel size and stride (Build)"),
        ("inspect", f"A convolution, {INSPECT_TABS['step_by_step'].lower()} (Inspect)"),
    ),
    (
        "Pooling",
        "Pooling shrinks a feature map by summarising each small window: its maximum (was the pattern there?) "
        "or its average. Later layers then see a wider part of the image for the same cost, and small shifts "
        "of the input matter less.",
        "pooling",
        ("build", "Add a pooling layer (Build)"),
        ("inspect", f"A pooling window, {INSPECT_TABS['step_by_step'].lower()} (Inspect)"),
    ),
    (
        "Dense layer",
        "Every input is connected to every unit: each unit is a weighted sum of all inputs plus a bias. The last "
        "dense layer gives one score (logit) per class, and softmax turns the scores into probabilities that "
        "add up to 1.",
        "dense",
        ("build", "Add dense layers (Build)"),
        ("inspect", "Predicted probabilities (Inspect)"),
    ),
    (
        "Dropout",
        "While training, dropout switches off a random share p of a layer's units at every step and scales the "
        "rest by 1/(1-p). No unit can rely on any other, so the network learns redundant features and overfits "
        "less. At inference dropout does nothing.",
        "dropout",
        ("build", "Add a Dropout layer (Build)"),
        ("train", "Training vs test curves (Train)"),
    ),
    (
        "Skip connection",
        "A residual block adds its input back to what its layers compute: y = F(x) + x. The gradient then has a "
        "short way back through every block, so networks dozens of layers deep still learn. Branches side by "
        "side (Inception) join their maps by stacking or adding them.",
        "skips",
        ("build", "Add a residual block (Build)"),
        ("compare", "With and without skips (Compare)"),
    ),
    (
        "Backpropagation",
        "How a network learns: the loss says how wrong one answer is; the chain rule passes its gradient back "
        "from the class scores through every layer to every weight; each weight then moves a little against "
        "its gradient. A kernel weight's gradient adds up what it did at every position it slid over.",
        "backprop",
        ("inspect", f"{INSPECT_TABS['training_step']} (Inspect)"),
        ("train", "Watch it learn (Train)"),
    ),
]


def _open_view(view: str) -> None:
    session.preset(Learn.VIEW, view)


def render() -> None:
    """Draws the topic."""
    st.markdown("Eight ideas are enough to read any network in this app. Each card opens its live view.")
    columns = st.columns(3)
    for index, (title, text, view, first, second) in enumerate(CONCEPTS):
        with columns[index % 3].container(border=True):
            st.markdown(f"#### {title}")
            st.markdown(text)
            st.button(
                f"Try it: {vocabulary.LEARN_TOPICS[view]}",
                key=Keys.open_card(index),
                on_click=_open_view,
                args=(view,),
                icon=":material/play_circle:",
            )
            for page, label in (first, second):
                st.page_link(PAGE_FILES[page], label=label, icon=":material/arrow_forward:")


TOPIC = Topic(__name__, render, Keys)
