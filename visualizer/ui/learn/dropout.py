"""Learn topic: random masks and their scaling, and the spread of predictions with dropout left on."""

from __future__ import annotations

import streamlit as st

from visualizer.data.dataset import class_labels
from visualizer.errors import InputError
from visualizer.figures.learn import (
    dropout_figure,
    prediction_spread_figure,
)
from visualizer.numerics.dropout import agreement, apply_dropout
from visualizer.ui import components
from visualizer.ui.learn.base import Topic, in_hand
from visualizer.ui.text import say


class Keys:
    """The widgets of the dropout topic."""

    RATE = "learn_dropout_rate"
    SEED = "learn_dropout_seed"
    CHART = "learn_dropout_chart"
    SPREAD_CHART = "learn_spread_chart"


def render() -> None:
    """Draws the topic."""
    st.markdown(
        "While training, dropout zeroes each unit with probability $p$ and multiplies the survivors by "
        "$1/(1-p)$ (*inverted dropout*), so the expected value of every unit stays the same. At inference "
        "nothing is dropped and nothing is scaled."
    )
    first, second = st.columns(2)
    rate = first.slider("Rate p", 0.0, 0.9, 0.5, 0.05, key=Keys.RATE)
    mask_seed = second.number_input("Mask number (a new random mask each)", 0, 9999, 0, key=Keys.SEED)
    followed = in_hand()
    if followed is None:
        return
    model, _info, x, what, where, class_names, _ = followed
    from visualizer.backend.dropout import dropout_input, dropout_layers, dropout_predictions
    from visualizer.backend.forward import predict

    entering = dropout_input(model, x)
    sample = apply_dropout(entering.values, rate, int(mask_seed))
    units = len(sample.values)
    st.caption(f"The first {units} units entering {entering.layer_name}, {what}; {where}.")
    components.chart(
        dropout_figure(sample.values, sample.kept, sample.scale),
        Keys.CHART,
        alt=f"Bars of the {units} units before and after dropout: {sample.dropped} dropped to zero, the others "
        f"scaled by {sample.scale:.2f}.",
    )
    st.markdown(
        f"{sample.dropped} of {units} units dropped this time (expected {rate:.0%}); the sum before "
        f"dropout is {sample.values.sum():.2f}, after it {float(sample.output.sum()):.2f}: equal on average "
        "over masks, different for each one."
    )

    st.subheader("The spread of predictions with dropout left on")
    own = dropout_layers(model)
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
        Keys.SPREAD_CHART,
        alt="Each class's probability in the 50 dropout samples, as dots, with the prediction without dropout.",
    )
    st.caption(
        f"{agreement(samples, reference):.0%} of the 50 dropout samples give the same answer as the network "
        "without dropout."
    )


TOPIC = Topic(__name__, render, Keys)
