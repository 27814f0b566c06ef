"""Images and maps: what the model sees, feature maps, kernels, small number grids, overlays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from visualizer.figures.encoding import (
    explicit_scale,
    figure_text,
    png_data_uri,
    typed_array,
    unvalidated_figure,
)
from visualizer.figures.style import DIVERGING_COLOURS, HEAT_COLOURS, TRAIN_COLOUR


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
                "text": figure_text(title, 60),
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


def input_figure(image: np.ndarray, title: str = "") -> go.Figure:
    """Exactly what the model sees: its input array (H, W, C) in [0, 1], pixels enlarged."""
    return image_grid(
        np.asarray(image, dtype=np.float32)[None], [title], columns=1, scale=max(1, 224 // max(image.shape[0], 1))
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
            "width": _picture_width(height + 2 * pad, width + 2 * pad, 360, 28 if title else 0, colour_bar=True),
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
        "colorscale": explicit_scale(DIVERGING_COLOURS),
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


def cell_number(value: float) -> str:
    """A number as a grid cell shows it: whole numbers without decimals (3, -1), others with two (0.25)."""
    if not np.isfinite(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def number_grid(
    values: np.ndarray,
    title: str,
    colours: str = DIVERGING_COLOURS,
    centre: bool = True,
    shapes: list[dict] | None = None,
    value_range: tuple[float, float] | None = None,
) -> go.Figure:
    """A small 2-D array as an annotated heatmap: every number readable; ``shapes`` outline cells.

    Args:
        values: The numbers (H, W).
        title: Shown above.
        colours: A Plotly colour scale name.
        centre: Whether zero sits in the middle of the scale (weights); otherwise the scale spans the values.
        shapes: Layout shapes drawn on top (outlines).
        value_range: The scale's ends, to draw several grids on one scale (the input and output of pooling).
    """
    data = np.asarray(values, dtype=np.float32)
    bound = float(np.nanmax(np.abs(data))) if data.size and np.isfinite(data).any() else 1.0
    ends = {} if value_range is None else {"zmin": float(value_range[0]), "zmax": float(value_range[1])}
    heat = {
        "type": "heatmap",
        "z": typed_array(data),
        "text": [[cell_number(v) for v in row] for row in data.tolist()],
        "texttemplate": "%{text}",
        "textfont": {"size": 12},
        # Unvalidated traces reach plotly.js as written, and plotly.js orders some named scales the other
        # way round from Python's (RdBu, Greys): send Python's scale as explicit colours.
        "colorscale": explicit_scale(colours),
        "showscale": False,
        "hoverinfo": "skip",
        **({"zmid": 0.0, "zmin": -bound or -1, "zmax": bound or 1} if centre else ends),
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


COLOUR_BAR_ROOM = 80
"""Pixels to the right of a picture for its colour bar and tick labels."""


def _picture_width(rows: int, columns: int, height: int, top: int, colour_bar: bool) -> int:
    """The figure width that fits a picture of ``rows`` x ``columns`` square pixels into ``height`` exactly.

    The colour bar then sits right beside the picture instead of at the far edge of the page.
    """
    return round((height - top) * columns / max(rows, 1)) + (COLOUR_BAR_ROOM if colour_bar else 0)


def _as_picture(fig: go.Figure, width: int, title: str, rows: int | None = None) -> go.Figure:
    """Lays a figure out as a picture: no axes, rows downwards, square pixels, a centred title.

    With ``rows``, the figure is exactly as wide as the picture (and its colour bar, if any).
    """
    fig.update_xaxes(visible=False, range=[-0.5, width - 0.5])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    top = 28 if title else 0
    fig.update_layout(
        height=300,
        margin={"l": 0, "r": 0, "t": top, "b": 0},
        title={"text": title, "font": {"size": 13}, "x": 0.5, "xanchor": "center"} if title else None,
    )
    if rows is not None:
        bar = any(getattr(trace, "showscale", None) is not False and trace.type == "heatmap" for trace in fig.data)
        fig.update_layout(width=_picture_width(rows, width, 300, top, bar))
    return fig


HEAT_OVERLAY = "Inferno"
"""The perceptual scale importance maps are drawn on (dark: unimportant, bright yellow: most important)."""


def overlay_figure(
    image: np.ndarray,
    heat: np.ndarray,
    title: str = "",
    opacity: float = 0.5,
    scale_title: str = "",
    top: float = 1.0,
    percent: bool = False,
) -> go.Figure:
    """A heat map (H, W) from 0 to ``top`` laid over the model's input image (H, W, C) in [0, 1].

    Args:
        image: The model's input.
        heat: The map, on the input's grid.
        title: Shown above.
        opacity: How much the map covers the image.
        scale_title: What the colour bar measures, in words.
        top: The value at the bright end of the scale.
        percent: Whether the values are fractions shown as percentages.
    """
    pixels = np.clip(np.asarray(image, dtype=np.float32) * 255 + 0.5, 0, 255).astype(np.uint8)
    if pixels.shape[2] == 1:
        pixels = np.repeat(pixels, 3, axis=2)
    pixels = pixels[:, :, :3]
    number = "%{z:.0%}" if percent else "%{z:.2f}"
    fig = go.Figure(go.Image(source=png_data_uri(pixels), hoverinfo="skip"))
    fig.add_trace(
        go.Heatmap(
            z=np.asarray(heat, dtype=np.float32),
            colorscale=HEAT_OVERLAY,
            zmin=0,
            zmax=top,
            opacity=opacity,
            colorbar={
                "thickness": 10,
                "title": {"text": scale_title, "side": "right"},
                **({"tickformat": ".0%"} if percent else {}),
            },
            hovertemplate=f"row %{{y}}, column %{{x}}: {number}<extra></extra>",
        )
    )
    return _as_picture(fig, pixels.shape[1], title, rows=pixels.shape[0])


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
    return _as_picture(fig, data.shape[1], title, rows=data.shape[0])
