"""Learn topic: activation functions, their slopes, vanishing gradients and the histograms in your network."""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer.errors import InputError
from visualizer.figures.learn import (
    activation_curves_figure,
    gradient_depth_figure,
    preactivation_figure,
)
from visualizer.model.activations import ACTIVATIONS
from visualizer.model.checks import counted
from visualizer.numerics.activations import curve, flat_fraction, gradient_through_depth, histogram_span
from visualizer.ui import components, network, session
from visualizer.ui.keys import Learn
from visualizer.ui.learn.base import Topic
from visualizer.ui.text import say


class Keys:
    """The widgets of the activations topic."""

    ACTIVATIONS = "learn_activations"
    SLOPE = "learn_slope"
    ALPHA = "learn_alpha"
    RANGE = "learn_range"
    CURVES_CHART = "learn_curves_chart"
    DEPTH = "learn_depth"
    START = "learn_start"
    DEPTH_CHART = "learn_depth_chart"

    @staticmethod
    def histogram(layer: str) -> str:
        """One layer's pre-activation histogram."""
        return f"learn_hist_{layer}"


HISTOGRAM_IMAGES = 128


def _activation_settings(names: list[str]) -> dict[str, dict[str, float]]:
    settings: dict[str, dict[str, float]] = {name: {} for name in names}
    if "leaky_relu" in names:
        default = ACTIVATIONS["leaky_relu"].parameters["negative_slope"]
        settings["leaky_relu"]["negative_slope"] = st.slider(
            "Leaky ReLU negative slope", 0.0, 1.0, default, 0.01, key=Keys.SLOPE
        )
    if "elu" in names:
        default = ACTIVATIONS["elu"].parameters["alpha"]
        settings["elu"]["alpha"] = st.slider("ELU alpha", 0.1, 3.0, default, 0.1, key=Keys.ALPHA)
    return settings


def _title(name: str) -> str:
    return ACTIVATIONS[name].title


def _histogram_batch(dataset, input_shape) -> tuple[np.ndarray | None, str]:
    if dataset is not None and tuple(dataset.image_shape) == tuple(input_shape):
        count = min(HISTOGRAM_IMAGES, len(dataset.y_test))
        return dataset.x_test[:count], f"the first {counted(count, 'test image')} of {dataset.name}"
    remembered = session.remembered_image(input_shape)
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
    job = session.training_job()
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
    job = session.training_job()
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
                Keys.histogram(item.layer_name),
                alt=f"A histogram of the values entering {item.layer_name}'s {_title(item.activation)} under the "
                f"activation's curve: {flat:.0%} of them fall where the curve is flat.",
            )


def render() -> None:
    """Draws the topic."""
    st.markdown(
        "An activation bends each weighted sum. Its **slope** (right) is what backpropagation multiplies the "
        "gradient by on the way back: where it is flat, that unit stops learning."
    )
    names = st.multiselect(
        "Compare",
        list(ACTIVATIONS),
        default=["relu", "sigmoid", "tanh"],
        format_func=_title,
        key=Keys.ACTIVATIONS,
    )
    if not names:
        st.info("Pick at least one activation.")
        return
    settings = _activation_settings(names)
    low, high = st.slider("x range", -10.0, 10.0, (-6.0, 6.0), 0.5, key=Keys.RANGE)
    if low == high:
        st.warning("Pick a range wider than one point.")
        return
    x = np.linspace(low, high, 401)
    curves = {_title(name): curve(name, x, **settings[name]) for name in names}
    components.chart(
        activation_curves_figure(x, curves),
        Keys.CURVES_CHART,
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
    depth = left.slider("Layers", 1, 50, 10, key=Keys.DEPTH)
    start = right.slider("Value entering the first layer", -3.0, 3.0, 0.5, 0.1, key=Keys.START)
    compared = list(dict.fromkeys(["sigmoid", "relu", *names]))
    products = {name: gradient_through_depth(name, depth, start, **settings.get(name, {})) for name in compared}
    components.chart(
        gradient_depth_figure({_title(name): values for name, values in products.items()}),
        Keys.DEPTH_CHART,
        alt=f"How much of the gradient survives after each of {depth} layers, on a log scale, per activation.",
    )
    sigmoid_factor, relu_factor = products["sigmoid"][-1], products["relu"][-1]
    st.caption(
        f"After {depth} layers the gradient is multiplied by {sigmoid_factor:.2g} with sigmoid and by "
        f"{relu_factor:.2g} with ReLU."
    )
    _activations_in_model()


TOPIC = Topic(__name__, render, Keys)
