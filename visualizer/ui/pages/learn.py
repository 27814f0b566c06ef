"""The Learn page: the ideas behind the network, each live and tied to the network in hand.

One topic at a time (``?view=kernels`` opens a topic directly): concept cards,
activation functions and their gradients, classic kernels, pooling, the dense
layer and softmax, and dropout.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import streamlit as st

from visualizer.data.dataset import class_labels
from visualizer.data.images import reduced
from visualizer.errors import InputError
from visualizer.figures.encoding import cell_outline
from visualizer.figures.learn import (
    activation_curves_figure,
    contributions_figure,
    dropout_figure,
    gradient_depth_figure,
    layer_gradient_figure,
    logits_figure,
    preactivation_figure,
    prediction_spread_figure,
)
from visualizer.figures.maps import cell_number, input_figure, kernel_output_figure, number_grid
from visualizer.lessons import LEARN_VIEWS
from visualizer.model.activations import ACTIVATIONS
from visualizer.model.checks import counted
from visualizer.model.presets import PRESET_TITLES, PRESETS
from visualizer.numerics.activations import curve, flat_fraction, gradient_through_depth, histogram_span
from visualizer.numerics.dropout import agreement, apply_dropout
from visualizer.numerics.kernels import CLASSIC_KERNELS, KERNEL_TITLES, apply_to_image, classic_kernel, output_size
from visualizer.numerics.pooling import POOLING_KINDS, example_map, pool2d, window_values
from visualizer.numerics.softmax import softmax, softmax_terms
from visualizer.ui import cache, components, network, state
from visualizer.ui.backprop import training_step_view
from visualizer.ui.pages import PAGE_FILES
from visualizer.ui.state import Compare, Learn
from visualizer.ui.text import say

# Topic slug (as in ``?view=``, ``lessons.LEARN_VIEWS``) -> its title.
# (Comments, not docstrings: a page script shows bare strings.)
VIEWS: dict[str, str] = {
    "concepts": "Concepts",
    "activations": "Activations",
    "kernels": "Kernels",
    "pooling": "Pooling",
    "dense": "Dense and softmax",
    "dropout": "Dropout",
    "skips": "Skip connections",
    "backprop": "Backpropagation",
}
HISTOGRAM_IMAGES = 128
MAX_PLAYGROUND_SIDE = 96

# (title, explanation, Learn view, (page, link text), (page, link text)).
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
        ("inspect", "Activated feature maps (Inspect)"),
    ),
    (
        "Convolution",
        "A small grid of weights (the kernel) slides over the image; at each position it multiplies the pixels "
        "under it by its weights and adds them up. The same kernel everywhere means the same pattern is found "
        "wherever it is. A Sobel kernel finds edges; a trained network learns its own kernels.",
        "kernels",
        ("build", "Kernel size and stride (Build)"),
        ("inspect", "One convolution step (Inspect)"),
    ),
    (
        "Pooling",
        "Pooling shrinks a feature map by summarising each small window: its maximum (was the pattern there?) "
        "or its average. Later layers then see a wider part of the image for the same cost, and small shifts "
        "of the input matter less.",
        "pooling",
        ("build", "Add a pooling layer (Build)"),
        ("inspect", "One pooling step (Inspect)"),
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
        ("inspect", "One training step (Inspect)"),
        ("train", "Watch it learn (Train)"),
    ),
]


def _open_view(view: str) -> None:
    state.preset(Learn.VIEW, view)


# Concepts.


def _concepts() -> None:
    st.markdown("Eight ideas are enough to read any network in this app. Each card opens its live view.")
    columns = st.columns(3)
    for index, (title, text, view, first, second) in enumerate(CONCEPTS):
        with columns[index % 3].container(border=True):
            st.markdown(f"#### {title}")
            st.markdown(text)
            st.button(
                f"Try it: {VIEWS[view]}",
                key=Learn.open_card(index),
                on_click=_open_view,
                args=(view,),
                icon=":material/play_circle:",
            )
            for page, label in (first, second):
                st.page_link(PAGE_FILES[page], label=label, icon=":material/arrow_forward:")


# Activations.


def _activation_settings(names: list[str]) -> dict[str, dict[str, float]]:
    settings: dict[str, dict[str, float]] = {name: {} for name in names}
    if "leaky_relu" in names:
        default = ACTIVATIONS["leaky_relu"].parameters["negative_slope"]
        settings["leaky_relu"]["negative_slope"] = st.slider(
            "Leaky ReLU negative slope", 0.0, 1.0, default, 0.01, key=Learn.SLOPE
        )
    if "elu" in names:
        default = ACTIVATIONS["elu"].parameters["alpha"]
        settings["elu"]["alpha"] = st.slider("ELU alpha", 0.1, 3.0, default, 0.1, key=Learn.ALPHA)
    return settings


def _title(name: str) -> str:
    return ACTIVATIONS[name].title


def _activations() -> None:
    st.markdown(
        "An activation bends each weighted sum. Its **slope** (right) is what backpropagation multiplies the "
        "gradient by on the way back: where it is flat, that unit stops learning."
    )
    names = st.multiselect(
        "Compare",
        list(ACTIVATIONS),
        default=["relu", "sigmoid", "tanh"],
        format_func=_title,
        key=Learn.ACTIVATIONS,
    )
    if not names:
        st.info("Pick at least one activation.")
        return
    settings = _activation_settings(names)
    low, high = st.slider("x range", -10.0, 10.0, (-6.0, 6.0), 0.5, key=Learn.RANGE)
    if low == high:
        st.warning("Pick a range wider than one point.")
        return
    x = np.linspace(low, high, 401)
    curves = {_title(name): curve(name, x, **settings[name]) for name in names}
    components.chart(
        activation_curves_figure(x, curves),
        Learn.CURVES_CHART,
        alt=f"Curves of {', '.join(curves)} from x = {low:g} to {high:g}, each activation (solid) with its "
        "derivative (dashed), one colour per activation.",
    )

    st.subheader("Vanishing gradients")
    st.markdown(
        "Backpropagation multiplies one slope per layer. Sigmoid's slope is at most 0.25, so through many "
        "layers the gradient shrinks towards zero and the first layers stop learning; ReLU's slope is 1 for "
        "positive inputs, so it passes through unchanged."
    )
    left, right = st.columns(2)
    depth = left.slider("Layers", 1, 50, 10, key=Learn.DEPTH)
    start = right.slider("Value entering the first layer", -3.0, 3.0, 0.5, 0.1, key=Learn.START)
    compared = list(dict.fromkeys(["sigmoid", "relu", *names]))
    products = {name: gradient_through_depth(name, depth, start, **settings.get(name, {})) for name in compared}
    components.chart(
        gradient_depth_figure({_title(name): values for name, values in products.items()}),
        Learn.DEPTH_CHART,
        alt=f"How much of the gradient survives after each of {depth} layers, on a log scale, per activation.",
    )
    sigmoid_factor, relu_factor = products["sigmoid"][-1], products["relu"][-1]
    st.caption(
        f"After {depth} layers the gradient is multiplied by {sigmoid_factor:.2g} with sigmoid and by "
        f"{relu_factor:.2g} with ReLU."
    )
    _activations_in_model()


def _histogram_batch(dataset, input_shape) -> tuple[np.ndarray | None, str]:
    if dataset is not None and tuple(dataset.image_shape) == tuple(input_shape):
        count = min(HISTOGRAM_IMAGES, len(dataset.y_test))
        return dataset.x_test[:count], f"the first {counted(count, 'test image')} of {dataset.name}"
    remembered = state.remembered_image(input_shape)
    if remembered is not None:
        return remembered[0][None], remembered[1]
    return None, ""


def _activations_in_model() -> None:
    st.subheader("In your network")
    st.markdown(
        "What each layer's activation actually receives: a histogram of its values before the activation, with "
        "the activation drawn over it. Values piled where the curve is flat are units that pass no gradient "
        "back (dead ReLUs, saturated sigmoids)."
    )
    job = state.training_job()
    if job is not None and job.status().active:
        _live_histograms()
        return
    model, info, dataset, what = network.choose(Learn.EPOCH)
    if model is None:
        say("warning", what)
        return
    _histograms(model, info.input_shape, dataset, what)


@st.fragment(run_every=2.0)
def _live_histograms() -> None:
    job = state.training_job()
    if job is None or not job.status().active:
        st.rerun(scope="app")
        return
    model = job.live_model()
    if model is None:
        st.info("Training is starting: the histograms appear after the first weights are saved.")
        return
    epoch = len(job.checkpoints) - 1
    what = f"the network training now, after epoch {epoch} (updates live)"
    _histograms(model, job.spec.input_shape, job.dataset, what)


def _histograms(model, input_shape, dataset, what: str) -> None:
    from visualizer.backend.steps import pre_activations

    batch, where = _histogram_batch(network.sample_dataset(dataset, input_shape), input_shape)
    if batch is None:
        st.info("No images of this shape here: follow one on the Inspect page first, then come back.")
        return
    try:
        layers = pre_activations(model, batch)
    except InputError as error:
        say("info", error)
        return
    st.caption(f"{what}, on {where}.")
    if not layers:
        st.info("This network has no hidden conv or dense layer with an activation.")
        return
    columns = st.columns(2)
    for index, item in enumerate(layers):
        values = item.values
        with columns[index % 2]:
            if item.activation not in ACTIVATIONS:
                st.caption(f"{item.layer_name}: activation {item.activation} is not drawn here.")
                continue
            span = histogram_span(values)
            x = np.linspace(-span, span, 201)
            y, _ = curve(item.activation, x)
            flat = flat_fraction(item.activation, values)
            title = f"{item.layer_name} · {_title(item.activation)} · {flat:.0%} in a flat region"
            components.chart(
                preactivation_figure(values, x, y, _title(item.activation), title),
                Learn.histogram(item.layer_name),
                alt=f"A histogram of the values entering {item.layer_name}'s {_title(item.activation)} under the "
                f"activation's curve: {flat:.0%} of them fall where the curve is flat.",
            )


# Kernels.


def _playground_image() -> tuple[np.ndarray | None, str]:
    choices = ["A digit", "A shape", "Upload"]
    remembered = state.remembered_image()
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
    name = left.selectbox(
        "Kernel", list(CLASSIC_KERNELS), format_func=KERNEL_TITLES.get, index=1, key=Learn.KERNEL_NAME
    )
    size = right.radio("Size", [3, 5], horizontal=True, key=Learn.KERNEL_SIZE)
    start = classic_kernel(name, size)
    editor, _ = st.columns([1, 2])
    editor.caption("Edit any number: the output follows.")
    # The editor's input stays the same for a (kernel, size) pair, so edits are kept (streamlit#7749).
    edited = editor.data_editor(
        pd.DataFrame(start, columns=[str(col) for col in range(size)]),
        hide_index=True,
        key=Learn.kernel_editor(name, size),
    )
    kernel = edited.to_numpy(dtype=np.float32, na_value=0.0)
    if not np.isfinite(kernel).all():
        st.error("Every weight must be a number.")
        return None
    return kernel


def _kernels() -> None:
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
    stride = first.radio("Stride", [1, 2, 3], horizontal=True, key=Learn.STRIDE)
    padding = second.radio("Padding", ["valid", "same"], horizontal=True, key=Learn.PADDING)
    colour = image.shape[2] == 3
    per_channel = third.toggle("Each colour channel", value=False, key=Learn.PER_CHANNEL, disabled=not colour)
    try:
        output = apply_to_image(image, kernel, stride, padding, per_channel=per_channel and colour)
    except InputError as error:
        st.error(str(error))
        return
    columns = st.columns([2, 1, 2])
    components.chart(
        input_figure(image, f"input: {where}"),
        Learn.KERNEL_INPUT,
        alt=f"The input image: {where}.",
        container=columns[0],
    )
    components.chart(
        number_grid(kernel, "kernel"),
        Learn.KERNEL_GRID,
        alt="The kernel's weights: " + "; ".join(", ".join(f"{value:g}" for value in row) for row in kernel),
        container=columns[1],
    )
    channels = "each channel" if per_channel and colour else "gray"
    components.chart(
        kernel_output_figure(output, f"output ({channels}) {output.shape[0]}x{output.shape[1]}"),
        Learn.KERNEL_OUTPUT,
        alt=f"The kernel's output, {output.shape[0]}x{output.shape[1]}: bright where the image matches the kernel.",
        container=columns[2],
    )
    st.markdown(_size_formula(image.shape[0], kernel.shape[0], stride, padding, "kernel"))


def _size_formula(size: int, window: int, stride: int, padding: str, what: str) -> str:
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


# Pooling.


def _pooling() -> None:
    st.markdown(
        "Pooling summarises each window of a feature map by one number: max pooling keeps the strongest response "
        "(was the pattern anywhere in this window?), average pooling the mean, global average pooling one number "
        "per map. It has no weights to learn."
    )
    kinds = {"max": "Max", "average": "Average", "global_average": "Global average"}
    first, second, third, fourth = st.columns(4)
    kind = first.radio("Pooling", list(POOLING_KINDS), format_func=kinds.get, key=Learn.POOL_KIND)
    size = second.slider("Map size", 4, 8, 6, key=Learn.POOL_SIZE)
    window = third.radio("Window", [2, 3], horizontal=True, key=Learn.POOL_WINDOW, disabled=kind == "global_average")
    stride = fourth.radio("Stride", [1, 2, 3], index=1, horizontal=True, key=Learn.POOL_STRIDE)
    seed = st.number_input(
        "Map number (a new random map each)", 0, 999, 0, key=Learn.POOL_SEED, width=components.NUMBER_WIDTH
    )
    values = example_map(int(seed), size)
    if kind != "global_average" and stride > window:
        st.caption(f"With a stride above the window ({stride} > {window}) some values are never looked at.")
    output = pool2d(values, kind, window, stride)
    shared = (float(values.min()), float(values.max()))  # one colour scale: a pooled value looks like its source
    if kind == "global_average":
        left, right = st.columns(2)
        components.chart(
            number_grid(values, "feature map", "Blues", centre=False, value_range=shared),
            Learn.POOL_INPUT,
            alt=f"A {size}x{size} feature map of numbers.",
            container=left,
        )
        components.chart(
            number_grid(output, "global average", "Blues", centre=False, value_range=shared),
            Learn.POOL_OUTPUT,
            alt=f"Its global average: one number, {float(output[0, 0]):.2f}.",
            container=right,
        )
        st.markdown(f"One number per map: the mean of its {size * size} values, {cell_number(float(output[0, 0]))}.")
        return
    out_h, out_w = output.shape
    position = st.slider("Output cell (row-major)", 0, out_h * out_w - 1, 0, key=Learn.POOL_CELL)
    row, col = divmod(int(position), out_w)
    (top, left_edge), patch = window_values(values, row, col, window, stride)
    left, right = st.columns(2)
    window_outline = cell_outline(top, left_edge, window, window)
    components.chart(
        number_grid(values, "feature map", "Blues", centre=False, shapes=[window_outline], value_range=shared),
        Learn.POOL_INPUT,
        alt=f"A {size}x{size} feature map of numbers, the {window}x{window} window at row {top}, column "
        f"{left_edge} outlined.",
        container=left,
    )
    components.chart(
        number_grid(
            output,
            f"{kinds[kind].lower()} pooled",
            "Blues",
            centre=False,
            shapes=[cell_outline(row, col)],
            value_range=shared,
        ),
        Learn.POOL_OUTPUT,
        alt=f"The pooled map, {out_h}x{out_w}, cell ({row}, {col}) outlined: {float(output[row, col]):.2f}.",
        container=right,
    )
    summary = "max" if kind == "max" else "mean"
    numbers = ", ".join(f"{value:g}" for value in patch.ravel())
    st.markdown(f"Cell ({row}, {col}): {summary}({numbers}) = **{cell_number(float(output[row, col]))}**")
    st.markdown(_size_formula(size, window, stride, "valid", "window"))


# Dense and softmax.


def _model_image(input_shape, dataset) -> tuple[np.ndarray | None, str, list[str], int | None]:
    """The image to follow: the one from Inspect if it fits, else a test image picked here (with its class)."""
    source = network.sample_dataset(dataset, input_shape)
    class_names = list(source.class_names) if source is not None else []
    remembered = state.remembered_image(input_shape)
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


class _Followed(NamedTuple):
    """The network in hand and the image a topic follows through it."""

    model: Any
    info: Any
    x: np.ndarray
    what: str
    where: str
    class_names: list[str]
    true_label: int | None


def _followed() -> _Followed | None:
    """The network in hand and its image (``_model_image``), or None once the page has said why there is none."""
    model, info, dataset, what = network.choose(Learn.EPOCH)
    if model is None:
        say("warning", what)
        return None
    x, where, class_names, true_label = _model_image(info.input_shape, dataset)
    if x is None:
        return None
    return _Followed(model, info, x, what, where, class_names, true_label)


def _dense() -> None:
    from visualizer.backend.steps import dense_step

    st.markdown(
        "The last layer gives every class a score, its **logit**: each input times its weight for that class, "
        "all added up, plus the class's bias. Softmax then turns the logits into probabilities: "
        "$p_i = e^{z_i} / \\sum_j e^{z_j}$."
    )
    followed = _followed()
    if followed is None:
        return
    model, _, x, what, where, class_names, _ = followed
    try:
        step = dense_step(model, x)
    except InputError as error:
        say("info", error)
        return
    st.caption(f"{what}; {where}. Layer {step.layer_name}: {len(step.inputs)} inputs x {len(step.bias)} classes.")
    names = class_labels(class_names, len(step.bias))
    temperature = st.slider(
        "Softmax temperature (1 = what the network uses)", 0.1, 5.0, 1.0, 0.1, key=Learn.TEMPERATURE
    )
    probabilities = softmax(step.logits, temperature) if temperature != 1.0 else step.probabilities
    components.chart(
        logits_figure(step.logits, probabilities, names),
        Learn.LOGITS_CHART,
        alt="Each class's logit and its softmax probability: "
        + ", ".join(f"{name} {probability:.0%}" for name, probability in zip(names, probabilities, strict=True)),
    )
    if temperature != 1.0:
        st.caption(f"Probabilities at temperature {temperature:g}: below 1 sharpens them, above 1 flattens them.")
    chosen = st.selectbox(
        "Explain the logit of",
        range(len(step.bias)),
        index=int(np.argmax(step.logits)),
        format_func=names.__getitem__,
        key=Learn.DENSE_CLASS,
    )
    contributions = step.contributions(chosen)
    components.chart(
        contributions_figure(contributions, float(step.bias[chosen]), f"logit of {names[chosen]}, term by term"),
        Learn.CONTRIBUTIONS_CHART,
        alt=f"A waterfall of the largest input x weight terms adding up, with the bias, to the logit of "
        f"{names[chosen]}.",
    )
    terms = softmax_terms(step.logits, chosen, temperature)
    scaled = "z - z_{max}" if temperature == 1.0 else f"(z - z_{{max}}) / {temperature:g}"
    scaled_j = "z_j - z_{max}" if temperature == 1.0 else f"(z_j - z_{{max}}) / {temperature:g}"
    # KaTeX reads a bare % as the start of a comment: the percent sign is written \%.
    st.markdown(
        f"$z_{{{names[chosen]}}} = \\sum_i x_i w_i + b = {contributions.sum():.3f} + ({step.bias[chosen]:.3f}) "
        f"= {step.logits[chosen]:.3f}$, and $p = e^{{{scaled}}} / \\sum_j e^{{{scaled_j}}} = "
        f"{terms.numerator:.3f} / {terms.denominator:.3f} = {100 * terms.probability:.1f}\\%$."
    )


# Dropout.


def _dropout() -> None:
    st.markdown(
        "While training, dropout zeroes each unit with probability $p$ and multiplies the survivors by "
        "$1/(1-p)$ (*inverted dropout*), so the expected value of every unit stays the same. At inference "
        "nothing is dropped and nothing is scaled."
    )
    first, second = st.columns(2)
    rate = first.slider("Rate p", 0.0, 0.9, 0.5, 0.05, key=Learn.DROPOUT_RATE)
    mask_seed = second.number_input("Mask number (a new random mask each)", 0, 9999, 0, key=Learn.DROPOUT_SEED)
    followed = _followed()
    if followed is None:
        return
    model, info, x, what, where, class_names, _ = followed
    from visualizer.backend.dropout import dropout_input, dropout_predictions
    from visualizer.backend.forward import predict

    entering = dropout_input(model, x)
    sample = apply_dropout(entering.values, rate, int(mask_seed))
    units = len(sample.values)
    st.caption(f"The first {units} units entering {entering.layer_name}, {what}; {where}.")
    components.chart(
        dropout_figure(sample.values, sample.kept, sample.scale),
        Learn.DROPOUT_CHART,
        alt=f"Bars of the {units} units before and after dropout: {sample.dropped} dropped to zero, the others "
        f"scaled by {sample.scale:.2f}.",
    )
    st.markdown(
        f"{sample.dropped} of {units} units dropped this time (expected {rate:.0%}); the sum before "
        f"dropout is {sample.values.sum():.2f}, after it {float(sample.output.sum()):.2f}: equal on average "
        "over masks, different for each one."
    )

    st.subheader("The spread of predictions with dropout left on")
    own = info.names("dropout")
    try:
        if own:
            st.markdown(
                f"This network's own dropout ({', '.join(own)}) left switched on at prediction time, 50 times: the "
                "spread shows how much the answer depends on which units happen to survive (Monte Carlo dropout)."
            )
            samples = dropout_predictions(model, x, samples=50, seed=int(mask_seed))
        else:
            st.markdown(
                f"This network has no Dropout layer, so dropout at rate {rate:.2f} is applied to its last layer's "
                "input, 50 times. Add a Dropout layer on the Build page to train with it."
            )
            samples = dropout_predictions(model, x, samples=50, rate=rate, seed=int(mask_seed))
    except InputError as error:
        say("info", error)
        return
    reference = predict(model, x)
    labels = class_labels(class_names, samples.shape[1])
    components.chart(
        prediction_spread_figure(samples, reference, labels),
        Learn.SPREAD_CHART,
        alt="Each class's probability in the 50 dropout samples, as dots, with the prediction without dropout.",
    )
    st.caption(
        f"{agreement(samples, reference):.0%} of the 50 dropout samples give the same answer as the network "
        "without dropout."
    )


SKIP_PRESET = "deep_residual"


def _load_skip_comparison() -> None:
    if not state.is_locked("stack") and state.current_spec()[0] != PRESETS[SKIP_PRESET]:
        state.replace_spec(PRESETS[SKIP_PRESET])
        state.set_notice("info", f"Your network is now {PRESET_TITLES[SKIP_PRESET]}; Build's Undo brings yours back.")
    state.preset(Compare.VARIANT, "remove_skips")


def _skips() -> None:
    st.markdown(
        "A **residual block** adds its input back to what its layers compute: $y = F(x) + x$. Going back, "
        "the gradient then has two ways through every block: through the layers, and straight along the "
        "skip connection. In a deep plain stack it has only the first, and it can fade layer after layer "
        "before it reaches the first layers, which then barely learn."
    )
    seed = int(st.number_input("Starting weights (seed)", 0, 99, 0, key=Learn.SKIP_SEED, width=components.NUMBER_WIDTH))
    measured = cache.skip_comparison(SKIP_PRESET, seed)
    depth = len(measured.residual)
    components.chart(
        layer_gradient_figure(
            {
                "with skip connections": [(item.layer_name, item.rms) for item in measured.residual],
                "plain stack, same layers": [(item.layer_name, item.rms) for item in measured.plain],
            }
        ),
        Learn.SKIP_CHART,
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
        key=Learn.SKIP_COMPARE,
        on_click=_load_skip_comparison,
        icon=":material/compare_arrows:",
        help=f"Makes {PRESET_TITLES[SKIP_PRESET]} your network (Build's Undo brings yours back) and opens Compare "
        "with the plain stack of the same layers as the other network.",
    ):
        st.switch_page(PAGE_FILES["compare"])


# Backpropagation.


def _backprop() -> None:
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
    followed = _followed()
    if followed is None:
        return
    model, info, x, what, where, class_names, true_label = followed
    st.caption(f"{what}; {where}. The same step for the image in hand is a tab of the Inspect page.")
    from visualizer.backend.forward import predict

    training_step_view(model, info, x, predict(model, x), class_names, true_label, Learn.STEP)


RENDERERS = {  # one per topic of ``VIEWS`` (and ``lessons.LEARN_VIEWS``)
    "concepts": _concepts,
    "activations": _activations,
    "kernels": _kernels,
    "pooling": _pooling,
    "dense": _dense,
    "dropout": _dropout,
    "skips": _skips,
    "backprop": _backprop,
}


def render() -> None:
    st.title("Learn")
    st.caption("The ideas behind a CNN, each one live, and tied to the network you built.")
    # ?view=kernels opens a topic (Streamlit's own binding would put the title, not the slug, in the URL).
    requested = st.query_params.get(state.VIEW_PARAM)
    if requested in VIEWS and state.value(Learn.VIEW) is None:
        state.preset(Learn.VIEW, requested)
    view = st.segmented_control(
        "Topic",
        list(VIEWS),
        default=LEARN_VIEWS[0],
        required=True,
        format_func=VIEWS.__getitem__,
        key=Learn.VIEW,
        label_visibility="collapsed",
    )
    view = view or LEARN_VIEWS[0]
    st.query_params[state.VIEW_PARAM] = view
    RENDERERS[view]()


if __name__ == "__main__":
    render()
