"""One training step in numbers, shown on the Inspect page (for the image in hand) and the Learn page's topic.

The loss of one image, the gradient at the class scores (softmax minus one-hot), one kernel weight's gradient
as the sum over positions of (input under it) x (dL/dz there), the whole kernel's gradient, and the kernel and
the loss after one step of plain gradient descent: ``backend.backprop.training_step``'s numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from visualizer.data.dataset import class_label
from visualizer.figures.learn import logit_gradient_figure
from visualizer.figures.maps import enlarged_map, number_grid
from visualizer.ui import components, session
from visualizer.ui.keys import StepKeys
from visualizer.ui.text import plain

if TYPE_CHECKING:  # types only: the pages reach the backend inside functions
    from visualizer.backend.engine import keras
    from visualizer.backend.info import NetworkInfo

STEP_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3]


def training_step_view(
    model: keras.Model,
    info: NetworkInfo,
    x: np.ndarray,
    probabilities: np.ndarray,
    class_names: list[str],
    known: int | None,
    keys: StepKeys,
) -> None:
    """One SGD step on ``x`` in numbers: the loss, the score gradient, one weight's sum, the kernel before and after.

    Args:
        model: The network (passed to the backend, never read here).
        info: Its layers (``NetworkInfo``).
        x: The image (H, W, C) as the model takes it.
        probabilities: The network's prediction for ``x`` (the page has it already).
        class_names: The classes' names.
        known: The image's true class when it is known (a test image), else None: the prediction stands in.
        keys: The page's keys for the controls and charts.
    """
    from visualizer.backend.backprop import training_step
    from visualizer.backend.forward import kernels

    names = info.names("kernel")
    if not names:
        st.info("This network has no convolution layer: no kernel to follow through a training step.")
        return
    classes = list(range(len(probabilities)))
    label_col, layer_col, filter_col, rate_col = st.columns([1.2, 1, 0.8, 1.2])
    label = label_col.selectbox(
        "Its true class",
        classes,
        index=known if known is not None and known < len(classes) else int(probabilities.argmax()),
        format_func=lambda index: class_label(class_names, index),
        key=keys.label,
        help="The loss compares the answer with this class. A test image's own class is picked for you.",
    )
    layer = layer_col.selectbox("Convolution layer", names, key=keys.layer)
    filters = int(kernels(model, layer).shape[3])
    if session.value(keys.filter, 0) >= filters:
        session.preset(keys.filter, 0)  # another layer with fewer filters was picked
    filter_index = int(filter_col.number_input("Filter", 0, filters - 1, 0, key=keys.filter))
    rate = rate_col.select_slider(
        "Learning rate", STEP_RATES, value=0.01, key=keys.rate, format_func=lambda value: f"{value:g}"
    )
    step = training_step(model, x, int(label), layer, learning_rate=float(rate))
    name = class_label(class_names, step.label)

    st.markdown(
        f"**1. The loss.** The network gives the true class {plain(name, 40)} a probability of "
        f"{step.probabilities[step.label]:.4g}; the cross-entropy is -ln({step.probabilities[step.label]:.4g}) = "
        f"**{step.loss:.4g}**."
    )
    if step.loss < 0.01:
        st.caption(
            "The network is sure, and right: the gradients below are tiny and the step hardly moves. Pick another "
            "class as its true class to see what a big mistake pushes."
        )
    st.markdown(
        "**2. Back to the scores.** For softmax and cross-entropy the gradient at each class's score is its "
        "probability minus 1 for the true class, minus 0 for the others."
    )
    components.chart(
        logit_gradient_figure(step.logit_gradient, class_names, step.label),
        keys.scores,
        alt="The gradient of the loss at each class's score: "
        + ", ".join(
            f"{class_label(class_names, index)} {value:+.3f}" for index, value in enumerate(step.logit_gradient)
        ),
    )
    kh, kw, channels, _ = step.kernel.shape
    positions = [(r, c, ch) for ch in range(channels) for r in range(kh) for c in range(kw)]
    weight = st.selectbox(
        "**3. One weight of the kernel.** Pick it (row, column, input channel):",
        positions,
        format_func=lambda pos: f"row {pos[0]}, column {pos[1]}, channel {pos[2]}",
        key=keys.weight,
    )
    row, col, channel = weight if weight in positions else positions[0]
    inputs, output_gradient = step.weight_terms(row, col, channel, filter_index)
    total = float((inputs * output_gradient).sum())
    left, right = st.columns(2)
    components.chart(
        enlarged_map(inputs, "the input under this weight, at each output position"),
        keys.inputs,
        alt=f"The input value the weight multiplies at each of the {inputs.size} positions of {layer}'s output.",
        container=left,
    )
    components.chart(
        enlarged_map(output_gradient, f"dL/dz of filter {filter_index} at each position"),
        keys.output_gradient,
        alt=f"The gradient of the loss at filter {filter_index}'s output before its activation, at each position.",
        container=right,
    )
    st.markdown(
        f"The weight's gradient is the sum, over the {inputs.size} output positions, of the input under it times "
        f"dL/dz there (the chain rule: z grows by the input when the weight grows by 1): "
        f"**{total:+.6f}**. With every weight done so: the kernel's gradient, and the step."
    )
    kernel_col, gradient_col, after_col = st.columns(3)
    gradient = step.kernel_gradient[:, :, channel, filter_index]
    largest = float(np.abs(gradient).max())
    power = int(np.floor(np.log10(largest))) if largest > 0 else 0
    for column, values, title in (
        (kernel_col, step.kernel[:, :, channel, filter_index], "kernel now"),
        (gradient_col, gradient / 10.0**power, f"its gradient (x 1e{power})" if power else "its gradient"),
        (after_col, step.kernel_after[:, :, channel, filter_index], f"after the step (rate {rate:g})"),
    ):
        with column:
            components.chart(
                number_grid(values, title),
                keys.kernel(title),
                alt=f"{title}: filter {filter_index}, channel {channel} of {layer}, as numbers.",
            )
    change = step.loss_after - step.loss
    st.markdown(
        f"**4. The step.** Every weight of {layer}'s kernel moves by -{rate:g} x its gradient (nothing else "
        f"changes): the loss on this image goes from {step.loss:.4g} to **{step.loss_after:.4g}** ({change:+.3g}). "
        "Training does this for every weight of every layer, on a batch of images at a time, over and over."
    )
