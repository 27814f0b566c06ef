"""The Inspect page: the whole network on one screen for one image, then any part of it in detail, at any epoch.

First a pinned header (the network, the epoch, the image, the prediction), then the
overview (every layer's maps; hover a map to see what it is computed from, click it to
open it), then tabs of details computed only when opened: the selected map step by step
(animated in the browser), every layer's maps, kernels, where the network looks,
surgery and probes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import streamlit as st

from visualizer.data.dataset import class_label
from visualizer.data.familiarity import MAX_REFERENCE, familiarity
from visualizer.data.images import from_drawing, looks_dark_on_light, perturb, to_model_input
from visualizer.figures.classes import probabilities_figure
from visualizer.figures.embedding import embedding_figure
from visualizer.figures.explainer import conv_walk_payload, pool_walk_payload
from visualizer.figures.histograms import histogram_heatmap
from visualizer.figures.maps import (
    enlarged_map,
    feature_map_grid,
    image_grid,
    input_figure,
    kernel_colour_images,
    kernel_grid,
    overlay_figure,
    vector_figure,
)
from visualizer.figures.overview import overview_payload
from visualizer.lessons import INSPECT_SECTIONS
from visualizer.model.checks import counted, format_shape
from visualizer.numerics.kernels import CLASSIC_KERNELS, KERNEL_TITLES, kernels_that_fit
from visualizer.ui import cache, components, network, overview, state
from visualizer.ui.backprop import training_step_view
from visualizer.ui.pages import PAGE_FILES
from visualizer.ui.state import Inspect
from visualizer.ui.text import plain, say

SOURCES = ["Test image", "Upload", "Draw"]
FITS = {"crop": "crop the centre", "pad": "fit whole, pad the edges", "stretch": "stretch"}
MAX_SHOWN_MAPS = 32
# (Comments, not docstrings, below: Streamlit shows a page script's bare strings.)
OPENED_KINDS = ("conv2d", "maxpool2d", "avgpool2d")  # layers whose maps are shown open; the others start folded
WALKS = ("conv2d", "maxpool2d", "avgpool2d")  # the layers the step explainer can walk through
# Less room above the page, and the header pinned while the details scroll.
PAGE_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 3.1rem; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-{Inspect.PINNED}) {{ position: sticky; top: 3.75rem; z-index: 990;
  background: var(--st-background-color, #fff); border-bottom: 1px solid #e6e9ef; padding-bottom: 0.35rem; }}
</style>
"""


# The image.


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


# Views: one function per section, each taking what the image and the network give.


class Seen(NamedTuple):
    """One image seen by the network: everything a section needs.

    Attributes:
        model: The network (passed to backend functions, never read here).
        info: Its layers (``NetworkInfo``).
        x: The model input (H, W, C).
        class_names: The classes' names (numbers stand in for the rest).
        probabilities: The network's prediction for ``x``.
        dataset: The data its test images come from (for the whole-set views), or None.
        final: The network at its last epoch (the embedding's projection is fitted on it).
        run: The training job or shipped run it comes from (its epochs), or None.
        epoch: The epoch shown, for a network with epochs.
        true_label: The image's class when it is a test image of the network's dataset, else None.
    """

    model: Any
    info: Any
    x: np.ndarray
    class_names: list[str]
    probabilities: np.ndarray
    dataset: Any = None
    final: Any = None
    run: Any = None
    epoch: int | None = None
    true_label: int | None = None


def _familiarity(x: np.ndarray, dataset) -> Any:
    """How far a picture the person brought is from the network's training images (None for its test images)."""
    if dataset is None or tuple(dataset.image_shape) != tuple(x.shape) or state.value(Inspect.SOURCE) == SOURCES[0]:
        return None
    return familiarity(x, cache.data_reference(dataset, f"{dataset.name}-{id(dataset)}"))


def _pinned_prediction(
    x: np.ndarray, probabilities: np.ndarray, class_names: list[str], where: str, known: Any = None
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
        kernels={name: kernels(seen.model, name) for name in info.names("conv2d")},
        selected=state.picked_item(info.names()) or _default_pick(info),
    )
    scale = components.text_scale()
    overview.network_overview(payload, key=Inspect.OVERVIEW, height=0, scale=scale)
    st.caption(
        "Every layer of the network for this image, left to right. Hover a map or a bar to see the maps it is "
        "computed from (and a convolution's kernel); click it to open it in Step by step below."
    )


def _feature_maps(seen: Seen) -> None:
    from visualizer.backend.forward import feature_maps

    model, info, x = seen.model, seen.info, seen.x
    shared = st.toggle(
        "One colour scale per layer (off: each map scaled on its own)", value=True, key=Inspect.SHARED_SCALE
    )
    maps = feature_maps(model, x)
    for layer in info.layers:
        values = maps[layer.name]
        label = f"{layer.name} · {layer.keras_class} → {format_shape(values.shape)}"
        with st.expander(label, expanded=layer.is_map and layer.kind in OPENED_KINDS):
            if not layer.is_map:
                components.chart(
                    vector_figure(values),
                    Inspect.vector(layer.name),
                    alt=f"Bars: the {values.size} values of {layer.name} for this image.",
                )
                continue
            if values.shape[2] > MAX_SHOWN_MAPS:
                st.caption(f"The first {MAX_SHOWN_MAPS} of {values.shape[2]} maps.")
            event = components.chart(
                feature_map_grid(values, max_maps=MAX_SHOWN_MAPS, shared_scale=shared),
                Inspect.maps(layer.name),
                alt=f"A grid of the {min(values.shape[2], MAX_SHOWN_MAPS)} feature maps of {layer.name}, bright "
                "where the map responds strongly to this image; click one to enlarge it.",
                on_select="rerun",
                selection_mode="points",
            )
            choice = st.selectbox(
                "Enlarge a map (or click one)",
                ["none", *range(min(values.shape[2], MAX_SHOWN_MAPS))],
                key=Inspect.enlarge(layer.name),
            )
            clicked = components.clicked_customdata(event)
            picked = clicked[0] if clicked else (None if choice == "none" else int(choice))
            if picked is not None and picked < values.shape[2]:
                components.chart(
                    enlarged_map(values[:, :, picked], f"{layer.name}, map {picked}"),
                    Inspect.enlarged(layer.name),
                    alt=f"Map {picked} of {layer.name}, enlarged, with its colour scale.",
                )


def _kernels(seen: Seen) -> None:
    from visualizer.backend.forward import kernels

    names = seen.info.names("conv2d")
    if not names:
        return
    st.caption("Each filter's weights per input channel: red weights raise the output, blue ones lower it.")
    for position, name in enumerate(names):
        weights = kernels(seen.model, name)
        with st.expander(
            f"{name}: {weights.shape[3]} filters of {weights.shape[0]}x{weights.shape[1]}x{weights.shape[2]}",
            expanded=position == 0,
        ):
            if position == 0 and weights.shape[2] == 3:
                components.chart(
                    kernel_colour_images(weights),
                    Inspect.colour_kernels(name),
                    alt=f"The {counted(weights.shape[3], 'filter')} of {name} as small colour images.",
                )
            components.chart(
                kernel_grid(weights),
                Inspect.kernels(name),
                alt=f"The weights of the {weights.shape[3]} filters of {name}, one row per filter and one square "
                "per input channel: red positive, blue negative.",
            )


def _default_pick(info) -> tuple[str, int] | None:
    """The map the step explainer shows before the person picks one: the first conv layer's first map."""
    names = info.names("conv2d") or info.names("maxpool2d", "avgpool2d")
    return (names[0], 0) if names else None


def _step_by_step(seen: Seen) -> None:
    from visualizer.backend.steps import conv_walk, pool_walk

    info = seen.info
    picked = state.picked_item(info.names()) or _default_pick(info)
    layer = info.layer(picked[0]) if picked else None
    if layer is None or layer.kind not in WALKS:
        st.info(
            "Click a map of a convolution or pooling layer in the overview above: here its window walks over the "
            "layer's input step by step, and its output fills in."
        )
        return
    name, index = layer.name, min(picked[1], layer.output_shape[-1] - 1)
    if layer.kind == "conv2d":
        walk = conv_walk(seen.model, name, seen.x, index)
        payload = conv_walk_payload(walk, input_is_image=info.names()[0] == name)
        st.markdown(
            f"**{name}, map {index}**: filter {index} ({layer.window[0]}x{layer.window[1]}, stride "
            f"{layer.strides[0]}, padding '{layer.padding}') slides over the "
            f"{counted(walk.inputs.shape[2], 'channel')} of the layer's input. At each step, the window's values "
            "times the kernel's weights, added up over every channel, plus the bias, through the activation, give "
            "one value of the map. Click another map above."
        )
    else:
        walk = pool_walk(seen.model, name, seen.x, index)
        payload = pool_walk_payload(walk)
        keeps = "largest value" if walk.kind == "max" else "mean"
        st.markdown(
            f"**{name}, channel {index}**: a {walk.window[0]}x{walk.window[1]} window steps by "
            f"{walk.strides[0]} over the same channel of the layer's input and keeps the {keeps} of each window. "
            "Click another map above."
        )
    overview.window_walk(payload, key=Inspect.WALK, scale=components.text_scale())


def _surgery(seen: Seen) -> None:
    from visualizer.backend.forward import feature_maps, predict
    from visualizer.backend.surgery import with_filter

    model, info, x, class_names, probabilities = seen.model, seen.info, seen.x, seen.class_names, seen.probabilities
    names = info.names("conv2d")
    if not names:
        return
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
    change = after[top_before] - probabilities[top_before]
    st.metric(
        f"Probability of {class_label(class_names, top_before)}, the prediction before the change",
        f"{probabilities[top_before]:.0%} → {after[top_before]:.0%}",
        delta=f"{100 * change:+.0f} points",
        delta_color="normal" if abs(change) >= 0.005 else "off",
    )
    before_col, after_col = st.columns(2)
    with before_col:
        st.markdown(f"**Before: {plain(class_label(class_names, top_before), 40)}** ({probabilities[top_before]:.0%})")
        components.chart(
            probabilities_figure(probabilities, class_names),
            Inspect.SURGERY_BEFORE,
            alt="The class probabilities before the change.",
        )
    with after_col:
        st.markdown(f"**After: {plain(class_label(class_names, top_after), 40)}** ({after[top_after]:.0%})")
        components.chart(
            probabilities_figure(after, class_names), Inspect.SURGERY_AFTER, alt="The class probabilities after it."
        )
    components.chart(
        feature_map_grid(feature_maps(changed, x)[name], title=f"{name} after the change"),
        Inspect.SURGERY_MAPS,
        alt=f"The feature maps of {name} after the change.",
    )


def _probes(seen: Seen) -> None:
    from visualizer.backend.attribution import occlusion_map
    from visualizer.backend.forward import predict

    model, x, class_names = seen.model, seen.x, seen.class_names
    st.caption("Move, turn, blur with noise or cover part of the image, and watch the probabilities.")
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
    components.chart(
        input_figure(probed, "probed input"),
        Inspect.PROBE_IMAGE,
        alt="The image after the shift, rotation, noise and cover chosen above.",
        container=image_col,
    )
    after = predict(model, probed)
    top = int(after.argmax())
    with bars_col:
        st.markdown(f"**Now: {plain(class_label(class_names, top), 40)}** ({after[top]:.0%})")
        components.chart(
            probabilities_figure(after, class_names),
            Inspect.PROBE_BARS,
            alt="The class probabilities for the changed image.",
        )
    if st.toggle("Occlusion sensitivity: which squares matter most for the prediction", key=Inspect.OCCLUSION):
        top = int(seen.probabilities.argmax())
        lost = np.clip(occlusion_map(model, x, class_index=top), 0.0, None)
        components.chart(
            overlay_figure(
                x,
                lost,
                f"covering each square: probability of {class_label(class_names, top)} lost",
                scale_title="probability lost",
                top=max(float(lost.max()), 0.01),
                percent=True,
            ),
            Inspect.OCCLUSION_MAP,
            alt=f"The image with a heat map on top: bright where covering a square costs the prediction "
            f"{class_label(class_names, top)} most; at most {float(lost.max()):.0%} of its probability.",
        )
        st.caption(
            "Each square of the image was covered in turn (filled with black) and the network asked again: the "
            f"colour is how much of the probability of {class_label(class_names, top)} "
            f"({seen.probabilities[top]:.0%}) it lost. Dark squares did not matter; squares whose cover raised it "
            "count as 0."
        )


def _fragility(seen: Seen) -> None:
    from visualizer.backend.adversarial import adversarial, smallest_flipping_epsilon

    model, x, class_names, probabilities = seen.model, seen.x, seen.class_names, seen.probabilities
    st.caption(
        "Change every pixel by at most epsilon, in the direction that hurts the prediction most (the sign of the "
        "loss's gradient): a change too small to see can flip the answer. FGSM takes one step; PGD several, "
        "each kept within epsilon of the image."
    )
    top = int(probabilities.argmax())
    epsilon_col, method_col, steps_col, target_col = st.columns([1.4, 1, 1, 1.4])
    epsilon = epsilon_col.slider("Epsilon (largest change per pixel)", 0.0, 0.3, 0.05, 0.005, key=Inspect.ADV_EPSILON)
    method = method_col.radio("Attack", ["fgsm", "pgd"], format_func=str.upper, key=Inspect.ADV_METHOD)
    steps = steps_col.number_input(
        "PGD steps", 1, 40, 10, key=Inspect.ADV_STEPS, disabled=method == "fgsm", width=components.NUMBER_WIDTH
    )
    classes = list(range(len(probabilities)))
    target = target_col.selectbox(
        "Push it towards",
        [None, *[index for index in classes if index != top]],
        format_func=lambda index: "any other class" if index is None else class_label(class_names, index),
        key=Inspect.ADV_TARGET,
    )
    attack = adversarial(model, x, epsilon, method=method, steps=int(steps), target=target)
    visible = np.clip(0.5 + attack.perturbation / (2 * max(epsilon, 1e-6)), 0.0, 1.0)
    original, change, changed = st.columns(3)
    for column, picture, title, key, alt in (
        (original, x, "the image", Inspect.ADV_ORIGINAL, "The image as the network sees it."),
        (
            change,
            visible,
            f"the change, amplified {0.5 / max(epsilon, 1e-6):,.0f}x",
            Inspect.ADV_CHANGE,
            "The change made to every pixel, amplified to be seen: grey is none, light raised, dark lowered.",
        ),
        (changed, attack.x_adv, "the changed image", Inspect.ADV_CHANGED, "The image after the attack."),
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
        Inspect.ADV_BARS,
        alt="The class probabilities for the changed image.",
    )
    if st.button("Find the smallest epsilon that flips it", key=Inspect.ADV_SMALLEST, icon=":material/search:"):
        with st.spinner("Bisecting epsilon..."):
            found = smallest_flipping_epsilon(model, x, method=method, steps=int(steps))
        if found is None:
            st.info(f"Even epsilon 1 does not flip this prediction with {method.upper()}.")
        else:
            st.success(
                f"The smallest epsilon that flips it with {method.upper()}: **{found:.3f}** "
                f"({found * 255:.1f} of 255 grey levels per pixel), found by bisection to 0.001."
            )


def _filters(seen: Seen) -> None:
    from visualizer.backend.features import MAX_GRID_FILTERS, feature_grid, top_images

    model, info = seen.model, seen.info
    names = info.names("conv2d")
    if not names:
        st.info("This network has no convolution layer: no filters to look at.")
        return
    st.caption(
        "For each filter, the picture that excites it most, found by gradient ascent from a grey start (each step "
        "changes the picture where it raises the filter's mean activation, with a one-pixel jitter), beside the "
        "test image that excites it most. The numbers are the filter's mean activation over its map."
    )
    layer = st.selectbox("Convolution layer", names, index=len(names) - 1, key=Inspect.FILTERS_LAYER)
    if not st.toggle("Find what each filter looks for", key=Inspect.FILTERS_RUN):
        return
    bar = st.progress(0.0, text="Gradient ascent, filter by filter...")
    grid = feature_grid(
        model, layer, progress=lambda done, total: bar.progress(done / total, f"Filter {done} of {total}")
    )
    bar.empty()
    dataset = seen.dataset
    pictures, titles = [], []
    best = None
    if dataset is not None:
        best, best_activation = top_images(model, layer, dataset.x_test[:EMBEDDED_IMAGES])
    for result in grid:
        pictures.append(result.image)
        titles.append(f"filter {result.filter_index}: {result.activations[-1]:.2f}")
        if best is not None:
            index = int(best[result.filter_index])
            pictures.append(dataset.x_test[index])
            titles.append(f"test {index}: {best_activation[result.filter_index]:.2f}")
    components.chart(
        image_grid(np.stack(pictures), titles, columns=8),
        Inspect.FILTERS_GRID,
        alt=f"For each of the first {len(grid)} filters of {layer}: the picture that excites it most"
        + (", beside the test image that excites it most" if best is not None else "")
        + ", with the filter's mean activation for each.",
    )
    if len(grid) == MAX_GRID_FILTERS:
        st.caption(f"The first {MAX_GRID_FILTERS} filters of {layer}.")


EMBEDDED_IMAGES = 500  # test images the embedding shows at most


def _pick_embedded_image() -> None:
    index = components.clicked_customdata(state.value(Inspect.EMBEDDING_CHART))
    if index:
        state.preset(Inspect.SOURCE, "Test image")
        state.preset(Inspect.SAMPLE, int(index[0]))


def _embedding(seen: Seen) -> None:
    from visualizer.backend.embedding import embedding, embedding_layer, features, projection_of, separation
    from visualizer.backend.forward import predict_many

    model, info, class_names = seen.model, seen.info, seen.class_names
    dataset = seen.dataset
    if dataset is None:
        st.info("The embedding places the test images of a dataset this network takes: none fits its input.")
        return
    count = min(len(dataset.x_test), EMBEDDED_IMAGES)
    images, labels = dataset.x_test[:count], dataset.y_test[:count]
    layers = [
        item.name
        for item in info.layers[:-1]
        if item.kind in ("dense", "globalavgpool2d", "globalmaxpool2d", "flatten")
    ]
    default = embedding_layer(model)
    layer_col, method_col = st.columns([1.4, 1])
    options = layers if default in layers else [default, *layers]
    layer = layer_col.selectbox(
        "Layer",
        options,
        index=options.index(default),
        key=Inspect.EMBEDDING_LAYER,
        help="Each test image's values at this layer, one point each (the layer before the output by default).",
    )
    method = method_col.radio(
        "Projection",
        ["pca", "tsne"],
        format_func={"pca": "PCA (same axes at every epoch)", "tsne": "t-SNE (seed 0, slower)"}.get,
        key=Inspect.EMBEDDING_METHOD,
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
        Inspect.EMBEDDING_CHART,
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
    if run is not None and getattr(run, "shipped", False):
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


def _weights(seen: Seen) -> None:
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
        key=Inspect.WEIGHTS_LAYER,
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
        Inspect.WEIGHTS_CHART,
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
            Inspect.GRADIENTS_CHART,
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


def _training_step(seen: Seen) -> None:
    st.caption(
        "Training changes every weight a little against its gradient: how much the loss would grow if the weight "
        "grew. Here is one step of plain gradient descent on this image alone, in numbers, at one convolution "
        "layer: the chain rule from the loss back to one kernel weight."
    )
    training_step_view(
        seen.model, seen.info, seen.x, seen.probabilities, seen.class_names, seen.true_label, Inspect.STEP
    )


def _attention(seen: Seen) -> None:
    from visualizer.backend.attribution import grad_cam, saliency

    model, info, x, class_names, probabilities = seen.model, seen.info, seen.x, seen.class_names, seen.probabilities
    st.caption(
        "Grad-CAM colours the regions whose maps raise the class's score; saliency, the pixels whose change "
        "would move the score most."
    )
    chosen = st.selectbox(
        "Explain the class",
        list(range(len(probabilities))),
        index=int(probabilities.argmax()),
        format_func=lambda index: f"{class_label(class_names, index)} ({probabilities[index]:.0%})",
        key=Inspect.EXPLAIN_CLASS,
    )
    cam_col, saliency_col = st.columns(2)
    if info.names("conv2d"):
        components.chart(
            overlay_figure(
                x, grad_cam(model, x, class_index=int(chosen)), "Grad-CAM", scale_title="importance (largest = 1)"
            ),
            Inspect.GRAD_CAM,
            alt="Grad-CAM: the image with a heat map on top, bright where the last convolution's maps raise the "
            "chosen class's score.",
            container=cam_col,
        )
    else:
        cam_col.info("Grad-CAM needs a convolution layer.")
    components.chart(
        overlay_figure(
            x,
            saliency(model, x, class_index=int(chosen)),
            "Gradient saliency",
            opacity=0.6,
            scale_title="gradient size (largest = 1)",
        ),
        Inspect.SALIENCY,
        alt="Gradient saliency: the image with a heat map on top, bright at the pixels whose change would move "
        "the chosen class's score most.",
        container=saliency_col,
    )


# Each section of the page (``lessons.INSPECT_SECTIONS``, in that order) and the tab that shows it.
SECTIONS = {
    "feature_maps": "Maps",
    "kernels": "Kernels",
    "conv_step": "Step by step",
    "pool_step": "Step by step",
    "attention": "Where it looks",
    "surgery": "Surgery",
    "probes": "Probes",
    "fragility": "Fragility",
    "embedding": "Embedding",
    "filters": "Filters",
    "weights": "Weights",
    "training_step": "One training step",
}
# Each tab, in page order, and the function that fills it.
TABS = {
    "Step by step": _step_by_step,
    "Maps": _feature_maps,
    "Kernels": _kernels,
    "Where it looks": _attention,
    "Surgery": _surgery,
    "Probes": _probes,
    "Fragility": _fragility,
    "Embedding": _embedding,
    "Filters": _filters,
    "Weights": _weights,
    "One training step": _training_step,
}
ANY_MODEL = (
    "filters",
    "feature_maps",
    "kernels",
    "probes",
    "embedding",
    "weights",
)  # the sections that work on any model; the others need known layers


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


def _tabs_shown(plain: bool) -> list[str]:
    """The tabs of the sections a lesson shows (all without one); a network that is not a plain stack gets fewer."""
    wanted = {SECTIONS[section] for section in INSPECT_SECTIONS if state.shows(section)}
    if not plain:
        wanted &= {SECTIONS[section] for section in ANY_MODEL}
    return [tab for tab in TABS if tab in wanted]


def render() -> None:
    st.html(PAGE_CSS)
    locked = state.is_locked("model")
    heading, upload = st.columns([3, 1], vertical_alignment="bottom")
    heading.markdown("### Inspect: follow one image through the network")
    if not (state.presenter() or locked):
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
    if state.model_choice() == "untrained":
        st.page_link(PAGE_FILES["train"], label="Train it first for meaningful maps", icon=":material/model_training:")
    state.remember_image(x, where)
    final = source.run.model if source.run is not None else model
    shown_epoch = state.value(Inspect.EPOCH) if source.run is not None else None
    true_label = None
    if sample_source is not None and state.value(Inspect.SOURCE, SOURCES[0]) == SOURCES[0]:
        true_label = int(sample_source.y_test[int(state.value(Inspect.SAMPLE, 0))])
    seen = Seen(model, info, x, class_names, probabilities, sample_source, final, source.run, shown_epoch, true_label)
    _overview(seen)
    if not info.supported:
        st.info(_missing_views_note(info))
    shown = _tabs_shown(info.supported)
    if not shown:
        return
    for label, tab in zip(shown, st.tabs(shown, key=Inspect.TABS, on_change="rerun"), strict=True):
        if tab.open:
            with tab:
                TABS[label](seen)
    if state.lesson() is not None and state.lesson().show:
        st.caption("This lesson shows only some sections; leave the lesson (sidebar) to see them all.")


if __name__ == "__main__":
    render()
