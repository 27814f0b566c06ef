"""The architecture diagram: the network as a row of blocks sized by map size and channels."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from visualizer.figures.style import LAYER_COLOURS, OTHER_COLOUR
from visualizer.model.checks import format_shape
from visualizer.model.plan import LayerSummary

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


def _kind(row: LayerSummary) -> str:
    """The colour key of a row: its layer type, or ``output`` for the classifier's last layer."""
    return "output" if row.is_head and row.type == "dense" else row.type


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
    items += [(row.name, _kind(row), row.output_shape, row.params) for row in rows]
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
        colour = LAYER_COLOURS.get(kind, OTHER_COLOUR)
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
