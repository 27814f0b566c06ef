"""What every Learn topic shares: how it declares itself, and the network and image it follows.

A topic is one module of ``ui/learn/`` named by its id (``vocabulary.LEARN_TOPICS``), holding
``TOPIC = Topic(__name__, render, Keys)``: its render function and the class of its widgets'
keys. Its title comes from the vocabulary, the one place lessons read it from too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import streamlit as st

from visualizer import vocabulary
from visualizer.numerics.kernels import output_size
from visualizer.ui import components, network, session
from visualizer.ui.keys import Learn
from visualizer.ui.text import say

if TYPE_CHECKING:  # types only: the pages reach the backend inside functions
    from visualizer.backend.engine import keras
    from visualizer.backend.info import NetworkInfo


@dataclass(frozen=True)
class Topic:
    """One Learn topic, declared by its module.

    Attributes:
        module: The module's ``__name__``; its last part is the topic's id (also its ``?view=`` slug).
        render: Draws the topic.
        keys: The class holding its widgets' keys.
    """

    module: str
    render: Callable[[], None]
    keys: type

    @property
    def id(self) -> str:
        """The topic's id (lessons and URLs name it so)."""
        return self.module.rsplit(".", 1)[-1]

    @property
    def title(self) -> str:
        """The title the topic shows."""
        return vocabulary.LEARN_TOPICS[self.id]


def size_formula(size: int, window: int, stride: int, padding: str, what: str) -> str:
    """The output-size formula with the person's numbers, as Markdown with LaTeX."""
    result = output_size(size, window, stride, padding)
    if padding == "same":
        return (
            f"**Output size** with 'same' padding: $\\lceil n / s \\rceil = \\lceil {size} / {stride} \\rceil = "
            f"{result}$ (zeros are added around the input so that the {what} fits)."
        )
    return (
        f"**Output size** with 'valid' padding: $\\lfloor (n - k) / s \\rfloor + 1 = "
        f"\\lfloor ({size} - {window}) / {stride} \\rfloor + 1 = {result}$, where $n$ is the input size, "
        f"$k$ the {what} size and $s$ the stride."
    )


def model_image(input_shape, dataset) -> tuple[np.ndarray | None, str, list[str], int | None]:
    """The image to follow: the one from Inspect if it fits, else a test image picked here (with its class)."""
    source = network.sample_dataset(dataset, input_shape)
    class_names = list(source.class_names) if source is not None else []
    remembered = session.remembered_image(input_shape)
    if remembered is not None and st.toggle("Use the image from Inspect", value=True, key=Learn.USE_INSPECT):
        return remembered[0], remembered[1], class_names, None
    if source is None:
        st.info("No test images of this shape here: follow an image on the Inspect page first.")
        return None, "", class_names, None
    index = st.number_input(
        f"Test image number (0 to {len(source.y_test) - 1})",
        0,
        len(source.y_test) - 1,
        0,
        key=Learn.MODEL_IMAGE,
        width=components.NUMBER_WIDTH,
    )
    true_label = int(source.y_test[int(index)])
    label = source.class_names[true_label]
    return source.x_test[int(index)], f"test image {index} of {source.name} (a {label})", class_names, true_label


class Followed(NamedTuple):
    """The network in hand and the image a topic follows through it."""

    model: keras.Model
    info: NetworkInfo
    x: np.ndarray
    what: str
    where: str
    class_names: list[str]
    true_label: int | None


def in_hand() -> Followed | None:
    """The network in hand and its image (``model_image``), or None once the page has said why there is none."""
    model, info, dataset, what = network.choose(Learn.EPOCH)
    if model is None:
        say("warning", what)
        return None
    x, where, class_names, true_label = model_image(info.input_shape, dataset)
    if x is None:
        return None
    return Followed(model, info, x, what, where, class_names, true_label)
