"""The Inspect page: what the network does with one image, layer by layer, at any epoch."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import numpy as np
import streamlit as st

from visualizer.data.dataset import class_label
from visualizer.data.images import from_drawing, looks_dark_on_light, perturb, to_model_input
from visualizer.figures.animation import sliding_window_animation
from visualizer.figures.classes import probabilities_figure
from visualizer.figures.maps import (
    clickable_map,
    enlarged_map,
    feature_map_grid,
    input_figure,
    kernel_colour_images,
    kernel_grid,
    number_grid,
    overlay_figure,
    vector_figure,
    window_figure,
)
from visualizer.lessons import INSPECT_SECTIONS
from visualizer.model.checks import format_shape
from visualizer.numerics.kernels import CLASSIC_KERNELS, KERNEL_TITLES, kernels_that_fit
from visualizer.ui import components, network, state
from visualizer.ui.pages import PAGE_FILES
from visualizer.ui.state import Inspect

SOURCES = ["A test image", "Upload an image", "Draw"]
FITS = {"crop": "crop the centre", "pad": "fit whole, pad the edges", "stretch": "stretch"}
MAX_SHOWN_MAPS = 32
# (Comments, not docstrings, below: Streamlit shows a page script's bare strings.)
OPENED_KINDS = ("conv2d", "maxpool2d", "avgpool2d")  # layers whose maps are shown open; the others start folded
NO_BAR = {"displayModeBar": False}


# The image.


def _image_input(input_shape, dataset) -> tuple[np.ndarray | None, str]:
    """The model input (H, W, C) the person chose, and where it came from."""
    source = st.radio("Image", SOURCES, horizontal=True, key=Inspect.SOURCE)
    if source == "A test image":
        if dataset is None:
            st.info(f"No test images of {format_shape(input_shape)} here: upload or draw one.")
            return None, ""
        index = st.number_input(
            f"Test image number (0 to {len(dataset.y_test) - 1})", 0, len(dataset.y_test) - 1, 0, key=Inspect.SAMPLE
        )
        label = dataset.class_names[int(dataset.y_test[index])]
        return dataset.x_test[int(index)], f"test image {index} of {dataset.name} (a {label})"
    if source == "Upload an image":
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
    caption = f"{name}: {image.width}x{image.height} {image.mode}, {FITS[fit]}, {colour}" + (
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


# Views: one function per section, each taking what the image and the network give.


class Seen(NamedTuple):
    """One image seen by the network: everything a section needs.

    Attributes:
        model: The network (passed to backend functions, never read here).
        info: Its layers (``NetworkInfo``).
        x: The model input (H, W, C).
        class_names: The classes' names (numbers stand in for the rest).
        probabilities: The network's prediction for ``x``.
    """

    model: Any
    info: Any
    x: np.ndarray
    class_names: list[str]
    probabilities: np.ndarray


def _prediction(model, x, class_names, where: str) -> np.ndarray:
    from visualizer.backend.forward import predict

    probabilities = predict(model, x)
    seen, bars = st.columns([1, 2])
    with seen:
        st.markdown("**What the model sees**")
        st.plotly_chart(input_figure(x, f"{format_shape(x.shape)} input"), key=Inspect.INPUT, config=NO_BAR)
        st.caption(where)
    with bars:
        top = int(probabilities.argmax())
        st.markdown(f"**Prediction: {class_label(class_names, top)}** ({probabilities[top]:.0%})")
        st.plotly_chart(probabilities_figure(probabilities, class_names), key=Inspect.PROBABILITIES, config=NO_BAR)
    return probabilities


def _feature_maps(seen: Seen) -> None:
    from visualizer.backend.forward import feature_maps

    model, info, x = seen.model, seen.info, seen.x
    st.subheader("Feature maps, layer by layer")
    shared = st.toggle(
        "One colour scale per layer (off: each map scaled on its own)", value=True, key=Inspect.SHARED_SCALE
    )
    maps = feature_maps(model, x)
    for layer in info.layers:
        values = maps[layer.name]
        label = f"{layer.name} · {layer.keras_class} → {format_shape(values.shape)}"
        with st.expander(label, expanded=layer.is_map and layer.kind in OPENED_KINDS):
            if not layer.is_map:
                st.plotly_chart(vector_figure(values), key=Inspect.vector(layer.name), config=NO_BAR)
                continue
            if values.shape[2] > MAX_SHOWN_MAPS:
                st.caption(f"The first {MAX_SHOWN_MAPS} of {values.shape[2]} maps.")
            event = st.plotly_chart(
                feature_map_grid(values, max_maps=MAX_SHOWN_MAPS, shared_scale=shared),
                key=Inspect.maps(layer.name),
                on_select="rerun",
                selection_mode="points",
                config=NO_BAR,
            )
            choice = st.selectbox(
                "Enlarge a map (or click one)",
                ["none", *range(min(values.shape[2], MAX_SHOWN_MAPS))],
                key=Inspect.enlarge(layer.name),
            )
            clicked = components.clicked_customdata(event)
            picked = clicked[0] if clicked else (None if choice == "none" else int(choice))
            if picked is not None and picked < values.shape[2]:
                st.plotly_chart(
                    enlarged_map(values[:, :, picked], f"{layer.name}, map {picked}"),
                    key=Inspect.enlarged(layer.name),
                    config=NO_BAR,
                )


def _kernels(seen: Seen) -> None:
    from visualizer.backend.forward import kernels

    names = seen.info.names("conv2d")
    if not names:
        return
    st.subheader("Kernels")
    st.caption("Each filter's weights per input channel: red weights raise the output, blue ones lower it.")
    for position, name in enumerate(names):
        weights = kernels(seen.model, name)
        with st.expander(
            f"{name}: {weights.shape[3]} filters of {weights.shape[0]}x{weights.shape[1]}x{weights.shape[2]}",
            expanded=position == 0,
        ):
            if position == 0 and weights.shape[2] == 3:
                st.plotly_chart(kernel_colour_images(weights), key=Inspect.colour_kernels(name), config=NO_BAR)
            st.plotly_chart(kernel_grid(weights), key=Inspect.kernels(name), config=NO_BAR)


def _conv_step(seen: Seen) -> None:
    from visualizer.backend.forward import feature_maps, layer_input
    from visualizer.backend.steps import conv_step

    model, info, x = seen.model, seen.info, seen.x
    names = info.names("conv2d")
    if not names:
        return
    st.subheader("One convolution step")
    st.caption(
        "Pick an output value: its input window times the kernel, summed, plus the bias, through the "
        "activation, is exactly the value in the feature map."
    )
    layer_col, filter_col, row_col, col_col, channel_col = st.columns(5)
    name = layer_col.selectbox("Layer", names, key=Inspect.STEP_LAYER)
    out_h, out_w, filters = info.layer(name).output_shape
    row_key, col_key = Inspect.step(name, "row"), Inspect.step(name, "col")
    index = filter_col.number_input("Filter", 0, filters - 1, 0, key=Inspect.step(name, "filter"))
    row = row_col.number_input("Row", 0, out_h - 1, out_h // 2, key=row_key)
    col = col_col.number_input("Column", 0, out_w - 1, out_w // 2, key=col_key)
    step = conv_step(model, name, x, int(row), int(col), int(index))
    channels = step.patch.shape[2]
    channel = channel_col.number_input("Input channel", 0, channels - 1, 0, key=Inspect.step(name, "channel"))
    grids = (
        (step.patch[:, :, channel], f"input window, channel {channel}", "Greys_r", False),
        (step.kernel[:, :, channel], f"kernel, channel {channel}", "RdBu_r", True),
        (step.products[:, :, channel], "products", "RdBu_r", True),
    )
    for column, (values, title, colours, centre) in zip(st.columns(3), grids, strict=True):
        column.plotly_chart(number_grid(values, title, colours, centre), key=Inspect.step_grid(title), config=NO_BAR)
    sums = " + ".join(f"{value:.3f}" for value in step.channel_sums[:8]) + (" + ..." if channels > 8 else "")
    st.markdown(
        f"Sum of products over {channels} channel(s): {sums} = **{step.products.sum():.4f}**; plus bias "
        f"{step.bias:.4f} = **{step.pre_activation:.4f}**; {step.activation} → **{step.output:.4f}**, the value at "
        f"row {step.row}, column {step.col} of map {step.filter} of {name}."
    )
    inputs = layer_input(model, name, x)[:, :, channel]
    output_map = feature_maps(model, x)[name][:, :, step.filter]
    window_col, map_col = st.columns(2)
    window_col.plotly_chart(
        window_figure(inputs, step.origin, step.kernel.shape[:2], f"input channel {channel}, window outlined"),
        key=Inspect.STEP_WINDOW,
        config=NO_BAR,
    )
    map_key = Inspect.step(name, "map")
    map_col.plotly_chart(
        clickable_map(output_map, (step.row, step.col), f"map {step.filter} of {name}, the value outlined"),
        key=map_key,
        on_select=functools.partial(_pick_position, map_key, row_key, col_key),
        selection_mode="points",
        config=NO_BAR,
    )
    if st.toggle("Animate the window sliding over the input", key=Inspect.STEP_ANIMATE):
        st.plotly_chart(
            sliding_window_animation(inputs, output_map, step.kernel.shape[:2], step.strides, step.padding_offset),
            key=Inspect.STEP_ANIMATION,
            config=NO_BAR,
        )


def _pick_position(chart_key: str, row_key: str, col_key: str) -> None:
    """on_select callback: the clicked value of the map becomes the step's position."""
    cell = components.clicked_customdata(state.value(chart_key))
    if cell is not None and len(cell) == 2:
        state.preset(row_key, cell[0])
        state.preset(col_key, cell[1])


def _pool_step(seen: Seen) -> None:
    from visualizer.backend.steps import pool_step

    info = seen.info
    names = info.names("maxpool2d", "avgpool2d")
    if not names:
        return
    st.subheader("One pooling step")
    layer_col, channel_col, row_col, col_col = st.columns(4)
    name = layer_col.selectbox("Pooling layer", names, key=Inspect.POOL_LAYER)
    out_h, out_w, channels = info.layer(name).output_shape
    channel = channel_col.number_input("Channel", 0, channels - 1, 0, key=Inspect.pool(name, "channel"))
    row = row_col.number_input("Row", 0, out_h - 1, out_h // 2, key=Inspect.pool(name, "row"))
    col = col_col.number_input("Column", 0, out_w - 1, out_w // 2, key=Inspect.pool(name, "col"))
    step = pool_step(seen.model, name, seen.x, int(row), int(col), int(channel))
    window_col, text_col = st.columns([1, 2])
    window_col.plotly_chart(
        number_grid(step.window, f"{step.kind} pooling window", "Viridis", False),
        key=Inspect.POOL_WINDOW,
        config=NO_BAR,
    )
    keeps = "the largest value" if step.kind == "max" else "the mean of the values"
    text_col.markdown(
        f"The {step.window.shape[0]}x{step.window.shape[1]} window starting at input row {step.origin[0]}, column "
        f"{step.origin[1]} keeps {keeps}: **{step.output:.4f}**, the value at row {step.row}, column {step.col} "
        f"of channel {step.channel} of {name}. Pooling has no weights: it only summarises."
    )


def _surgery(seen: Seen) -> None:
    from visualizer.backend.forward import feature_maps, predict
    from visualizer.backend.surgery import with_filter

    model, info, x, class_names, probabilities = seen
    names = info.names("conv2d")
    if not names:
        return
    st.subheader("Kernel surgery")
    st.caption(
        "Change one filter in a copy of the network and see what happens downstream. The network itself "
        "is never changed."
    )
    layer_col, filter_col, action_col = st.columns([1, 1, 2])
    name = layer_col.selectbox("Layer", names, key=Inspect.SURGERY_LAYER)
    layer = info.layer(name)
    index = filter_col.number_input("Filter", 0, layer.output_shape[2] - 1, 0, key=Inspect.surgery_filter(name))
    actions = ["keep (no change)", "zero it", *kernels_that_fit(layer.window)]
    action = action_col.selectbox(
        "Change", actions, key=Inspect.SURGERY_ACTION, format_func=lambda key: KERNEL_TITLES.get(key, key)
    )
    if action == actions[0]:
        return
    changed = with_filter(model, name, int(index), None if action == "zero it" else CLASSIC_KERNELS[action])
    after = predict(changed, x)
    top_before, top_after = int(probabilities.argmax()), int(after.argmax())
    before_col, after_col = st.columns(2)
    with before_col:
        st.markdown(f"**Before: {class_label(class_names, top_before)}** ({probabilities[top_before]:.0%})")
        st.plotly_chart(probabilities_figure(probabilities, class_names), key=Inspect.SURGERY_BEFORE, config=NO_BAR)
    with after_col:
        st.markdown(f"**After: {class_label(class_names, top_after)}** ({after[top_after]:.0%})")
        st.plotly_chart(probabilities_figure(after, class_names), key=Inspect.SURGERY_AFTER, config=NO_BAR)
    st.plotly_chart(
        feature_map_grid(feature_maps(changed, x)[name], title=f"{name} after the change"),
        key=Inspect.SURGERY_MAPS,
        config=NO_BAR,
    )


def _opened(key: str, label: str) -> bool:
    """A switch for a section computed only on demand (it stays open while the person looks at images)."""
    return st.toggle(label, key=key, persist_state=state.PERSIST)


def _probes(seen: Seen) -> None:
    from visualizer.backend.attribution import occlusion_importance, occlusion_map
    from visualizer.backend.forward import predict

    model, _, x, class_names, _ = seen
    st.subheader("Probe the input")
    st.caption("Move, turn, blur with noise or cover part of the image, and watch the probabilities.")
    if not _opened(Inspect.SHOW_PROBES, "Show the input probes"):
        return
    height, width = x.shape[:2]
    dx_col, dy_col, angle_col, noise_col = st.columns(4)
    shift_x = dx_col.slider("Shift right", -width // 3, width // 3, 0, key=Inspect.PROBE_DX)
    shift_y = dy_col.slider("Shift down", -height // 3, height // 3, 0, key=Inspect.PROBE_DY)
    angle = angle_col.slider("Rotate (degrees)", -90, 90, 0, 5, key=Inspect.PROBE_ANGLE)
    noise = noise_col.slider("Noise", 0.0, 0.5, 0.0, 0.05, key=Inspect.PROBE_NOISE)
    occlusion = None
    if st.checkbox("Cover a square", key=Inspect.PROBE_COVER):
        size_col, row_col, col_col = st.columns(3)
        size = size_col.slider("Square side", 1, max(2, height // 2), max(2, height // 4), key=Inspect.PROBE_SIZE)
        row = row_col.slider("Square top", 0, height - 1, height // 3, key=Inspect.PROBE_ROW)
        col = col_col.slider("Square left", 0, width - 1, width // 3, key=Inspect.PROBE_COL)
        occlusion = (row, col, size)
    probed = perturb(x, (shift_y, shift_x), angle, noise, occlusion)
    image_col, bars_col = st.columns([1, 2])
    image_col.plotly_chart(input_figure(probed, "probed input"), key=Inspect.PROBE_IMAGE, config=NO_BAR)
    after = predict(model, probed)
    top = int(after.argmax())
    with bars_col:
        st.markdown(f"**Now: {class_label(class_names, top)}** ({after[top]:.0%})")
        st.plotly_chart(probabilities_figure(after, class_names), key=Inspect.PROBE_BARS, config=NO_BAR)
    if st.toggle("Occlusion sensitivity: which squares matter most for the prediction", key=Inspect.OCCLUSION):
        st.plotly_chart(
            overlay_figure(x, occlusion_importance(occlusion_map(model, x)), "probability lost when covered"),
            key=Inspect.OCCLUSION_MAP,
            config=NO_BAR,
        )


def _attention(seen: Seen) -> None:
    from visualizer.backend.attribution import grad_cam, saliency

    model, info, x, class_names, probabilities = seen
    st.subheader("Where does it look?")
    if not _opened(Inspect.SHOW_ATTENTION, "Show Grad-CAM and saliency for a class"):
        return
    chosen = st.selectbox(
        "Explain the class",
        list(range(len(probabilities))),
        index=int(probabilities.argmax()),
        format_func=lambda index: f"{class_label(class_names, index)} ({probabilities[index]:.0%})",
        key=Inspect.EXPLAIN_CLASS,
    )
    cam_col, saliency_col = st.columns(2)
    if info.names("conv2d"):
        cam_col.plotly_chart(
            overlay_figure(x, grad_cam(model, x, class_index=int(chosen)), "Grad-CAM"),
            key=Inspect.GRAD_CAM,
            config=NO_BAR,
        )
    else:
        cam_col.info("Grad-CAM needs a convolution layer.")
    saliency_col.plotly_chart(
        overlay_figure(x, saliency(model, x, class_index=int(chosen)), "Gradient saliency", opacity=0.6),
        key=Inspect.SALIENCY,
        config=NO_BAR,
    )


# Each section of the page (``lessons.INSPECT_SECTIONS``, in that order) and the function that shows it.
SECTIONS = {
    "feature_maps": _feature_maps,
    "kernels": _kernels,
    "conv_step": _conv_step,
    "pool_step": _pool_step,
    "attention": _attention,
    "surgery": _surgery,
    "probes": _probes,
}
ANY_MODEL = ("feature_maps", "kernels", "probes")  # the sections that work on any network; the others need a stack


def render() -> None:
    st.title("Inspect")
    st.caption(
        "Follow one image through the network: what each layer makes of it, the kernels that did it, one "
        "convolution step in numbers, and where the network looks."
    )
    components.pending_notice()
    if not (state.presenter() or state.is_locked("model")):
        with st.expander("Use your own trained model (.keras)"):
            network.model_uploader()
    model, info, dataset, what = network.choose(Inspect.EPOCH, selector=not state.is_locked("model"))
    if model is None:
        st.error(what)
        st.page_link(PAGE_FILES["build"], label="Fix it on the Build page", icon=":material/construction:")
        return
    st.caption(f"Looking at {what}.")
    if state.model_choice() == "untrained":
        st.page_link(PAGE_FILES["train"], label="Train it first for meaningful maps", icon=":material/model_training:")
    sample_source = network.sample_dataset(dataset, info.input_shape)
    class_names = list(sample_source.class_names) if sample_source is not None else []
    x, where = _image_input(info.input_shape, sample_source)
    if x is None:
        return
    state.remember_image(x, where)
    seen = Seen(model, info, x, class_names, _prediction(model, x, class_names, where))
    noted = False
    for section in INSPECT_SECTIONS:
        if not state.shows(section):
            continue
        if not info.plain and section not in ANY_MODEL:
            if not noted:
                st.info(
                    "This model is not a plain stack of layers (it has branches, or layers such as Add or "
                    "Activation), so the views that follow one layer into the next are not shown: the convolution "
                    "and pooling steps, Grad-CAM and saliency, kernel surgery. Input probes work on any model."
                )
                noted = True
            continue
        SECTIONS[section](seen)
    if state.lesson() is not None and state.lesson().show:
        st.caption("This lesson shows only some sections; leave the lesson (sidebar) to see them all.")


if __name__ == "__main__":
    render()
