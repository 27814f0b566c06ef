"""Pure figure functions: arrays and summaries in, ``go.Figure`` out.

No Streamlit and no TensorFlow here; callers adjust a figure with
``update_layout``. Tests build figures and assert on the figure objects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from visualizer.shapes import LayerSummary, format_shape

LAYER_COLOURS: dict[str, str] = {
    "input": "#9aa5b1",
    "conv2d": "#3b82f6",
    "maxpool2d": "#f59e0b",
    "avgpool2d": "#fbbf24",
    "globalavgpool2d": "#d97706",
    "flatten": "#a855f7",
    "dense": "#10b981",
    "dropout": "#6b7280",
    "batchnorm": "#14b8a6",
    "output": "#ef4444",
}
"""One colour per layer type, shared by every figure that shows layers."""

_SLICE_STEP = 5.0
_MAX_SLICES = 8
_BLOCK_GAP = 46.0
_MIN_SLOT = 100.0
_MAP_SIDE = 120.0
_VECTOR_WIDTH = 14.0


def _block_size(shape: tuple[int, ...], max_side: int, max_units: int) -> tuple[float, float, int]:
    """Width, height and number of drawn slices of one layer's block."""
    if len(shape) == 3:
        height, width, channels = shape
        scale = _MAP_SIDE / math.sqrt(max_side)
        side_h = max(10.0, scale * math.sqrt(height))
        side_w = max(10.0, scale * math.sqrt(width))
        slices = min(channels, _MAX_SLICES)
        return side_w + (slices - 1) * _SLICE_STEP, side_h + (slices - 1) * _SLICE_STEP, slices
    units = shape[0]
    span = math.log10(max(max_units, 10))
    height = 24.0 + 110.0 * math.log10(max(units, 1) + 1) / span
    return _VECTOR_WIDTH, min(height, 140.0), 1


def architecture_figure(
    input_shape: Sequence[int],
    rows: Sequence[LayerSummary],
    error_after: int | None = None,
) -> go.Figure:
    """Draws the network as a row of blocks sized by map size and channels.

    Maps are stacks of squares (side grows with the map's side, up to eight
    slices for the channels); vectors are bars whose height grows with the
    log of their length; the classifier head is drawn in red.

    Args:
        input_shape: ``(height, width, channels)`` of the input image.
        rows: The summary rows to draw, in order.
        error_after: When set, a red marker after the last block says the
            stack stops being valid there.

    Returns:
        The figure, with hover text for every block.
    """
    items: list[tuple[str, str, tuple[int, ...], int]] = [("input", "input", tuple(input_shape), 0)]
    items += [(row.name, "output" if row.name == "output" else row.type, row.output_shape, row.params) for row in rows]
    max_side = max(max(shape[0], shape[1]) for _, _, shape, _ in items if len(shape) == 3)
    max_units = max((shape[0] for _, _, shape, _ in items if len(shape) == 1), default=10)
    traces: list[go.Scatter] = []
    annotations: list[dict] = []
    hover_x, hover_y, hover_text = [], [], []
    sizes = [_block_size(shape, max_side, max_units) for _, _, shape, _ in items]
    tallest = max(height for _, height, _ in sizes)
    x = 0.0
    for position, ((name, kind, shape, params), (width, height, slices)) in enumerate(zip(items, sizes)):
        slot = max(width, _MIN_SLOT - _BLOCK_GAP)
        left = x + (slot - width) / 2
        colour = LAYER_COLOURS.get(kind, "#6b7280")
        face_w = width - (slices - 1) * _SLICE_STEP
        face_h = height - (slices - 1) * _SLICE_STEP
        # Back slices share one translucent trace, the front face is opaque: one polygon per slice,
        # drawn back to front, separated by None so each layer costs two traces whatever its depth.
        for is_front, indices in ((False, range(slices - 1)), (True, [slices - 1])):
            xs: list[float | None] = []
            ys: list[float | None] = []
            for index in indices:
                offset = (slices - 1 - index) * _SLICE_STEP
                x0, y0 = left + offset, -height / 2 + offset
                xs += [x0, x0 + face_w, x0 + face_w, x0, x0, None]
                ys += [y0, y0, y0 + face_h, y0 + face_h, y0, None]
            if xs:
                traces.append(
                    go.Scatter(
                        x=xs,
                        y=ys,
                        fill="toself",
                        fillcolor=colour,
                        opacity=1.0 if is_front else 0.45,
                        mode="lines",
                        line={"color": "white", "width": 1},
                        hoverinfo="skip",
                        showlegend=False,
                        name=name,
                    )
                )
        centre = left + width / 2
        annotations.append(
            {
                "x": centre,
                # Neighbouring labels alternate between two lines so narrow blocks never collide.
                "y": -tallest / 2 - 6 - (30 if position % 2 else 0),
                "text": f"<b>{name}</b><br>{format_shape(shape)}",
                "showarrow": False,
                "yanchor": "top",
                "font": {"size": 11},
            }
        )
        hover_x.append(centre)
        hover_y.append(0)
        params_text = f"{params:,} parameters" if params else "no parameters"
        hover_text.append(f"{name} ({kind})<br>output {format_shape(shape)}<br>{params_text}")
        x += slot + _BLOCK_GAP
    traces.append(
        go.Scatter(
            x=hover_x,
            y=hover_y,
            mode="markers",
            marker={"size": 40, "opacity": 0.0},
            hovertext=hover_text,
            hoverinfo="text",
            showlegend=False,
            name="layers",
        )
    )
    if error_after is not None:
        annotations.append(
            {
                "x": x - _BLOCK_GAP / 2,
                "y": 0,
                "text": "✖ stack invalid here",
                "showarrow": False,
                "font": {"color": "#dc2626", "size": 13},
                "xanchor": "left",
            }
        )
        x += 120
    fig = go.Figure(data=traces, layout={"annotations": annotations})
    fig.update_xaxes(visible=False, range=[-10, max(x, 400)])
    fig.update_yaxes(visible=False, range=[-tallest / 2 - 72, tallest / 2 + 6], scaleanchor="x", scaleratio=1)
    fig.update_layout(
        height=int(tallest + 140),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        dragmode=False,
    )
    return fig


TRAIN_COLOUR = "#2563eb"
VALIDATION_COLOUR = "#f97316"


def _two_panels(titles: tuple[str, str], epochs: int, height: int) -> dict:
    """The layout of a loss panel (left) and an accuracy panel (right) over epochs, as a plain dict."""
    x_axis = {"title": {"text": "epoch"}, "range": [0.5, epochs + 0.5], "dtick": max(1, epochs // 10)}
    return {
        "xaxis": {**x_axis, "domain": [0.0, 0.45], "anchor": "y"},
        "xaxis2": {**x_axis, "domain": [0.55, 1.0], "anchor": "y2"},
        "yaxis": {"rangemode": "tozero", "anchor": "x"},
        "yaxis2": {"range": [0, 1.02], "tickformat": ".0%", "anchor": "x2"},
        "annotations": [
            {
                "text": title,
                "x": x,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14},
            }
            for title, x in zip(titles, (0.225, 0.775))
        ],
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
        "legend": {"orientation": "h", "y": -0.22, "x": 0.5, "xanchor": "center"},
    }


def _curve(
    values, label: str, metric: str, column: int, colour: str, dash: str, group: str, legend: bool, start: int = 1
) -> dict:
    data = np.asarray(values, dtype=np.float32)
    return {
        "type": "scatter",
        "x": typed_array(np.arange(start, start + len(data), dtype=np.int32)),
        "y": typed_array(data),
        "mode": "lines+markers",
        "name": label,
        "legendgroup": group,
        "showlegend": legend,
        "line": {"color": colour, "dash": dash, "width": 2},
        "marker": {"size": 6},
        "xaxis": "x" if column == 1 else "x2",
        "yaxis": "y" if column == 1 else "y2",
        "hovertemplate": f"epoch %{{x}}<br>{label} {metric} %{{y:.4f}}<extra></extra>",
    }


def training_curves(
    history: dict[str, list[float]],
    epochs: int | None = None,
    partial: tuple[float, float, float | None] | None = None,
) -> go.Figure:
    """Loss and accuracy per epoch, training solid and validation dashed, side by side.

    Built from plain dicts (it is redrawn every second while training runs).

    Args:
        history: Keras-style lists: loss, accuracy, val_loss, val_accuracy.
        epochs: Fix the x axis to this many epochs (so live curves grow into a stable frame).
        partial: ``(fractional epoch, loss, accuracy)`` of the epoch in progress, drawn as a
            hollow marker joined to the training curve, so the curve moves between epochs.
    """
    traces = []
    for column, metric in ((1, "loss"), (2, "accuracy")):
        for key, label, colour, dash in (
            (metric, "training", TRAIN_COLOUR, "solid"),
            (f"val_{metric}", "validation (test split)", VALIDATION_COLOUR, "dash"),
        ):
            traces.append(_curve(history.get(key, []), label, metric, column, colour, dash, label, column == 1))
    if partial is not None:
        position, loss, accuracy = partial
        for column, value, previous in (
            (1, loss, history.get("loss", [])),
            (2, accuracy, history.get("accuracy", [])),
        ):
            if value is None:
                continue
            xs = [len(previous), position] if previous else [position]
            ys = [previous[-1], value] if previous else [value]
            traces.append(
                {
                    "type": "scatter",
                    "x": typed_array(np.asarray(xs, dtype=np.float32)),
                    "y": typed_array(np.asarray(ys, dtype=np.float32)),
                    "mode": "lines+markers",
                    "name": "this epoch so far",
                    "legendgroup": "partial",
                    "showlegend": column == 1,
                    "line": {"color": TRAIN_COLOUR, "dash": "dot", "width": 1},
                    "marker": {"size": [0, 9] if previous else [9], "symbol": "circle-open", "color": TRAIN_COLOUR},
                    "xaxis": "x" if column == 1 else "x2",
                    "yaxis": "y" if column == 1 else "y2",
                    "hovertemplate": "epoch %{x:.2f}<br>running mean %{y:.4f}<extra></extra>",
                }
            )
    last = max(epochs or 0, len(history.get("loss", [])), 1)
    layout = _two_panels(("Loss (lower is better)", "Accuracy"), last, 340)
    layout["uirevision"] = "training"
    return unvalidated_figure(traces, layout)


def confusion_matrix_figure(confusion: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Counts of true (rows) against predicted (columns) classes; every cell can be clicked.

    A transparent marker sits on each cell with its (true, predicted) pair as
    ``customdata``: Plotly reports clicks on markers, not on heatmap tiles.
    """
    counts = np.asarray(confusion, dtype=np.int32)
    size = counts.shape[0]
    names = _class_names(class_names, size)
    rows, cols = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    fig = go.Figure(
        go.Heatmap(
            z=counts,
            x=names,
            y=names,
            colorscale="Blues",
            showscale=False,
            hoverinfo="skip",
            text=counts,
            texttemplate="%{text}",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[names[c] for c in cols.ravel()],
            y=[names[r] for r in rows.ravel()],
            mode="markers",
            marker={
                "size": max(8, 300 // max(size, 1)),
                "symbol": "square",
                "opacity": 0.01,
                "color": "white",
            },
            customdata=np.stack([rows.ravel(), cols.ravel()], axis=1).astype(np.int32),
            hovertemplate="true %{y}, predicted %{x}: %{text} images<extra></extra>",
            text=counts.ravel(),
            hoverinfo="none",
            showlegend=False,
        )
    )
    fig.update_xaxes(title_text="predicted class", side="bottom", type="category")
    fig.update_yaxes(title_text="true class", autorange="reversed", type="category")
    fig.update_layout(
        height=max(320, 34 * size + 120),
        margin={"l": 60, "r": 10, "t": 10, "b": 50},
        clickmode="event+select",
    )
    return fig


def per_class_accuracy_figure(per_class_accuracy: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Accuracy of each class on the test split, as bars."""
    values = np.nan_to_num(np.asarray(per_class_accuracy, dtype=np.float32), nan=0.0)
    return _percent_bars(
        _class_names(class_names, len(values)),
        values,
        TRAIN_COLOUR,
        "test accuracy",
        "%{x}: %{y:.1%}<extra></extra>",
        top=1.12,
        height=300,
        bottom=40,
    )


def _class_names(class_names: Sequence[str], count: int) -> list[str]:
    """``count`` labels: the class names, then numbers for outputs beyond the named classes."""
    return [str(name) for name in class_names][:count] + [str(i) for i in range(len(class_names), count)]


def _percent_bars(
    names: list[str], values: np.ndarray, colours, title: str, hover: str, top: float, height: int, bottom: int
) -> go.Figure:
    """Bars of fractions in [0, 1], labelled with percentages, one per class."""
    data = np.asarray(values, dtype=np.float32)
    return unvalidated_figure(
        [
            {
                "type": "bar",
                "x": list(names),
                "y": typed_array(data),
                "marker": {"color": colours if isinstance(colours, str) else list(colours)},
                "text": [f"{value:.0%}" for value in data],
                "textposition": "outside",
                "hovertemplate": hover,
            }
        ],
        {
            "yaxis": {"range": [0, top], "tickformat": ".0%", "title": {"text": title}},
            "xaxis": {"type": "category"},
            "height": height,
            "margin": {"l": 50, "r": 10, "t": 10, "b": bottom},
        },
    )


def image_grid(images: np.ndarray, titles: Sequence[str], columns: int = 8, scale: int = 3) -> go.Figure:
    """A grid of images (N, H, W, C) in [0, 1] with a title under each, as one uint8 image trace."""
    count = len(images)
    if count == 0:
        return go.Figure()
    images = np.asarray(images, dtype=np.float32)
    height, width, channels = images.shape[1:]
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    gap, label = 4, 18
    cell_h, cell_w = height * scale + label, width * scale + gap
    mosaic = np.full((rows * cell_h, columns * cell_w, 3), 255, dtype=np.uint8)
    annotations = []
    for index, (image, title) in enumerate(zip(images, titles)):
        row, column = divmod(index, columns)
        pixels = np.clip(image * 255.0 + 0.5, 0, 255).astype(np.uint8)
        if channels == 1:
            pixels = np.repeat(pixels, 3, axis=2)
        elif channels != 3:
            pixels = np.repeat(pixels.mean(axis=2, keepdims=True).astype(np.uint8), 3, axis=2)
        pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)
        top, left = row * cell_h, column * cell_w
        mosaic[top : top + height * scale, left : left + width * scale] = pixels
        annotations.append(
            {
                "x": left + width * scale / 2,
                "y": top + height * scale + label / 2,
                "text": str(title),
                "showarrow": False,
                "font": {"size": 11},
            }
        )
    return unvalidated_figure(
        [{"type": "image", "source": png_data_uri(mosaic), "hoverinfo": "skip"}],
        {
            "xaxis": {"range": [0, mosaic.shape[1]], "visible": False},
            "yaxis": {"range": [mosaic.shape[0], 0], "visible": False},
            "annotations": annotations,
            "height": min(900, rows * cell_h + 20),
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        },
    )


def png_data_uri(pixels: np.ndarray) -> str:
    """A uint8 (H, W, 3) or (H, W) array as a PNG data URI: a few KB where JSON lists would take MB."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


HEAT_COLOURS = "Viridis"
DIVERGING_COLOURS = "RdBu_r"


def probabilities_figure(probabilities: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Softmax probabilities as bars, the top class highlighted."""
    values = np.asarray(probabilities, dtype=np.float32)
    top = int(values.argmax()) if len(values) else -1
    colours = [VALIDATION_COLOUR if index == top else "#94a3b8" for index in range(len(values))]
    return _percent_bars(
        _class_names(class_names, len(values)),
        values,
        colours,
        "probability",
        "%{x}: %{y:.2%}<extra></extra>",
        top=1.15,
        height=280,
        bottom=30,
    )


def _mosaic(tiles: np.ndarray, columns: int, gap: int = 1) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Lays (N, h, w) tiles out in a grid separated by NaN gaps; returns it and each tile's top-left corner."""
    count, height, width = tiles.shape
    rows = -(-count // columns)
    mosaic = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), np.nan, dtype=np.float32)
    corners = []
    for index in range(count):
        row, column = divmod(index, columns)
        top, left = row * (height + gap), column * (width + gap)
        mosaic[top : top + height, left : left + width] = tiles[index]
        corners.append((top, left))
    return mosaic, corners


def feature_map_grid(
    maps: np.ndarray, max_maps: int = 32, shared_scale: bool = True, columns: int = 8, title: str = ""
) -> go.Figure:
    """The channels of one layer's output (H, W, C) as a grid of heatmaps; click a map to pick it.

    Args:
        maps: One layer's output for one image.
        max_maps: Show at most this many channels (the first ones).
        shared_scale: One colour scale for all maps (compare them) or one per map (see each one's pattern).
        columns: Maps per row.
        title: Text above the grid.
    """
    values = np.asarray(maps, dtype=np.float32)
    count = min(values.shape[2], max_maps)
    tiles = np.moveaxis(values[:, :, :count], 2, 0)
    if not shared_scale:
        low = tiles.min(axis=(1, 2), keepdims=True)
        span = tiles.max(axis=(1, 2), keepdims=True) - low
        tiles = np.where(span > 0, (tiles - low) / np.where(span > 0, span, 1), 0.0)
    columns = max(1, min(columns, count))
    mosaic, corners = _mosaic(tiles, columns)
    height, width = values.shape[:2]
    rows = -(-count // columns)
    # Built from plain dicts without validation: this figure is drawn once per layer on every rerun.
    return unvalidated_figure(
        [
            {
                "type": "heatmap",
                "z": typed_array(mosaic),
                "colorscale": HEAT_COLOURS,
                "showscale": shared_scale,
                "colorbar": {"thickness": 10, "len": 0.9},
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": typed_array(np.asarray([left + (width - 1) / 2 for _, left in corners], dtype=np.float32)),
                "y": typed_array(np.asarray([top + (height - 1) / 2 for top, _ in corners], dtype=np.float32)),
                "mode": "markers",
                "marker": {"size": 30, "opacity": 0.01, "symbol": "square", "color": "white"},
                "customdata": typed_array(np.arange(count, dtype=np.int32)),
                "hoverinfo": "none",  # "none" still fires click events ("skip" would not)
                "showlegend": False,
            },
        ],
        {
            "xaxis": {"visible": False, "range": [-0.5, mosaic.shape[1] - 0.5]},
            "yaxis": {"visible": False, "scaleanchor": "x", "range": [mosaic.shape[0] - 0.5, -0.5]},
            "height": int(min(640, max(140, rows * 92 + 30))),
            "margin": {"l": 0, "r": 0, "t": 24 if title else 4, "b": 0},
            "title": {"text": title, "font": {"size": 13}, "x": 0, "xanchor": "left"} if title else {},
            "plot_bgcolor": "rgba(0,0,0,0)",
            "clickmode": "event+select",  # a click selects the map under it (a heatmap alone reports nothing)
        },
    )


def enlarged_map(values: np.ndarray, title: str = "", shapes: list[dict] | None = None, pad: int = 0) -> go.Figure:
    """One 2-D map (H, W) on its own, large, with its values on hover; ``shapes`` outline parts of it."""
    data = np.asarray(values, dtype=np.float32)
    height, width = data.shape
    return unvalidated_figure(
        [
            {
                "type": "heatmap",
                "z": typed_array(data),
                "colorscale": HEAT_COLOURS,
                "colorbar": {"thickness": 10},
                "hovertemplate": "row %{y}, column %{x}: %{z:.4f}<extra></extra>",
            }
        ],
        {
            "xaxis": {"visible": False, "range": [-pad - 0.5, width + pad - 0.5]},
            "yaxis": {"visible": False, "scaleanchor": "x", "range": [height + pad - 0.5, -pad - 0.5]},
            "height": 360,
            "margin": {"l": 0, "r": 0, "t": 28 if title else 0, "b": 0},
            "title": {"text": title, "font": {"size": 13}, "x": 0.5, "xanchor": "center"} if title else {},
            "shapes": shapes or [],
        },
    )


def vector_figure(values: np.ndarray, title: str = "", max_values: int = 128) -> go.Figure:
    """A dense layer's output (or any vector) as bars (the first ``max_values``)."""
    data = np.asarray(values, dtype=np.float32)[:max_values]
    return unvalidated_figure(
        [
            {
                "type": "bar",
                "x": typed_array(np.arange(len(data), dtype=np.int32)),
                "y": typed_array(data),
                "marker": {"color": TRAIN_COLOUR},
                "hovertemplate": "unit %{x}: %{y:.3f}<extra></extra>",
            }
        ],
        {
            "height": 200,
            "margin": {"l": 40, "r": 10, "t": 24 if title else 4, "b": 20},
            "title": {"text": title, "font": {"size": 13}, "x": 0} if title else {},
            "xaxis": {"title": {"text": "unit"}},
        },
    )


def kernel_grid(kernel: np.ndarray, max_filters: int = 32, max_channels: int = 8) -> go.Figure:
    """A conv layer's kernels (kh, kw, in, out): one row per filter, one column per input channel.

    Diverging colours centred on zero: red weights excite, blue ones inhibit. A layer with one
    input channel lays its filters out in rows of eight instead.
    """
    values = np.asarray(kernel, dtype=np.float32)
    height, width, channels, filters = values.shape
    shown_channels, shown_filters = min(channels, max_channels), min(filters, max_filters)
    tiles = np.stack([values[:, :, c, f] for f in range(shown_filters) for c in range(shown_channels)])
    single = shown_channels == 1
    columns = min(shown_filters, 8) if single else shown_channels
    mosaic, corners = _mosaic(tiles, columns)
    bound = float(np.nanmax(np.abs(mosaic))) or 1.0
    heat = {
        "type": "heatmap",
        "z": typed_array(mosaic),
        "colorscale": _explicit_scale(DIVERGING_COLOURS),
        "zmid": 0.0,
        "zmin": -bound,
        "zmax": bound,
        "colorbar": {"thickness": 10},
        "hovertemplate": "%{z:.3f}<extra></extra>",
    }
    rows = -(-len(tiles) // columns)
    if single:
        labels = [
            {
                "x": left + (width - 1) / 2,
                "y": top - 0.5,
                "text": f"filter {index}",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 10},
            }
            for index, (top, left) in enumerate(corners)
        ]
        axes = {"xaxis": {"visible": False}, "yaxis": {"visible": False, "autorange": "reversed", "scaleanchor": "x"}}
        size = {"height": int(min(700, 70 + rows * 110)), "margin": {"l": 0, "r": 0, "t": 20, "b": 0}}
    else:
        labels = []
        axes = {
            "xaxis": {
                "tickvals": [c * (width + 1) + (width - 1) / 2 for c in range(shown_channels)],
                "ticktext": [f"in {c}" for c in range(shown_channels)],
                "side": "top",
            },
            "yaxis": {
                "tickvals": [f * (height + 1) + (height - 1) / 2 for f in range(shown_filters)],
                "ticktext": [f"filter {f}" for f in range(shown_filters)],
                "autorange": "reversed",
                "scaleanchor": "x",
            },
        }
        size = {
            "height": int(min(900, max(160, shown_filters * (height + 1) * 9 + 60))),
            "margin": {"l": 60, "r": 10, "t": 30, "b": 10},
        }
    return unvalidated_figure([heat], {**axes, **size, "annotations": labels, "plot_bgcolor": "rgba(0,0,0,0)"})


def kernel_colour_images(kernel: np.ndarray, max_filters: int = 32) -> go.Figure:
    """A first layer's kernels on RGB input shown as small colour images (each scaled to [0, 1])."""
    values = np.asarray(kernel, dtype=np.float32)[:, :, :3, :max_filters]
    low = values.min(axis=(0, 1, 2), keepdims=True)
    span = np.maximum(values.max(axis=(0, 1, 2), keepdims=True) - low, 1e-8)
    images = np.moveaxis((values - low) / span, 3, 0)
    return image_grid(
        images, [f"filter {index}" for index in range(len(images))], columns=8, scale=max(1, 48 // values.shape[0])
    )


def _explicit_scale(name: str) -> list[list]:
    """A named Python Plotly colour scale (``RdBu_r``, ``Greys``...) as explicit [position, colour] pairs."""
    from plotly.colors import get_colorscale

    return [[float(position), colour] for position, colour in get_colorscale(name)]


def number_grid(
    values: np.ndarray,
    title: str,
    colours: str = DIVERGING_COLOURS,
    centre: bool = True,
    shapes: list[dict] | None = None,
) -> go.Figure:
    """A small 2-D array as an annotated heatmap: every number readable; ``shapes`` outline cells."""
    data = np.asarray(values, dtype=np.float32)
    bound = float(np.nanmax(np.abs(data))) if data.size and np.isfinite(data).any() else 1.0
    heat = {
        "type": "heatmap",
        "z": typed_array(data),
        "text": [[("" if not np.isfinite(v) else f"{v:.2f}") for v in row] for row in data.tolist()],
        "texttemplate": "%{text}",
        "textfont": {"size": 12},
        # Unvalidated traces reach plotly.js as written, and plotly.js orders some named scales the other
        # way round from Python's (RdBu, Greys): send Python's scale as explicit colours.
        "colorscale": _explicit_scale(colours),
        "showscale": False,
        "hoverinfo": "skip",
        **({"zmid": 0.0, "zmin": -bound or -1, "zmax": bound or 1} if centre else {}),
    }
    size = max(data.shape) if data.size else 1
    return unvalidated_figure(
        [heat],
        {
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "autorange": "reversed", "scaleanchor": "x"},
            "height": int(min(360, 60 + 46 * size)),
            "margin": {"l": 0, "r": 0, "t": 28, "b": 0},
            "title": {"text": title, "font": {"size": 13}, "x": 0.5, "xanchor": "center"},
            "shapes": shapes or [],
        },
    )


def cell_outline(row: int, col: int, height: int = 1, width: int = 1, colour: str = "#ef4444") -> dict:
    """A layout shape outlining ``height`` x ``width`` cells of a heatmap from (row, col)."""
    return _cell_rectangle(row, col, height, width, colour)


def _as_picture(fig: go.Figure, width: int, title: str) -> go.Figure:
    """Lays a figure out as a picture: no axes, rows downwards, square pixels, a centred title."""
    fig.update_xaxes(visible=False, range=[-0.5, width - 0.5])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_layout(
        height=300,
        margin={"l": 0, "r": 0, "t": 28 if title else 0, "b": 0},
        title={"text": title, "font": {"size": 13}, "x": 0.5, "xanchor": "center"} if title else None,
    )
    return fig


def overlay_figure(image: np.ndarray, heat: np.ndarray, title: str = "", opacity: float = 0.5) -> go.Figure:
    """A heat map in [0, 1] (H, W) laid over the model's input image (H, W, C) in [0, 1]."""
    pixels = np.clip(np.asarray(image, dtype=np.float32) * 255 + 0.5, 0, 255).astype(np.uint8)
    if pixels.shape[2] == 1:
        pixels = np.repeat(pixels, 3, axis=2)
    pixels = pixels[:, :, :3]
    fig = go.Figure(go.Image(source=png_data_uri(pixels), hoverinfo="skip"))
    fig.add_trace(
        go.Heatmap(
            z=np.asarray(heat, dtype=np.float32),
            colorscale="Jet",
            zmin=0,
            zmax=1,
            opacity=opacity,
            colorbar={"thickness": 10},
            hovertemplate="%{z:.2f}<extra></extra>",
        )
    )
    return _as_picture(fig, pixels.shape[1], title)


def input_figure(image: np.ndarray, title: str = "") -> go.Figure:
    """Exactly what the model sees: its input array (H, W, C) in [0, 1], pixels enlarged."""
    return image_grid(
        np.asarray(image, dtype=np.float32)[None], [title], columns=1, scale=max(1, 224 // max(image.shape[0], 1))
    )


_DTYPES = {
    "float32": "f4",
    "float64": "f8",
    "int32": "i4",
    "int16": "i2",
    "int8": "i1",
    "uint8": "u1",
    "uint16": "u2",
    "uint32": "u4",
}


def typed_array(values: np.ndarray) -> dict:
    """A NumPy array in Plotly's typed-array JSON form (base64 bytes), as Plotly itself sends arrays."""
    import base64

    array = np.ascontiguousarray(values)
    encoded = {"dtype": _DTYPES[str(array.dtype)], "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        encoded["shape"] = ", ".join(str(size) for size in array.shape)
    return encoded


def decode_typed_array(value) -> np.ndarray:
    """The inverse of ``typed_array`` (plain lists pass through): for tests and figure readers."""
    import base64

    if isinstance(value, dict) and "bdata" in value:
        inverse = {code: name for name, code in _DTYPES.items()}
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=inverse[value["dtype"]])
        if "shape" in value:
            array = array.reshape([int(size) for size in value["shape"].split(",")])
        return array
    return np.asarray(value)


def unvalidated_figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain trace and layout dicts, skipping Plotly's (slow) property validation.

    For figures drawn many times per rerun; their shapes are covered by the tests instead.
    """
    return go.Figure(data=data, layout=layout, _validate=False)


def _cell_rectangle(row: float, col: float, height: float, width: float, colour: str, xref="x", yref="y") -> dict:
    return {
        "type": "rect",
        "xref": xref,
        "yref": yref,
        "x0": col - 0.5,
        "x1": col + width - 0.5,
        "y0": row - 0.5,
        "y1": row + height - 0.5,
        "line": {"color": colour, "width": 3},
    }


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
        "shapes": [] if selected is None else [_cell_rectangle(selected[0], selected[1], 1, 1, "#ef4444")],
        "clickmode": "event+select",
    }
    return unvalidated_figure(
        [
            {
                "type": "heatmap",
                "z": typed_array(data),
                "colorscale": HEAT_COLOURS,
                "showscale": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": typed_array(cols.ravel().astype(np.int32)),
                "y": typed_array(rows.ravel().astype(np.int32)),
                "mode": "markers",
                "marker": {
                    "size": max(4, 260 // max(height, width)),
                    "symbol": "square",
                    "opacity": 0.01,
                    "color": "white",
                },
                "customdata": typed_array(np.stack([rows.ravel(), cols.ravel()], axis=1).astype(np.int32)),
                "hoverinfo": "none",
                "showlegend": False,
            },
        ],
        layout,
    )


def window_figure(values: np.ndarray, origin: tuple[int, int], window: tuple[int, int], title: str = "") -> go.Figure:
    """A layer's input (H, W) with the window of one step outlined (it may hang over the padded edge)."""
    outline = _cell_rectangle(origin[0], origin[1], window[0], window[1], "#ef4444")
    return enlarged_map(values, title, shapes=[outline], pad=max(window) // 2 + 1)


def sliding_window_animation(
    inputs: np.ndarray,
    outputs: np.ndarray,
    window: tuple[int, int],
    strides: tuple[int, int],
    padding_offset: tuple[int, int] = (0, 0),
    max_frames: int = 120,
) -> go.Figure:
    """The window sliding over the input (left) and the output value it makes (right), as a Plotly animation.

    Args:
        inputs: The layer's input, one channel (H, W).
        outputs: The output map it produces (out_h, out_w).
        window: Window (kernel or pool) size.
        strides: Step of the window.
        padding_offset: Rows and columns of padding before the input ('same' padding), so the
            window's top-left corner is at ``position * stride - offset``.
        max_frames: Show at most this many positions (evenly spaced, in reading order).
    """
    source = np.asarray(inputs, dtype=np.float32)
    result = np.asarray(outputs, dtype=np.float32)
    out_h, out_w = result.shape
    positions = [(row, col) for row in range(out_h) for col in range(out_w)]
    step = max(1, -(-len(positions) // max_frames))
    shown = positions[::step]

    def shapes(row: int, col: int) -> list[dict]:
        top, left = row * strides[0] - padding_offset[0], col * strides[1] - padding_offset[1]
        return [
            _cell_rectangle(top, left, window[0], window[1], "#ef4444"),
            _cell_rectangle(row, col, 1, 1, "#ef4444", xref="x2", yref="y2"),
        ]

    # Frames only move the two outlines: a few hundred bytes each, whatever the map size.
    frames = [{"name": str(number), "layout": {"shapes": shapes(*position)}} for number, position in enumerate(shown)]
    low, high = float(np.nanmin(result)), float(np.nanmax(result))
    data = [
        {
            "type": "heatmap",
            "z": typed_array(source),
            "colorscale": _explicit_scale("Greys_r"),
            "showscale": False,
            "xaxis": "x",
            "yaxis": "y",
            "hoverinfo": "skip",
        },
        {
            "type": "heatmap",
            "z": typed_array(result),
            "colorscale": HEAT_COLOURS,
            "zmin": low,
            "zmax": high if high > low else low + 1,
            "showscale": False,
            "xaxis": "x2",
            "yaxis": "y2",
            "hoverinfo": "skip",
        },
    ]
    pad = max(window)
    layout = {
        "xaxis": {"domain": [0, 0.48], "visible": False, "range": [-pad - 0.5, source.shape[1] + pad - 0.5]},
        "yaxis": {"scaleanchor": "x", "visible": False, "range": [source.shape[0] + pad - 0.5, -pad - 0.5]},
        "xaxis2": {"domain": [0.52, 1], "visible": False, "range": [-0.5, out_w - 0.5]},
        "yaxis2": {"scaleanchor": "x2", "visible": False, "range": [out_h - 0.5, -0.5]},
        "shapes": shapes(*shown[0]),
        "height": 340,
        "margin": {"l": 0, "r": 0, "t": 10, "b": 40},
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": -0.02,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {
                        "label": "▶ Play",
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": 120, "redraw": True},
                                "fromcurrent": True,
                                "transition": {"duration": 0},
                            },
                        ],
                    },
                    {
                        "label": "❚❚ Pause",
                        "method": "animate",
                        "args": [[None], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}],
                    },
                ],
            }
        ],
    }
    return go.Figure(data=data, layout=layout, frames=frames, _validate=False)


# The Learn page.

CURVE_COLOURS = ("#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777")


def activation_curves_figure(x: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray]]) -> go.Figure:
    """Each activation (left) and its derivative (right) over ``x``, one colour per activation."""
    from plotly.subplots import make_subplots

    titles = ("f(x): what the unit outputs", "f'(x): the slope backprop uses")
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles)
    for index, (label, (y, dy)) in enumerate(curves.items()):
        colour = CURVE_COLOURS[index % len(CURVE_COLOURS)]
        for column, values, what in ((1, y, "f(x)"), (2, dy, "f'(x)")):
            fig.add_trace(
                go.Scatter(
                    x=np.asarray(x, dtype=np.float32),
                    y=np.asarray(values, dtype=np.float32),
                    mode="lines",
                    name=label,
                    legendgroup=label,
                    showlegend=column == 1,
                    line={"color": colour, "width": 3},
                    hovertemplate=f"{label}<br>x %{{x:.2f}}<br>{what} %{{y:.4f}}<extra></extra>",
                ),
                row=1,
                col=column,
            )
    fig.update_xaxes(title_text="x (pre-activation)", zeroline=True, zerolinecolor="#9ca3af")
    fig.update_yaxes(zeroline=True, zerolinecolor="#9ca3af")
    fig.update_layout(
        height=380,
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        legend={"orientation": "h", "y": -0.2, "x": 0.5, "xanchor": "center"},
        font={"size": 14},
    )
    return fig


def gradient_depth_figure(products: dict[str, np.ndarray]) -> go.Figure:
    """The product of activation slopes through 1..n layers, per activation, on a log scale."""
    fig = go.Figure()
    for index, (label, values) in enumerate(products.items()):
        data = np.asarray(values, dtype=np.float64)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(data) + 1, dtype=np.int32),
                y=np.maximum(data, 1e-300),
                mode="lines+markers",
                name=label,
                line={"color": CURVE_COLOURS[index % len(CURVE_COLOURS)], "width": 3},
                hovertemplate=f"{label}<br>%{{x}} layers: gradient x %{{y:.3g}}<extra></extra>",
            )
        )
    depth = max((len(values) for values in products.values()), default=1)
    fig.update_xaxes(title_text="layers the gradient passes back through", dtick=max(1, depth // 10))
    fig.update_yaxes(type="log", title_text="gradient multiplier", exponentformat="power")
    fig.update_layout(
        height=340, margin={"l": 60, "r": 20, "t": 20, "b": 50}, legend={"x": 0.01, "y": 0.02}, font={"size": 14}
    )
    return fig


def preactivation_figure(
    values: np.ndarray, curve_x: np.ndarray, curve_y: np.ndarray, activation: str, title: str = "", bins: int = 60
) -> go.Figure:
    """A histogram of a layer's pre-activation values with its activation curve drawn over it."""
    data = np.asarray(values, dtype=np.float64)
    data = data[np.isfinite(data)]
    low = min(float(data.min()) if data.size else -1.0, float(np.min(curve_x)))
    high = max(float(data.max()) if data.size else 1.0, float(np.max(curve_x)))
    counts, edges = np.histogram(data, bins=bins, range=(low, high))
    share = counts / max(data.size, 1)
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(
        go.Bar(
            x=centres.astype(np.float32),
            y=share.astype(np.float32),
            width=float(edges[1] - edges[0]),
            marker={"color": np.where(centres <= 0, "#94a3b8", "#60a5fa").tolist()},
            name="pre-activation values",
            hovertemplate="x in [%{x:.2f}]: %{y:.1%} of values<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=np.asarray(curve_x, dtype=np.float32),
            y=np.asarray(curve_y, dtype=np.float32),
            mode="lines",
            name=activation,
            yaxis="y2",
            line={"color": "#dc2626", "width": 3},
            hovertemplate=f"{activation}(%{{x:.2f}}) = %{{y:.3f}}<extra></extra>",
        )
    )
    fig.update_layout(
        height=260,
        margin={"l": 50, "r": 50, "t": 30 if title else 10, "b": 40},
        title={"text": title, "font": {"size": 14}, "x": 0} if title else None,
        xaxis={"title": {"text": "value before the activation"}, "range": [low, high]},
        yaxis={"title": {"text": "share of values"}, "tickformat": ".0%"},
        yaxis2={"overlaying": "y", "side": "right", "title": {"text": activation}, "showgrid": False},
        showlegend=False,
        bargap=0,
    )
    return fig


def kernel_output_figure(values: np.ndarray, title: str = "") -> go.Figure:
    """A kernel's output: one channel as a heatmap (diverging when it has negative values), RGB as a picture."""
    data = np.asarray(values, dtype=np.float32)
    if data.ndim == 3:
        return input_figure(np.clip(data, 0.0, 1.0), title)
    negative = bool((data < 0).any())
    bound = float(np.abs(data).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=data,
            colorscale=DIVERGING_COLOURS if negative else "Greys_r",
            zmid=0.0 if negative else None,
            zmin=-bound if negative else None,
            zmax=bound if negative else None,
            colorbar={"thickness": 10},
            hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>",
        )
    )
    return _as_picture(fig, data.shape[1], title)


def contributions_figure(contributions: np.ndarray, bias: float, title: str = "", top: int = 15) -> go.Figure:
    """One class's logit as a sum: the ``top`` largest input x weight products, the rest, and the bias."""
    data = np.asarray(contributions, dtype=np.float64)
    order = np.argsort(-np.abs(data))[:top]
    rest = float(data.sum() - data[order].sum())
    labels = [f"unit {int(index)}" for index in order] + [f"{max(len(data) - len(order), 0)} others", "bias"]
    values = np.concatenate([data[order], [rest, bias]])
    fig = go.Figure(
        go.Waterfall(
            x=[*labels, "logit"],
            y=np.concatenate([values, [0.0]]).tolist(),
            measure=["relative"] * len(values) + ["total"],
            increasing={"marker": {"color": "#2563eb"}},
            decreasing={"marker": {"color": "#dc2626"}},
            totals={"marker": {"color": "#111827"}},
            hovertemplate="%{x}: %{y:+.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_layout(
        height=340,
        margin={"l": 50, "r": 10, "t": 30 if title else 10, "b": 80},
        title={"text": title, "font": {"size": 14}, "x": 0} if title else None,
        yaxis={"title": {"text": "contribution to the logit"}},
        showlegend=False,
    )
    return fig


def logits_figure(logits: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Logits (any real number, left) and the softmax probabilities they become (right), per class."""
    from plotly.subplots import make_subplots

    names = _class_names(class_names, len(logits))
    titles = ("logits z (weights x inputs + bias)", "softmax(z): probabilities")
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles)
    fig.add_trace(
        go.Bar(
            x=names,
            y=np.asarray(logits, dtype=np.float32),
            marker_color=np.where(np.asarray(logits) >= 0, "#2563eb", "#dc2626").tolist(),
            text=[f"{value:.2f}" for value in logits],
            textposition="outside",
            hovertemplate="%{x}: z = %{y:.3f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=names,
            y=np.asarray(probabilities, dtype=np.float32),
            marker_color="#16a34a",
            text=[f"{value:.0%}" for value in probabilities],
            textposition="outside",
            hovertemplate="%{x}: %{y:.2%}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1.12], tickformat=".0%", row=1, col=2)
    fig.update_layout(height=340, margin={"l": 50, "r": 10, "t": 40, "b": 40}, showlegend=False, font={"size": 13})
    return fig


def dropout_figure(values: np.ndarray, kept: np.ndarray, scale: float) -> go.Figure:
    """A layer's units before dropout (grey) and after it (kept units scaled by ``scale``, dropped at 0)."""
    data = np.asarray(values, dtype=np.float32)
    mask = np.asarray(kept, dtype=bool)
    units = np.arange(len(data), dtype=np.int32)
    fig = go.Figure(
        [
            go.Bar(
                x=units,
                y=data,
                name="before dropout (inference: passed on unchanged)",
                marker_color="#cbd5e1",
                hovertemplate="unit %{x}: %{y:.3f}<extra></extra>",
            ),
            go.Bar(
                x=units,
                y=np.where(mask, data * scale, 0.0).astype(np.float32),
                name=f"training: kept x {scale:.2f}, dropped = 0",
                marker_color=np.where(mask, "#2563eb", "#dc2626").tolist(),
                hovertemplate="unit %{x}: %{y:.3f}<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        barmode="group",
        height=300,
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        xaxis={"title": {"text": "unit"}},
        yaxis={"title": {"text": "value"}},
        legend={"orientation": "h", "y": 1.1, "x": 0},
    )
    return fig


def prediction_spread_figure(samples: np.ndarray, inference: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """The spread of class probabilities over many dropout masks (boxes) and without dropout (diamonds)."""
    data = np.asarray(samples, dtype=np.float32)
    names = _class_names(class_names, data.shape[1])
    fig = go.Figure()
    for index, name in enumerate(names):
        fig.add_trace(
            go.Box(
                y=data[:, index],
                name=name,
                marker_color="#2563eb",
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"size": 4, "opacity": 0.5},
                showlegend=False,
                hovertemplate=f"{name}: %{{y:.1%}}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=names,
            y=np.asarray(inference, dtype=np.float32),
            mode="markers",
            name="dropout off (inference)",
            marker={"symbol": "diamond", "size": 12, "color": "#dc2626"},
            hovertemplate="%{x} without dropout: %{y:.1%}<extra></extra>",
        )
    )
    fig.update_yaxes(range=[-0.02, 1.02], tickformat=".0%", title_text="probability")
    fig.update_xaxes(type="category")
    fig.update_layout(
        height=340, margin={"l": 50, "r": 10, "t": 10, "b": 40}, legend={"orientation": "h", "y": 1.08, "x": 0}
    )
    return fig


def comparison_curves(histories: dict[str, dict[str, list[float]]], epochs: int | None = None) -> go.Figure:
    """Loss and accuracy of several runs in one frame: one colour per run, training solid, test dashed."""
    traces = []
    longest = 1
    for index, (label, history) in enumerate(histories.items()):
        colour = CURVE_COLOURS[index % len(CURVE_COLOURS)]
        for column, metric in ((1, "loss"), (2, "accuracy")):
            for key, split, dash in ((metric, "training", "solid"), (f"val_{metric}", "test", "dash")):
                values = history.get(key, [])
                longest = max(longest, len(values))
                name = f"{label}, {split}"
                traces.append(_curve(values, name, metric, column, colour, dash, name, column == 1))
    layout = _two_panels(("Loss (lower is better)", "Accuracy"), max(epochs or 0, longest), 380)
    layout["legend"]["y"] = -0.2
    layout["uirevision"] = "comparison"
    return unvalidated_figure(traces, layout)
