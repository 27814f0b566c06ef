"""The Inspect page: what the network does with one image, layer by layer, at any epoch."""

from __future__ import annotations

import functools

import numpy as np
import streamlit as st

from visualizer.figures import (
    clickable_map,
    enlarged_map,
    feature_map_grid,
    input_figure,
    kernel_colour_images,
    kernel_grid,
    number_grid,
    overlay_figure,
    probabilities_figure,
    sliding_window_animation,
    vector_figure,
    window_figure,
)
from visualizer.images import looks_dark_on_light, to_model_input
from visualizer.shapes import format_shape
from visualizer.ui import components, models, state
from visualizer.ui.pages import PAGE_FILES

SOURCE_KEY = "inspect_source"
UPLOAD_KEY = "inspect_upload"
SAMPLE_KEY = "inspect_sample"
INVERT_KEY = "inspect_invert"
EPOCH_KEY = "inspect_epoch"
SHARED_SCALE_KEY = "inspect_shared_scale"
SOURCES = ["A test image", "Upload an image", "Draw"]


# The image.


def _image_input(input_shape, dataset) -> tuple[np.ndarray | None, str]:
    """The model input (H, W, C) the person chose, and where it came from."""
    source = st.radio("Image", SOURCES, horizontal=True, key=SOURCE_KEY)
    if source == "A test image":
        if dataset is None:
            st.info(f"No test images of {format_shape(input_shape)} here: upload or draw one.")
            return None, ""
        index = st.number_input(
            f"Test image number (0 to {len(dataset.y_test) - 1})", 0, len(dataset.y_test) - 1, 0, key=SAMPLE_KEY
        )
        label = dataset.class_names[int(dataset.y_test[index])]
        return dataset.x_test[int(index)], f"test image {index} of {dataset.name} (a {label})"
    if source == "Upload an image":
        image, name = components.image_upload(UPLOAD_KEY)
        return (None, "") if image is None else _prepared(image, input_shape, name)
    return _drawn(input_shape)


def _prepared(image, input_shape, name: str) -> tuple[np.ndarray, str]:
    suggested = input_shape[2] == 1 and looks_dark_on_light(image)
    invert = st.checkbox(
        "Invert (light strokes on dark, as the digits are)",
        value=suggested,
        key=f"{INVERT_KEY}_{name}",
        help="Suggested automatically for dark-on-light pictures.",
    )
    fits = {"crop": "crop the centre", "pad": "fit whole, pad the edges", "stretch": "stretch"}
    fit = st.radio(
        f"Resize {image.width}x{image.height} to the model's {input_shape[1]}x{input_shape[0]}",
        list(fits),
        format_func=fits.__getitem__,
        horizontal=True,
        key="inspect_fit",
    )
    colour = "grayscale" if input_shape[2] == 1 else "colour"
    caption = f"{name}: {image.width}x{image.height} {image.mode}, {fits[fit]}, {colour}" + (
        ", inverted" if invert else ""
    )
    return to_model_input(image, input_shape, invert=invert, fit=fit), caption


def _drawn(input_shape) -> tuple[np.ndarray | None, str]:
    from PIL import Image
    from streamlit_drawable_canvas import st_canvas

    st.caption("Draw with the mouse: white on black, like the digits.")
    canvas = st_canvas(
        stroke_width=18,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=224,
        width=224,
        drawing_mode="freedraw",
        key="inspect_canvas",
        return_image_data=True,
    )
    data = getattr(canvas, "image_data", None)
    if data is None or not np.asarray(data)[..., :3].any():
        return None, ""
    image = Image.fromarray(np.asarray(data, dtype=np.uint8)[..., :3])
    return to_model_input(image, input_shape), "your drawing"


# Views.


def _prediction(model, x, class_names, where: str) -> np.ndarray:
    from visualizer.introspection import predict

    probabilities = predict(model, x)
    seen, bars = st.columns([1, 2])
    with seen:
        st.markdown("**What the model sees**")
        st.plotly_chart(
            input_figure(x, f"{format_shape(x.shape)} input"), key="inspect_input", config={"displayModeBar": False}
        )
        st.caption(where)
    with bars:
        top = int(probabilities.argmax())
        name = components.class_label(class_names, top)
        st.markdown(f"**Prediction: {name}** ({probabilities[top]:.0%})")
        st.plotly_chart(
            probabilities_figure(probabilities, class_names),
            key="inspect_probabilities",
            config={"displayModeBar": False},
        )
    return probabilities


def _feature_maps(model, x) -> None:
    from visualizer.introspection import feature_maps

    st.subheader("Feature maps, layer by layer")
    shared = st.toggle("One colour scale per layer (off: each map scaled on its own)", value=True, key=SHARED_SCALE_KEY)
    maps = feature_maps(model, x)
    for name, values in maps.items():
        layer = model.get_layer(name)
        kind = type(layer).__name__
        label = f"{name} · {kind} → {format_shape(values.shape)}"
        with st.expander(label, expanded=values.ndim == 3 and kind in ("Conv2D", "MaxPooling2D", "AveragePooling2D")):
            if values.ndim == 3:
                if values.shape[2] > 32:
                    st.caption(f"The first 32 of {values.shape[2]} maps.")
                event = st.plotly_chart(
                    feature_map_grid(values, shared_scale=shared),
                    key=f"inspect_maps_{name}",
                    on_select="rerun",
                    selection_mode="points",
                    config={"displayModeBar": False},
                )
                choice = st.selectbox(
                    "Enlarge a map (or click one)",
                    ["none", *range(min(values.shape[2], 32))],
                    key=f"inspect_enlarge_{name}",
                )
                clicked = components.clicked_customdata(event)
                picked = clicked[0] if clicked else None
                if picked is None and choice != "none":
                    picked = int(choice)
                if picked is not None and picked < values.shape[2]:
                    st.plotly_chart(
                        enlarged_map(values[:, :, picked], f"{name}, map {picked}"),
                        key=f"inspect_map_big_{name}",
                        config={"displayModeBar": False},
                    )
            else:
                st.plotly_chart(vector_figure(values), key=f"inspect_vector_{name}", config={"displayModeBar": False})


def _kernels(model) -> None:
    from visualizer.introspection import conv_layers, kernels

    names = conv_layers(model)
    if not names:
        return
    st.subheader("Kernels")
    st.caption("Each filter's weights per input channel: red weights raise the output, blue ones lower it.")
    for position, name in enumerate(names):
        weights = kernels(model, name)
        with st.expander(
            f"{name}: {weights.shape[3]} filters of {weights.shape[0]}x{weights.shape[1]}x{weights.shape[2]}",
            expanded=position == 0,
        ):
            if position == 0 and weights.shape[2] == 3:
                st.plotly_chart(
                    kernel_colour_images(weights), key=f"inspect_colour_{name}", config={"displayModeBar": False}
                )
            st.plotly_chart(kernel_grid(weights), key=f"inspect_kernels_{name}", config={"displayModeBar": False})


def _conv_step(model, x) -> None:
    from visualizer.introspection import conv_layers, conv_step, feature_maps, layer_input

    names = conv_layers(model)
    if not names:
        return
    st.subheader("One convolution step")
    st.caption(
        "Pick an output value: its input window times the kernel, summed, plus the bias, through the "
        "activation, is exactly the value in the feature map."
    )
    layer_col, filter_col, row_col, col_col, channel_col = st.columns(5)
    name = layer_col.selectbox("Layer", names, key="inspect_step_layer")
    out_h, out_w, filters = (int(size) for size in model.get_layer(name).output.shape[1:])
    row_key, col_key = f"inspect_step_row_{name}", f"inspect_step_col_{name}"
    st.session_state.setdefault(row_key, out_h // 2)
    st.session_state.setdefault(col_key, out_w // 2)
    index = filter_col.number_input("Filter", 0, filters - 1, 0, key=f"inspect_step_filter_{name}")
    row = row_col.number_input("Row", 0, out_h - 1, key=row_key)
    col = col_col.number_input("Column", 0, out_w - 1, key=col_key)
    step = conv_step(model, name, x, int(row), int(col), int(index))
    channels = step.patch.shape[2]
    channel = channel_col.number_input("Input channel", 0, channels - 1, 0, key=f"inspect_step_channel_{name}")
    patch, kernel, products = (step.patch[:, :, channel], step.kernel[:, :, channel], step.products[:, :, channel])
    columns = st.columns(3)
    for column, (values, title, colours, centre) in zip(
        columns,
        (
            (patch, f"input window, channel {channel}", "Greys_r", False),
            (kernel, f"kernel, channel {channel}", "RdBu_r", True),
            (products, "products", "RdBu_r", True),
        ),
        strict=True,
    ):
        column.plotly_chart(
            number_grid(values, title, colours, centre), key=f"inspect_step_{title}", config={"displayModeBar": False}
        )
    per_channel = step.products.sum(axis=(0, 1))
    sums = " + ".join(f"{value:.3f}" for value in per_channel[:8]) + (" + ..." if channels > 8 else "")
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
        key="inspect_step_window",
        config={"displayModeBar": False},
    )
    map_col.plotly_chart(
        clickable_map(output_map, (step.row, step.col), f"map {step.filter} of {name}, the value outlined"),
        key=f"inspect_step_map_{name}",
        on_select=functools.partial(_pick_position, f"inspect_step_map_{name}", row_key, col_key),
        selection_mode="points",
        config={"displayModeBar": False},
    )
    if st.toggle("Animate the window sliding over the input", key="inspect_step_animate"):
        strides = tuple(int(size) for size in model.get_layer(name).strides)
        offset = (step.row * strides[0] - step.origin[0], step.col * strides[1] - step.origin[1])
        st.plotly_chart(
            sliding_window_animation(inputs, output_map, step.kernel.shape[:2], strides, offset),
            key="inspect_step_animation",
            config={"displayModeBar": False},
        )


def _pick_position(chart_key: str, row_key: str, col_key: str) -> None:
    """on_select callback: the clicked value of the map becomes the step's position."""
    cell = components.clicked_customdata(st.session_state.get(chart_key))
    if cell is not None and len(cell) == 2:
        st.session_state[row_key], st.session_state[col_key] = cell


def _pool_step(model, x) -> None:
    from visualizer.introspection import pool_layers, pool_step

    names = pool_layers(model)
    if not names:
        return
    st.subheader("One pooling step")
    layer_col, channel_col, row_col, col_col = st.columns(4)
    name = layer_col.selectbox("Pooling layer", names, key="inspect_pool_layer")
    out_h, out_w, channels = (int(size) for size in model.get_layer(name).output.shape[1:])
    channel = channel_col.number_input("Channel", 0, channels - 1, 0, key=f"inspect_pool_channel_{name}")
    row = row_col.number_input("Row", 0, out_h - 1, out_h // 2, key=f"inspect_pool_row_{name}")
    col = col_col.number_input("Column", 0, out_w - 1, out_w // 2, key=f"inspect_pool_col_{name}")
    step = pool_step(model, name, x, int(row), int(col), int(channel))
    window_col, text_col = st.columns([1, 2])
    window_col.plotly_chart(
        number_grid(step.window, f"{step.kind} pooling window", "Viridis", False),
        key="inspect_pool_window",
        config={"displayModeBar": False},
    )
    keeps = "the largest value" if step.kind == "max" else "the mean of the values"
    text_col.markdown(
        f"The {step.window.shape[0]}x{step.window.shape[1]} window starting at input row {step.origin[0]}, column "
        f"{step.origin[1]} keeps {keeps}: **{step.output:.4f}**, the value at row {step.row}, column {step.col} "
        f"of channel {step.channel} of {name}. Pooling has no weights: it only summarises."
    )


def _surgery(model, x, class_names, probabilities) -> None:
    from visualizer.introspection import conv_layers, feature_maps, predict, with_filter
    from visualizer.kernels import CLASSIC_KERNELS, KERNEL_TITLES

    names = conv_layers(model)
    if not names:
        return
    st.subheader("Kernel surgery")
    st.caption(
        "Change one filter in a copy of the network and see what happens downstream. The network itself "
        "is never changed."
    )
    layer_col, filter_col, action_col = st.columns([1, 1, 2])
    name = layer_col.selectbox("Layer", names, key="inspect_surgery_layer")
    kernel_shape = model.get_layer(name).kernel.shape
    index = filter_col.number_input("Filter", 0, int(kernel_shape[3]) - 1, 0, key=f"inspect_surgery_filter_{name}")
    fits = [
        key
        for key, value in CLASSIC_KERNELS.items()
        if value.shape[0] <= kernel_shape[0] and value.shape[1] <= kernel_shape[1]
    ]
    actions = ["keep (no change)", "zero it", *fits]
    action = action_col.selectbox(
        "Change", actions, key="inspect_surgery_action", format_func=lambda key: KERNEL_TITLES.get(key, key)
    )
    if action == actions[0]:
        return
    changed = with_filter(model, name, int(index), None if action == "zero it" else CLASSIC_KERNELS[action])
    after = predict(changed, x)
    top_before, top_after = int(probabilities.argmax()), int(after.argmax())
    label = functools.partial(components.class_label, class_names)
    before_col, after_col = st.columns(2)
    with before_col:
        st.markdown(f"**Before: {label(top_before)}** ({probabilities[top_before]:.0%})")
        st.plotly_chart(
            probabilities_figure(probabilities, class_names),
            key="inspect_surgery_before",
            config={"displayModeBar": False},
        )
    with after_col:
        st.markdown(f"**After: {label(top_after)}** ({after[top_after]:.0%})")
        st.plotly_chart(
            probabilities_figure(after, class_names), key="inspect_surgery_after", config={"displayModeBar": False}
        )
    changed_maps = feature_maps(changed, x)[name]
    st.plotly_chart(
        feature_map_grid(changed_maps, title=f"{name} after the change"),
        key="inspect_surgery_maps",
        config={"displayModeBar": False},
    )


def _opened(key: str, label: str) -> bool:
    """A switch for a section computed only on demand (it stays open while the person looks at images)."""
    components.keep(key, False)
    return st.toggle(label, key=key, on_change=components.remember, args=(key,))


def _probes(model, x, class_names, probabilities) -> None:
    from visualizer.images import perturb
    from visualizer.introspection import occlusion_map, predict

    st.subheader("Probe the input")
    st.caption("Move, turn, blur with noise or cover part of the image, and watch the probabilities.")
    if not _opened("inspect_show_probes", "Show the input probes"):
        return
    height, width = x.shape[:2]
    dx_col, dy_col, angle_col, noise_col = st.columns(4)
    shift_x = dx_col.slider("Shift right", -width // 3, width // 3, 0, key="inspect_probe_dx")
    shift_y = dy_col.slider("Shift down", -height // 3, height // 3, 0, key="inspect_probe_dy")
    angle = angle_col.slider("Rotate (degrees)", -90, 90, 0, 5, key="inspect_probe_angle")
    noise = noise_col.slider("Noise", 0.0, 0.5, 0.0, 0.05, key="inspect_probe_noise")
    cover = st.checkbox("Cover a square", key="inspect_probe_cover")
    occlusion = None
    if cover:
        size_col, row_col, col_col = st.columns(3)
        size = size_col.slider("Square side", 1, max(2, height // 2), max(2, height // 4), key="inspect_probe_size")
        row = row_col.slider("Square top", 0, height - 1, height // 3, key="inspect_probe_row")
        col = col_col.slider("Square left", 0, width - 1, width // 3, key="inspect_probe_col")
        occlusion = (row, col, size)
    probed = perturb(x, (shift_y, shift_x), angle, noise, occlusion)
    image_col, bars_col = st.columns([1, 2])
    image_col.plotly_chart(
        input_figure(probed, "probed input"), key="inspect_probe_image", config={"displayModeBar": False}
    )
    after = predict(model, probed)
    top = int(after.argmax())
    with bars_col:
        name = components.class_label(class_names, top)
        st.markdown(f"**Now: {name}** ({after[top]:.0%})")
        st.plotly_chart(
            probabilities_figure(after, class_names), key="inspect_probe_bars", config={"displayModeBar": False}
        )
    if st.toggle("Occlusion sensitivity: which squares matter most for the prediction", key="inspect_occlusion"):
        drop = occlusion_map(model, x)
        peak = float(np.abs(drop).max()) or 1.0
        st.plotly_chart(
            overlay_figure(x, np.clip(drop / peak, 0, 1), "probability lost when covered"),
            key="inspect_occlusion_map",
            config={"displayModeBar": False},
        )


def _attention(model, x, class_names, probabilities) -> None:
    from visualizer.introspection import conv_layers, grad_cam, saliency

    st.subheader("Where does it look?")
    if not _opened("inspect_show_attention", "Show Grad-CAM and saliency for a class"):
        return
    options = list(range(len(probabilities)))
    chosen = st.selectbox(
        "Explain the class",
        options,
        index=int(probabilities.argmax()),
        format_func=lambda index: f"{components.class_label(class_names, index)} ({probabilities[index]:.0%})",
        key="inspect_explain_class",
    )
    cam_col, saliency_col = st.columns(2)
    if conv_layers(model):
        cam_col.plotly_chart(
            overlay_figure(x, grad_cam(model, x, class_index=int(chosen)), "Grad-CAM"),
            key="inspect_gradcam",
            config={"displayModeBar": False},
        )
    else:
        cam_col.info("Grad-CAM needs a convolution layer.")
    saliency_col.plotly_chart(
        overlay_figure(x, saliency(model, x, class_index=int(chosen)), "Gradient saliency", opacity=0.6),
        key="inspect_saliency",
        config={"displayModeBar": False},
    )


def render() -> None:
    st.title("Inspect")
    st.caption(
        "Follow one image through the network: what each layer makes of it, the kernels that did it, one "
        "convolution step in numbers, and where the network looks."
    )
    components.pending_notice()
    if not (state.presenter() or state.is_locked("model")):
        with st.expander("Use your own trained model (.keras)"):
            models.model_uploader()
    model, dataset, what, plain = models.choose_model(EPOCH_KEY, selector=not state.is_locked("model"))
    if model is None:
        st.error(what)
        st.page_link(PAGE_FILES["build"], label="Fix it on the Build page", icon=":material/construction:")
        return
    st.caption(f"Looking at {what}.")
    if state.model_choice() == "untrained":
        st.page_link(PAGE_FILES["train"], label="Train it first for meaningful maps", icon=":material/model_training:")
    input_shape = tuple(int(size) for size in model.inputs[0].shape[1:])
    sample_source = models.sample_dataset(dataset, input_shape)
    class_names = list(sample_source.class_names) if sample_source is not None else []
    x, where = _image_input(input_shape, sample_source)
    if x is None:
        return
    models.remember_image(x, where)
    probabilities = _prediction(model, x, class_names, where)
    if state.shows("feature_maps"):
        _feature_maps(model, x)
    if state.shows("kernels"):
        _kernels(model)
    if not plain:
        st.info(
            "This model is not a plain stack of layers (it has branches, or layers such as Add or Activation), so "
            "the views that follow one layer into the next are not shown: the convolution and pooling steps, "
            "Grad-CAM and saliency, kernel surgery. Input probes work on any model."
        )
        _probes(model, x, class_names, probabilities)
        return
    for section, show in (
        ("conv_step", lambda: _conv_step(model, x)),
        ("pool_step", lambda: _pool_step(model, x)),
        ("attention", lambda: _attention(model, x, class_names, probabilities)),
        ("surgery", lambda: _surgery(model, x, class_names, probabilities)),
        ("probes", lambda: _probes(model, x, class_names, probabilities)),
    ):
        if state.shows(section):
            show()
    if state.lesson() is not None and state.lesson().show:
        st.caption("This lesson shows only some sections; leave the lesson (sidebar) to see them all.")


if __name__ == "__main__":
    render()
