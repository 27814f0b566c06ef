"""Learn topic: the last dense layer's logits term by term, and softmax with a temperature."""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer.data.dataset import class_labels
from visualizer.errors import InputError
from visualizer.figures.learn import (
    contributions_figure,
    logits_figure,
)
from visualizer.numerics.softmax import softmax, softmax_terms
from visualizer.ui import components
from visualizer.ui.learn.base import Topic, in_hand
from visualizer.ui.text import say


class Keys:
    """The widgets of the dense topic."""

    TEMPERATURE = "learn_temperature"
    LOGITS_CHART = "learn_logits_chart"
    CLASS = "learn_dense_class"
    CONTRIBUTIONS_CHART = "learn_contributions_chart"


def render() -> None:
    """Draws the topic."""
    from visualizer.backend.steps import dense_step

    st.markdown(
        "The last layer gives every class a score, its **logit**: each input times its weight for that class, "
        "all added up, plus the class's bias. Softmax then turns the logits into probabilities: "
        "$p_i = e^{z_i} / \\sum_j e^{z_j}$."
    )
    followed = in_hand()
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
    temperature = st.slider("Softmax temperature (1 = what the network uses)", 0.1, 5.0, 1.0, 0.1, key=Keys.TEMPERATURE)
    probabilities = softmax(step.logits, temperature) if temperature != 1.0 else step.probabilities
    components.chart(
        logits_figure(step.logits, probabilities, names),
        Keys.LOGITS_CHART,
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
        key=Keys.CLASS,
    )
    contributions = step.contributions(chosen)
    components.chart(
        contributions_figure(contributions, float(step.bias[chosen]), f"logit of {names[chosen]}, term by term"),
        Keys.CONTRIBUTIONS_CHART,
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


TOPIC = Topic(__name__, render, Keys)
