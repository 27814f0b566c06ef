"""Inspect tab: The embedding: the test images placed by one layer's values (PCA or t-SNE), a click picks one."""

from __future__ import annotations

import streamlit as st

from visualizer.figures.embedding import embedding_figure
from visualizer.model.checks import counted
from visualizer.ui import components, session
from visualizer.ui.inspect.base import MAX_TEST_IMAGES, Seen, Tab
from visualizer.ui.keys import Inspect


class Keys:
    """The widgets of the embedding tab."""

    LAYER = "inspect_embedding_layer"
    METHOD = "inspect_embedding_method"
    CHART = "inspect_embedding_chart"


def _pick_embedded_image() -> None:
    index = components.clicked_customdata(session.value(Keys.CHART))
    if index:
        session.preset(Inspect.SOURCE, "Test image")
        session.preset(Inspect.SAMPLE, int(index[0]))


def render(seen: Seen) -> None:
    """Draws the tab for the image in ``seen``."""
    from visualizer.backend.embedding import embedding, embedding_layer, features, projection_of, separation
    from visualizer.backend.forward import predict_many

    model, info, class_names = seen.model, seen.info, seen.class_names
    dataset = seen.dataset
    if dataset is None:
        st.info("The embedding places the test images of a dataset this network takes: none fits its input.")
        return
    count = min(len(dataset.x_test), MAX_TEST_IMAGES)
    images, labels = dataset.x_test[:count], dataset.y_test[:count]
    layers = [item.name for item in info.layers[:-1] if item.traits.features]
    default = embedding_layer(model)
    layer_col, method_col = st.columns([1.4, 1])
    options = layers if default in layers else [default, *layers]
    layer = layer_col.selectbox(
        "Layer",
        options,
        index=options.index(default),
        key=Keys.LAYER,
        help="Each test image's values at this layer, one point each (the layer before the output by default).",
    )
    method = method_col.radio(
        "Projection",
        ["pca", "tsne"],
        format_func={"pca": "PCA (same axes at every epoch)", "tsne": "t-SNE (seed 0, slower)"}.get,
        key=Keys.METHOD,
        horizontal=True,
    )
    if method == "pca":
        projection = projection_of(seen.final, images, layer)  # fitted once on the final network, kept
        points = projection.apply(features(model, images, layer))
        how = f"PCA fitted on the final network's features ({sum(projection.explained):.0%} of their variance)"
    else:
        with st.spinner("t-SNE on the test images..."):
            points = embedding(model, images, layer, method="tsne", seed=0)
        how = "t-SNE (seed 0), fitted at this epoch: its axes mean nothing across epochs"
    predicted = predict_many(model, images).argmax(axis=1)
    mistakes = int((predicted != labels).sum())
    components.chart(
        embedding_figure(points, labels, predicted, class_names, f"{count} test images at {layer}: {how}"),
        Keys.CHART,
        alt=f"The {count} test images as points, one colour per class, crosses for the {mistakes} the network gets "
        "wrong; click one to look at it.",
        on_select=_pick_embedded_image,
        selection_mode="points",
    )
    score = separation(points, labels)
    if score is not None:
        st.markdown(
            f"Separation of the classes in this plane (silhouette score, -1 to 1, higher is further apart): "
            f"**{score:.2f}**; {counted(mistakes, 'mistake')} among the {count} images. Scrub the epochs to watch "
            "the classes pull apart; click a point to look at that image."
        )


TAB = Tab(__name__, render, Keys, any_model=True)
