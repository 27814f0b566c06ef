"""The Inspect page's cost: all-layer feature maps against one plain forward pass, and the page's figures.

1. ``feature_maps`` (one pass of a cached, compiled multi-output model) against
   a plain forward pass of the same image compiled the same way (XLA), and an
   eager ``model(x)``, alternating, many times: the ratio to the compiled pass.
2. What the page computes when it opens on an image: the prediction, every
   layer's maps and the conv kernels, the network overview's data and the first
   conv filter's whole walk for the step explainer, serialised to JSON as
   Streamlit sends it: time and payload, for tinyvgg, lenet5 and resnet_small (a graph), against the
   plain forward pass of the same model.
3. For comparison, every detail figure of the tabs (input, prediction, the
   feature maps of every layer, kernels, one convolution step, Grad-CAM and
   saliency), each computed only when its tab is opened.

    python -m bench.inspect_views --repeats 50
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import plotly.graph_objects as go

from visualizer import figures
from visualizer.backend.attribution import grad_cam, saliency
from visualizer.backend.building import build_model
from visualizer.backend.engine import tf
from visualizer.backend.forward import feature_maps, kernels, predict
from visualizer.backend.info import describe
from visualizer.backend.steps import conv_step
from visualizer.backend.walks import conv_walk
from visualizer.figures.style import HEAT_COLOURS
from visualizer.model.presets import PRESETS
from visualizer.ui.components.overview.payload import overview_payload
from visualizer.ui.components.walk.payload import conv_walk_payload


def first_view(model, x: np.ndarray) -> int:
    """What the Inspect page computes and sends when it opens on ``x``: the size of its JSON, in bytes."""
    info = describe(model)
    probabilities = predict(model, x)
    names = [str(index) for index in range(len(probabilities))]
    convs = info.names("kernel")
    payload = overview_payload(
        x,
        info.layers,
        feature_maps(model, x),
        probabilities,
        names,
        kernels={name: kernels(model, name) for name in convs},
        selected=(convs[0], 0),
    )
    walk = conv_walk_payload(conv_walk(model, convs[0], x, 0), input_is_image=True)
    return len(json.dumps(payload)) + len(json.dumps(walk))


def page_figures(model, x: np.ndarray) -> list:
    """Every detail figure of the Inspect page's tabs for one image."""
    probabilities = predict(model, x)
    names = [str(index) for index in range(len(probabilities))]
    result = [figures.input_figure(x, "input"), figures.probabilities_figure(probabilities, names)]
    for values in feature_maps(model, x).values():
        result.append(figures.feature_map_grid(values) if values.ndim == 3 else figures.vector_figure(values))
    convs = describe(model).names("kernel")
    for position, name in enumerate(convs):
        weights = kernels(model, name)
        if position == 0 and weights.shape[2] == 3:
            result.append(figures.kernel_colour_images(weights))
        result.append(figures.kernel_grid(weights))
    step = conv_step(model, convs[0], x, 5, 5, 0)
    for values in (step.patch[:, :, 0], step.kernel[:, :, 0], step.products[:, :, 0]):
        result.append(figures.number_grid(values, "step"))
    maps = feature_maps(model, x)
    first_input = x[:, :, 0]
    result.append(window_figure(first_input, step.origin, step.kernel.shape[:2], "window"))
    result.append(clickable_map(maps[convs[0]][:, :, 0], (5, 5), "map"))
    result.append(figures.overlay_figure(x, grad_cam(model, x), "Grad-CAM"))
    result.append(figures.overlay_figure(x, saliency(model, x), "saliency"))
    return result


# Figures only this bench draws (the app's step explainer replaced them); kept to time the same work as before.


def clickable_map(values: np.ndarray, selected: tuple[int, int] | None = None, title: str = "") -> go.Figure:
    """A 2-D map whose every cell can be clicked (``customdata`` = [row, col]); the selected cell is outlined."""
    data = np.asarray(values, dtype=np.float32)
    height, width = data.shape
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    layout = {
        "xaxis": {"visible": False, "range": [-0.5, width - 0.5]},
        "yaxis": {"visible": False, "scaleanchor": "x", "range": [height - 0.5, -0.5]},
        "height": 320,
        "margin": {"l": 0, "r": 0, "t": 28 if title else 0, "b": 0},
        "title": {"text": title, "font": {"size": 13}, "x": 0.5, "xanchor": "center"} if title else {},
        "shapes": [] if selected is None else [figures.cell_outline(selected[0], selected[1], 1, 1, "#ef4444")],
        "clickmode": "event+select",
    }
    return figures.unvalidated_figure(
        [
            {
                "type": "heatmap",
                "z": figures.typed_array(data),
                "colorscale": HEAT_COLOURS,
                "showscale": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": figures.typed_array(cols.ravel().astype(np.int32)),
                "y": figures.typed_array(rows.ravel().astype(np.int32)),
                "mode": "markers",
                "marker": {
                    "size": max(4, 260 // max(height, width)),
                    "symbol": "square",
                    "opacity": 0.01,
                    "color": "white",
                },
                "customdata": figures.typed_array(np.stack([rows.ravel(), cols.ravel()], axis=1).astype(np.int32)),
                "hoverinfo": "none",
                "showlegend": False,
            },
        ],
        layout,
    )


def window_figure(values: np.ndarray, origin: tuple[int, int], window: tuple[int, int], title: str = "") -> go.Figure:
    """A layer's input (H, W) with the window of one step outlined (it may hang over the padded edge)."""
    outline = figures.cell_outline(origin[0], origin[1], window[0], window[1], "#ef4444")
    return figures.enlarged_map(values, title, shapes=[outline], pad=max(window) // 2 + 1)


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.RandomState(0)
    print(f"{'model':<14}{'what':<44}{'median ms':>11}{'ratio':>8}{'payload KB':>12}")
    for name in ("tinyvgg", "lenet5", "resnet_small"):
        spec = PRESETS[name]
        model = build_model(spec, seed=0)
        x = rng.rand(*spec.input_shape).astype(np.float32)
        batch = x[None]
        model(batch)
        feature_maps(model, x)
        page_figures(model, x)  # warm up: tracing, caches
        first_view(model, x)
        compiled = tf.function(model, jit_compile=True, reduce_retracing=True)  # as feature_maps is compiled
        np.asarray(compiled(batch, training=False))
        eager, plain, maps = [], [], []
        for _ in range(args.repeats):
            eager += timed(lambda model=model, batch=batch: np.asarray(model(batch, training=False)), 1)
            plain += timed(lambda compiled=compiled, batch=batch: np.asarray(compiled(batch, training=False)), 1)
            maps += timed(lambda model=model, x=x: feature_maps(model, x), 1)
        base = statistics.median(plain)
        page_times, view_times = [], []
        payload = view_payload = 0
        for _ in range(max(3, args.repeats // 10)):
            start = time.perf_counter()
            view_payload = first_view(model, x)
            view_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            built = page_figures(model, x)
            payload = sum(len(figure.to_json()) for figure in built)
            page_times.append(time.perf_counter() - start)
        rows = (
            ("plain forward pass, compiled (baseline)", plain, None),
            ("plain forward pass, eager model(x)", eager, None),
            ("feature_maps: every layer, one pass", maps, None),
            ("first view: overview + walk, built + JSON", view_times, view_payload),
            (f"every tab's figures ({len(built)}), built + JSON", page_times, payload),
        )
        for label, times, size in rows:
            kb = "" if size is None else f"{size / 1024:.0f}"
            print(
                f"{name:<14}{label:<44}{statistics.median(times) * 1000:>11.1f}"
                f"{statistics.median(times) / base:>8.2f}{kb:>12}"
            )


if __name__ == "__main__":
    main()
