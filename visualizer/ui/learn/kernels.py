"""Learn topic: classic kernels on an image, edited by hand, with stride, padding and the output size."""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer.data.images import reduced
from visualizer.errors import InputError
from visualizer.figures.maps import input_figure, kernel_output_figure, number_grid
from visualizer.numerics.kernels import CLASSIC_KERNELS, KERNEL_TITLES, apply_to_image, classic_kernel
from visualizer.ui import cache, components, session
from visualizer.ui.keys import Learn
from visualizer.ui.learn.base import Topic, size_formula


class Keys:
    """The widgets of the kernels topic."""

    NAME = "learn_kernel_name"
    SIZE = "learn_kernel_size"
    STRIDE = "learn_stride"
    PADDING = "learn_padding"
    PER_CHANNEL = "learn_per_channel"
    INPUT = "learn_kernel_input"
    GRID = "learn_kernel_grid"
    OUTPUT = "learn_kernel_output"

    @staticmethod
    def editor(name: str, size: int) -> str:
        """The kernel's number editor, one per (kernel, size) so edits are kept (streamlit#7749)."""
        return f"learn_kernel_{name}_{size}"


MAX_PLAYGROUND_SIDE = 96


def _playground_image() -> tuple[np.ndarray | None, str]:
    choices = ["A digit", "A shape", "Upload"]
    remembered = session.remembered_image()
    if remembered is not None:
        choices.insert(0, "The image from Inspect")
    source = st.radio("Image", choices, horizontal=True, key=Learn.IMAGE_SOURCE)
    if source == "The image from Inspect" and remembered is not None:
        return remembered
    if source == "Upload":
        picture, name = components.image_upload(Learn.UPLOAD)
        if picture is None:
            return None, ""
        pixels = reduced(picture, MAX_PLAYGROUND_SIDE)
        return pixels, f"{name}, reduced to {pixels.shape[1]}x{pixels.shape[0]}"
    dataset = cache.named_dataset("digits" if source == "A digit" else "shapes")
    index = st.number_input(
        f"Test image number (0 to {len(dataset.y_test) - 1})",
        0,
        len(dataset.y_test) - 1,
        3,
        key=Learn.IMAGE_INDEX,
        width=components.NUMBER_WIDTH,
    )
    label = dataset.class_names[int(dataset.y_test[int(index)])]
    return dataset.x_test[int(index)], f"test image {index} of {dataset.name} (a {label})"


def _kernel_choice() -> np.ndarray | None:
    import pandas as pd

    left, right = st.columns([3, 1])
    name = left.selectbox("Kernel", list(CLASSIC_KERNELS), format_func=KERNEL_TITLES.get, index=1, key=Keys.NAME)
    size = right.radio("Size", [3, 5], horizontal=True, key=Keys.SIZE)
    start = classic_kernel(name, size)
    editor, _ = st.columns([1, 2])
    editor.caption("Edit any number: the output follows.")
    # The editor's input stays the same for a (kernel, size) pair, so edits are kept (streamlit#7749).
    edited = editor.data_editor(
        pd.DataFrame(start, columns=[str(col) for col in range(size)]),
        hide_index=True,
        key=Keys.editor(name, size),
    )
    kernel = edited.to_numpy(dtype=np.float32, na_value=0.0)
    if not np.isfinite(kernel).all():
        st.error("Every weight must be a number.")
        return None
    return kernel


def render() -> None:
    """Draws the topic."""
    st.markdown(
        "A kernel is a small grid of weights. At each position the window of pixels under it is multiplied by "
        "the weights, cell by cell, and summed (cross-correlation, as Keras' Conv2D computes it). The same "
        "numbers find the same pattern everywhere."
    )
    image, where = _playground_image()
    if image is None:
        return
    kernel = _kernel_choice()
    if kernel is None:
        return
    first, second, third = st.columns(3)
    stride = first.radio("Stride", [1, 2, 3], horizontal=True, key=Keys.STRIDE)
    padding = second.radio("Padding", ["valid", "same"], horizontal=True, key=Keys.PADDING)
    colour = image.shape[2] == 3
    per_channel = third.toggle("Each colour channel", value=False, key=Keys.PER_CHANNEL, disabled=not colour)
    try:
        output = apply_to_image(image, kernel, stride, padding, per_channel=per_channel and colour)
    except InputError as error:
        st.error(str(error))
        return
    columns = st.columns([2, 1, 2])
    components.chart(
        input_figure(image, f"input: {where}"),
        Keys.INPUT,
        alt=f"The input image: {where}.",
        container=columns[0],
    )
    components.chart(
        number_grid(kernel, "kernel"),
        Keys.GRID,
        alt="The kernel's weights: " + "; ".join(", ".join(f"{value:g}" for value in row) for row in kernel),
        container=columns[1],
    )
    channels = "each channel" if per_channel and colour else "gray"
    components.chart(
        kernel_output_figure(output, f"output ({channels}) {output.shape[0]}x{output.shape[1]}"),
        Keys.OUTPUT,
        alt=f"The kernel's output, {output.shape[0]}x{output.shape[1]}: bright where the image matches the kernel.",
        container=columns[2],
    )
    st.markdown(size_formula(image.shape[0], kernel.shape[0], stride, padding, "kernel"))


TOPIC = Topic(__name__, render, Keys)
