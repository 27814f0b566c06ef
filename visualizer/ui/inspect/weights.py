"""Inspect tab: Weights and gradients over the epochs, per layer, as histograms."""

from __future__ import annotations

import streamlit as st

from visualizer.figures.histograms import histogram_heatmap
from visualizer.ui import cache, components
from visualizer.ui.inspect.base import Seen, Tab


class Keys:
    """The widgets of the weights tab."""

    LAYER = "inspect_weights_layer"
    WEIGHTS_CHART = "inspect_weights_chart"
    GRADIENTS_CHART = "inspect_gradients_chart"


def _gradient_series(seen: Seen) -> tuple[list, list[int], str] | None:
    """The gradients per epoch the Weights tab shows, their epochs and where they come from (None: no labels)."""
    from visualizer.backend.gradients import batch_gradients

    run = seen.run
    if run is not None and run.gradients:
        return (
            run.gradients,
            list(range(1, len(run.gradients) + 1)),
            ("each epoch's last training batch, as the optimizer applied them"),
        )
    if run is not None and run.shipped:
        count = min(cache.GRADIENT_IMAGES, len(run.dataset.y_train))
        return (
            cache.shipped_gradients(run.name),
            list(range(len(run.checkpoints))),
            (
                f"the first {count} training images at each epoch's weights (dropout off): its training did not "
                "record them"
            ),
        )
    dataset = seen.dataset
    if dataset is None or dataset.num_classes != len(seen.probabilities):
        return None
    images, labels = dataset.x_train[: cache.GRADIENT_IMAGES], dataset.y_train[: cache.GRADIENT_IMAGES]
    return [batch_gradients(seen.model, images, labels)], [0], f"{len(labels)} training images of {dataset.name}"


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.info import weights_of
    from visualizer.numerics.histograms import gather, histograms_over_epochs

    layers = [item for item in seen.info.layers if item.weights]
    if not layers:
        st.info("This network has no weights: nothing to look at.")
        return
    by_name = {item.name: item for item in layers}
    name = st.selectbox(
        "Layer",
        list(by_name),
        key=Keys.LAYER,
        format_func=lambda layer: f"{layer} ({by_name[layer].params:,} weights)",
    )
    layer = by_name[name]
    run = seen.run
    checkpoints = run.checkpoints if run is not None else [weights_of(seen.model)]
    weights = histograms_over_epochs(
        [gather(checkpoint, layer.weights) for checkpoint in checkpoints], range(len(checkpoints))
    )
    series = _gradient_series(seen)
    gradients = None
    if series is not None and layer.trainable:
        values, epochs, where = series
        gradients = histograms_over_epochs([gather(epoch, layer.trainable) for epoch in values], epochs)
    st.caption(
        "Each column is one epoch: the colour counts the layer's values near each height (a log scale, so the "
        "few large ones show too). Weights spread out as the layer learns; the gradients show how hard each epoch "
        "pushed them, and in which direction."
    )
    left, right = st.columns(2)
    marked = seen.epoch if run is not None else None
    first, last = weights.epochs[0], weights.epochs[-1]
    components.chart(
        histogram_heatmap(
            weights.edges, weights.counts, weights.epochs, f"Weights of {name}", "weight", marked_epoch=marked
        ),
        Keys.WEIGHTS_CHART,
        alt=f"The distribution of the {layer.params:,} weights of {name} at each epoch from {first} to {last}; "
        f"their root mean square goes from {weights.rms[0]:.3g} to {weights.rms[-1]:.3g}.",
        container=left,
    )
    if gradients is None:
        right.info(
            "No gradients here: they need labelled training images of this network's classes."
            if layer.trainable
            else "This layer has no trainable weights (a normalisation layer's running statistics): no gradients."
        )
    else:
        components.chart(
            histogram_heatmap(
                gradients.edges,
                gradients.counts,
                gradients.epochs,
                f"Gradients of {name}",
                "gradient",
                marked_epoch=marked,
            ),
            Keys.GRADIENTS_CHART,
            alt=f"The distribution of the gradients of {name}'s trainable weights at each epoch from "
            f"{gradients.epochs[0]} to {gradients.epochs[-1]}; their root mean square goes from "
            f"{gradients.rms[0]:.3g} to {gradients.rms[-1]:.3g}.",
            container=right,
        )
    text = f"Weights: root mean square {weights.rms[0]:.3g} at epoch {first}"
    text += f", {weights.rms[-1]:.3g} at epoch {last}." if last != first else "."
    if gradients is not None:
        text += f" Gradients ({where}): root mean square {gradients.rms[0]:.3g} at epoch {gradients.epochs[0]}" + (
            f", {gradients.rms[-1]:.3g} at epoch {gradients.epochs[-1]}." if len(gradients.epochs) > 1 else "."
        )
    st.markdown(text)


TAB = Tab(__name__, render, Keys, any_model=True)
