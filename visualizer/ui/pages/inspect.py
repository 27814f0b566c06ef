"""The Inspect page: the whole network on one screen for one image, then any part of it in detail, at any epoch.

First a pinned header (the network, the epoch, the image, the prediction), then the
overview (every layer's maps; hover a map to see what it is computed from, click it to
open it), then the tabs of details (``ui/inspect/``, one module each), computed only
when opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from visualizer.data.dataset import class_label
from visualizer.data.familiarity import MAX_REFERENCE, Familiarity, familiarity
from visualizer.data.images import from_drawing, looks_dark_on_light, to_model_input
from visualizer.model.checks import counted, format_shape
from visualizer.ui import cache, components, network, session
from visualizer.ui.components.overview import network_overview, overview_payload
from visualizer.ui.inspect import TABS, Seen
from visualizer.ui.inspect.base import default_pick
from visualizer.ui.keys import Inspect
from visualizer.ui.pages import PAGE_FILES
from visualizer.ui.text import plain, say

if TYPE_CHECKING:  # types only: the pages reach the backend inside functions
    from visualizer.data.dataset import Dataset

SOURCES = ["Test image", "Upload", "Draw"]
FITS = {"crop": "crop the centre", "pad": "fit whole, pad the edges", "stretch": "stretch"}
# (Comments, not docstrings: Streamlit shows a page script's bare strings.)
# Less room above the page, and the header pinned while the details scroll.
PAGE_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 3.1rem; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-{Inspect.PINNED}) {{ position: sticky; top: 3.75rem; z-index: 990;
  background: var(--st-background-color, #fff); border-bottom: 1px solid #e6e9ef; padding-bottom: 0.35rem; }}
</style>
"""


def _image_input(input_shape, dataset, chooser) -> tuple[np.ndarray | None, str]:
    """The model input (H, W, C) the person chose, and where it came from; the choice itself is in ``chooser``."""
    source = chooser.radio("Image", SOURCES, horizontal=True, key=Inspect.SOURCE)
    if source == SOURCES[0]:
        if dataset is None:
            st.info(f"No test images of {format_shape(input_shape)} here: upload or draw one.")
            return None, ""
        index = st.number_input(
            "Test image number",
            0,
            len(dataset.y_test) - 1,
            0,
            key=Inspect.SAMPLE,
            help=f"From 0 to {len(dataset.y_test) - 1}: the test images of {dataset.name}, never seen in training.",
        )
        label = dataset.class_names[int(dataset.y_test[index])]
        return dataset.x_test[int(index)], f"test image {index} of {plain(dataset.name, 60)} (a {plain(label, 40)})"
    if source == SOURCES[1]:
        image, name = components.image_upload(Inspect.UPLOAD)
        return (None, "") if image is None else _prepared(image, input_shape, name)
    return _drawn(input_shape)


def _prepared(image, input_shape, name: str) -> tuple[np.ndarray, str]:
    suggested = input_shape[2] == 1 and looks_dark_on_light(image)
    invert = st.checkbox(
        "Invert (light strokes on dark, as the digits are)",
        value=suggested,
        key=Inspect.invert(name),
        help="Suggested automatically for dark-on-light pictures.",
    )
    fit = st.radio(
        f"Resize {image.width}x{image.height} to the model's {input_shape[1]}x{input_shape[0]}",
        list(FITS),
        format_func=FITS.__getitem__,
        horizontal=True,
        key=Inspect.FIT,
    )
    colour = "grayscale" if input_shape[2] == 1 else "colour"
    caption = f"{plain(name, 60)}: {image.width}x{image.height} {image.mode}, {FITS[fit]}, {colour}" + (
        ", inverted" if invert else ""
    )
    return to_model_input(image, input_shape, invert=invert, fit=fit), caption


def _drawn(input_shape) -> tuple[np.ndarray | None, str]:
    from streamlit_drawable_canvas import st_canvas

    st.caption("Draw with the mouse: white on black, like the digits.")
    canvas = st_canvas(
        stroke_width=18,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=224,
        width=224,
        drawing_mode="freedraw",
        key=Inspect.CANVAS,
        return_image_data=True,
    )
    image = from_drawing(getattr(canvas, "image_data", None))
    if image is None:
        return None, ""
    return to_model_input(image, input_shape), "your drawing"


def _familiarity(x: np.ndarray, dataset: Dataset | None) -> Familiarity | None:
    """How far a picture the person brought is from the network's training images (None for its test images)."""
    if dataset is None or tuple(dataset.image_shape) != tuple(x.shape) or session.value(Inspect.SOURCE) == SOURCES[0]:
        return None
    return familiarity(x, cache.data_reference(dataset, f"{dataset.name}-{id(dataset)}"))


def _pinned_prediction(
    x: np.ndarray, probabilities: np.ndarray, class_names: list[str], where: str, known: Familiarity | None = None
) -> None:
    """What the model sees and what it answers, small enough to stay in view; a word when the picture is unlike
    anything it learned from (``known``: a ``Familiarity``)."""
    picture, verdict = st.columns([1, 2.2], vertical_alignment="center")
    picture.image(
        np.clip(x, 0.0, 1.0) if x.shape[2] != 1 else np.clip(x[:, :, 0], 0.0, 1.0),
        width=92,
        alt=f"What the model sees: {where}, {format_shape(x.shape)}.",
    )
    top = int(probabilities.argmax())
    runner_up = np.argsort(-probabilities)[1:3]
    others = ", ".join(
        f"{plain(class_label(class_names, int(i)), 40)} ({probabilities[int(i)]:.0%})" for i in runner_up
    )
    verdict.markdown(f"**Prediction: {plain(class_label(class_names, top), 40)}** ({probabilities[top]:.0%})")
    verdict.caption(f"Next: {others}. The model sees {where}.")
    if known is not None and known.unusual:
        verdict.caption(
            f":material/warning: This picture is unlike the images the network learned from. It can only choose "
            f"among its {counted(len(probabilities), 'class')}, so it answers anyway: "
            f"{probabilities[top]:.0%} is how sure it is, not how right.",
            help=f"Measured as the root-mean-square pixel difference to the nearest of "
            f"{counted(MAX_REFERENCE, 'training image')}: {known.distance:.2f} for this picture, "
            f"{known.usual:.2f} for a typical test image; above {known.limit:.2f} a picture is called unlike the "
            "data (farther than nearly every test image). A simple measure: it catches a photo on the digits "
            "network, not every subtle difference.",
        )


def _overview(seen: Seen) -> None:
    from visualizer.backend.forward import feature_maps, kernels

    info = seen.info
    payload = overview_payload(
        seen.x,
        info.layers,
        feature_maps(seen.model, seen.x),
        seen.probabilities,
        seen.class_names,
        kernels={name: kernels(seen.model, name) for name in info.names("kernel")},
        selected=session.picked_item(info.names()) or default_pick(info),
    )
    scale = components.text_scale()
    network_overview(payload, key=Inspect.OVERVIEW, height=0, scale=scale)
    st.caption(
        "Every layer of the network for this image, left to right. Hover a map or a bar to see the maps it is "
        "computed from (and a convolution's kernel); click it to open it in Step by step below."
    )


def _missing_views_note(info) -> str:
    """Why some views are not shown for a network the app cannot follow layer by layer."""
    unknown = [
        f"{plain(layer.name, 40)} ({plain(layer.keras_class, 40)})" for layer in info.layers if layer.kind == "other"
    ]
    if unknown:
        why = "it has layers the app does not know: " + ", ".join(unknown[:4]) + ("..." if len(unknown) > 4 else "")
    else:
        why = "it does not end in a dense layer of class scores"
    return (
        f"Some views are not shown for this model because {why}. The steps, Grad-CAM and saliency and kernel "
        "surgery and the adversarial examples need every layer's arithmetic; maps, kernels and input probes work "
        "on any model."
    )


def render() -> None:
    st.html(PAGE_CSS)
    locked = session.is_locked("model")
    heading, upload = st.columns([3, 1], vertical_alignment="bottom")
    heading.markdown("### Inspect: follow one image through the network")
    if not (session.presenter() or locked):
        with upload.popover("Your .keras model", icon=":material/upload_file:", width="stretch"):
            network.model_uploader()
    components.pending_notice()
    choice, image_source, image = st.columns([1.45, 1.0, 0.7], vertical_alignment="top")
    with choice:
        source = network.pick(selector=not locked)
    if not source.found:
        say("error", source.what)
        st.page_link(PAGE_FILES["build"], label="Fix it on the Build page", icon=":material/construction:")
        return
    sample_source = network.sample_dataset(source.dataset, network.input_shape(source))
    class_names = list(sample_source.class_names) if sample_source is not None else []
    with image:
        x, where = _image_input(network.input_shape(source), sample_source, image_source)
    if x is None:
        return
    with st.container(key=Inspect.PINNED):
        result, epoch = st.columns([1.25, 1], vertical_alignment="center")
        with epoch:
            model, info, _, what = network.at_epoch(source, Inspect.EPOCH)
        from visualizer.backend.forward import predict

        probabilities = predict(model, x)
        with result:
            _pinned_prediction(x, probabilities, class_names, where, _familiarity(x, sample_source))
        epoch.caption(f"Looking at {what}.")
    if session.model_choice() == "untrained":
        st.page_link(PAGE_FILES["train"], label="Train it first for meaningful maps", icon=":material/model_training:")
    session.remember_image(x, where)
    final = source.run.model if source.run is not None else model
    shown_epoch = session.value(Inspect.EPOCH) if source.run is not None else None
    true_label = None
    if sample_source is not None and session.value(Inspect.SOURCE, SOURCES[0]) == SOURCES[0]:
        true_label = int(sample_source.y_test[int(session.value(Inspect.SAMPLE, 0))])
    seen = Seen(model, info, x, class_names, probabilities, sample_source, final, source.run, shown_epoch, true_label)
    _overview(seen)
    if not info.supported:
        st.info(_missing_views_note(info))
    shown = [tab for tab in TABS if tab.applies(info) and session.shows(tab.id)]
    if not shown:
        return
    drawn = st.tabs([tab.title for tab in shown], key=Inspect.TABS, on_change="rerun")
    for tab, container in zip(shown, drawn, strict=True):
        if container.open:
            with container:
                tab.render(seen)
    if session.lesson() is not None and session.lesson().show:
        st.caption("This lesson shows only some sections; leave the lesson (sidebar) to see them all.")


if __name__ == "__main__":
    render()
