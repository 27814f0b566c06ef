"""Inspect tab: Adversarial examples: FGSM and PGD within epsilon, and the smallest epsilon that flips the answer."""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer.data.dataset import class_label
from visualizer.figures.classes import probabilities_figure
from visualizer.figures.maps import (
    input_figure,
)
from visualizer.ui import components
from visualizer.ui.inspect.base import Seen, Tab


class Keys:
    """The widgets of the fragility tab."""

    EPSILON = "inspect_adv_epsilon"
    METHOD = "inspect_adv_method"
    STEPS = "inspect_adv_steps"
    TARGET = "inspect_adv_target"
    ORIGINAL = "inspect_adv_original"
    CHANGE = "inspect_adv_change"
    CHANGED = "inspect_adv_changed"
    BARS = "inspect_adv_bars"
    SMALLEST = "inspect_adv_smallest"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.adversarial import adversarial, smallest_flipping_epsilon

    model, x, class_names, probabilities = seen.model, seen.x, seen.class_names, seen.probabilities
    st.caption(
        "Change every pixel by at most epsilon, in the direction that hurts the prediction most (the sign of the "
        "loss's gradient): a change too small to see can flip the answer. FGSM takes one step; PGD several, "
        "each kept within epsilon of the image."
    )
    top = int(probabilities.argmax())
    epsilon_col, method_col, steps_col, target_col = st.columns([1.4, 1, 1, 1.4])
    epsilon = epsilon_col.slider("Epsilon (largest change per pixel)", 0.0, 0.3, 0.05, 0.005, key=Keys.EPSILON)
    method = method_col.radio("Attack", ["fgsm", "pgd"], format_func=str.upper, key=Keys.METHOD)
    steps = steps_col.number_input(
        "PGD steps", 1, 40, 10, key=Keys.STEPS, disabled=method == "fgsm", width=components.NUMBER_WIDTH
    )
    classes = list(range(len(probabilities)))
    target = target_col.selectbox(
        "Push it towards",
        [None, *[index for index in classes if index != top]],
        format_func=lambda index: "any other class" if index is None else class_label(class_names, index),
        key=Keys.TARGET,
    )
    attack = adversarial(model, x, epsilon, method=method, steps=int(steps), target=target)
    visible = np.clip(0.5 + attack.perturbation / (2 * max(epsilon, 1e-6)), 0.0, 1.0)
    original, change, changed = st.columns(3)
    for column, picture, title, key, alt in (
        (original, x, "the image", Keys.ORIGINAL, "The image as the network sees it."),
        (
            change,
            visible,
            f"the change, amplified {0.5 / max(epsilon, 1e-6):,.0f}x",
            Keys.CHANGE,
            "The change made to every pixel, amplified to be seen: grey is none, light raised, dark lowered.",
        ),
        (changed, attack.x_adv, "the changed image", Keys.CHANGED, "The image after the attack."),
    ):
        components.chart(input_figure(picture, title), key, alt=alt, container=column)
    after = int(attack.probabilities_after.argmax())
    verdict = "The answer flipped" if after != top else "The answer held"
    st.markdown(
        f"**{verdict}**: {class_label(class_names, top)} ({probabilities[top]:.0%}) before, "
        f"**{class_label(class_names, after)}** ({attack.probabilities_after[after]:.0%}) after; "
        f"no pixel changed by more than {epsilon:.3f} ({epsilon * 255:.0f} of 255 grey levels)."
    )
    components.chart(
        probabilities_figure(attack.probabilities_after, class_names),
        Keys.BARS,
        alt="The class probabilities for the changed image.",
    )
    if st.button("Find the smallest epsilon that flips it", key=Keys.SMALLEST, icon=":material/search:"):
        with st.spinner("Bisecting epsilon..."):
            found = smallest_flipping_epsilon(model, x, method=method, steps=int(steps))
        if found is None:
            st.info(f"Even epsilon 1 does not flip this prediction with {method.upper()}.")
        else:
            st.success(
                f"The smallest epsilon that flips it with {method.upper()}: **{found:.3f}** "
                f"({found * 255:.1f} of 255 grey levels per pixel), found by bisection to 0.001."
            )


TAB = Tab(__name__, render, Keys)
