"""The architecture diagram: the network as blocks sized by map size and channels, in a row or in lanes."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from visualizer.figures.style import LAYER_COLOURS, OTHER_COLOUR
from visualizer.model.blocks import block_type, traits
from visualizer.model.checks import format_shape
from visualizer.model.plan import INPUT_NAME, LayerSummary

_SLICE_STEP = 5.0
_MAX_SLICES = 8
_BLOCK_GAP = 46.0
_MIN_SLOT = 100.0
_MAP_SIDE = 120.0
_VECTOR_WIDTH = 14.0
_TYPICAL_WIDTH = 1000.0
"""Pixels the diagram usually has across (the main column of the page)."""
_MAX_LEVEL_COLUMNS = 14
"""Beyond this many columns, labels are slanted rather than stacked in two lines."""


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
    return "output" if row.is_head and traits(row.type).scores else row.type


def _label(name: str, row: LayerSummary | None) -> str:
    """A block's own layers go by what they are (``add``, ``shortcut``): the hover text names the block."""
    if row is None or row.block is None or row.path is not None:
        return name
    return name.removeprefix(row.block + "_")


def _layout(rows: Sequence[LayerSummary]) -> dict[str, tuple[int, float]]:
    """Each layer's (column, lane): a stack is one lane; a block's paths run side by side, its shortcut below.

    Columns count steps from the input (a merge comes after its longest path); lanes are rows of the
    drawing, 0 the main line, a branch block's paths centred on it.
    """
    place: dict[str, tuple[int, float]] = {INPUT_NAME: (0, 0.0)}
    paths = {row.block: len(row.inputs) for row in rows if row.block and row.path is None and len(row.inputs) > 1}
    for row in rows:
        after = max(place[source][0] for source in row.inputs) + 1 if row.inputs else len(place)
        lane = 0.0
        if row.path is not None and row.block is not None and block_type(row.block).parallel:
            lane = row.path[0] - (paths.get(row.block, 1) - 1) / 2
        elif row.block is not None and row.path is None and row.name.endswith("_shortcut"):
            inner = [place[other.name][0] for other in rows if other.block == row.block and other.name in place]
            after, lane = max(inner, default=after), 1.0
        place[row.name] = (after, lane)
    return place


def _edge(
    start: tuple[float, float, float], end: tuple[float, float, float], top: float, skips: bool
) -> tuple[list, list]:
    """A connection from one block's right side to the next's left; a skip over blocks arcs above them.

    Each end is (left or right x, centre y, half height); ``skips`` says whether blocks stand in between.
    """
    (x0, y0, h0), (x1, y1, h1) = start, end
    if y0 == y1 and skips:  # a skip on the same lane: over the blocks in between
        return [x0 - 8, x0 - 8, x1 + 8, x1 + 8, None], [y0 + h0, top, top, y1 + h1, None]
    middle = (x0 + x1) / 2
    return [x0, middle, middle, x1, None], [y0, y0, y1, y1, None]


def architecture_figure(
    input_shape: Sequence[int],
    rows: Sequence[LayerSummary],
    error_after: int | None = None,
) -> go.Figure:
    """Draws the network as blocks sized by map size and channels: a row for a stack, lanes for a graph.

    Maps are stacks of squares (side grows with the map's side, up to eight
    slices for the channels); vectors are bars whose height grows with the
    log of their length; the classifier head is drawn in red. In a network
    with blocks, lines join each layer to the layers it reads: a branch
    block's paths side by side, a residual block's identity shortcut as an
    arc over its layers, a projection shortcut in the lane below.

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
    graph = any(row.block is not None for row in rows)
    place = _layout(rows)
    columns = [place[INPUT_NAME]] + [place[row.name] for row in rows]
    traces: list[go.Scatter] = []
    annotations: list[dict] = []
    hover_x, hover_y, hover_text = [], [], []
    sizes = [_block_size(shape, max_side, max_units) for _, _, shape, _ in items]
    tallest = max(height for _, height, _ in sizes)
    dense = len({column for column, _ in columns}) > _MAX_LEVEL_COLUMNS  # then labels are slanted
    levels = 4 if dense else 2  # room below the blocks for the labels, in lines
    lane_height = tallest + 54 + 30 * levels
    slots = [_MIN_SLOT - _BLOCK_GAP] * (max(column for column, _ in columns) + 1)
    for (column, _), (width, _, _) in zip(columns, sizes):
        slots[column] = max(slots[column], width)
    starts = [sum(slots[:column]) + column * _BLOCK_GAP for column in range(len(slots))]
    x = starts[-1] + slots[-1] + _BLOCK_GAP
    ends: dict[str, tuple[float, float, float, float]] = {}  # name -> left, right, centre y, half height
    for position, ((name, kind, shape, params), (width, height, slices), (column, lane)) in enumerate(
        zip(items, sizes, columns)
    ):
        left = starts[column] + (slots[column] - width) / 2
        centre_y = -lane * lane_height
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
                x0, y0 = left + offset, centre_y - height / 2 + offset
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
        ends[INPUT_NAME if position == 0 else name] = (left, left + width, centre_y, height / 2)
        label = _label(name, rows[position - 1] if position else None)
        if dense:  # many narrow blocks: one slanted line each, ending under its block
            annotations.append(
                {
                    "x": centre,
                    "y": centre_y - tallest / 2 - 4,
                    "text": f"<b>{label}</b> {format_shape(shape)}",
                    "textangle": -35,
                    "showarrow": False,
                    "xanchor": "right",
                    "yanchor": "top",
                    "font": {"size": 10},
                }
            )
        else:
            annotations.append(
                {
                    "x": centre,
                    # Neighbouring labels alternate between two lines so narrow blocks never collide.
                    "y": centre_y - tallest / 2 - 6 - 30 * (column % levels),
                    "text": f"<b>{label}</b><br>{format_shape(shape)}",
                    "showarrow": False,
                    "yanchor": "top",
                    "font": {"size": 11},
                }
            )
        hover_x.append(centre)
        hover_y.append(centre_y)
        params_text = f"{params:,} parameters" if params else "no parameters"
        block = "" if position == 0 or rows[position - 1].block is None else f" in {rows[position - 1].block}"
        hover_text.append(f"{name} ({kind}{block})<br>output {format_shape(shape)}<br>{params_text}")
    top = tallest / 2 + 22
    if graph:
        edge_x: list[float | None] = []
        edge_y: list[float | None] = []
        for row in rows:
            for source in row.inputs:
                left, right, centre_y, half = ends[source]
                target = ends[row.name]
                skips = place[row.name][0] - place[source][0] > 1
                xs, ys = _edge((right, centre_y, half), (target[0], target[2], target[3]), top, skips)
                edge_x += xs
                edge_y += ys
        traces.insert(
            0,
            go.Scatter(
                x=edge_x,
                y=edge_y,
                mode="lines",
                line={"color": "#6b7280", "width": 2},
                hoverinfo="skip",
                showlegend=False,
                name="connections",
            ),
        )
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
    lanes = [lane for _, lane in columns]
    low = -max(lanes) * lane_height - tallest / 2 - 42 - 30 * levels
    high = -min(lanes) * lane_height + (top + 8 if graph else tallest / 2 + 6)
    fig = go.Figure(data=traces, layout={"annotations": annotations})
    left = -10
    extent = max(x, 400) - left
    fig.update_xaxes(visible=False, range=[left, max(x, 400)])
    fig.update_yaxes(visible=False, range=[low, high], scaleanchor="x", scaleratio=1)
    fig.update_layout(
        # Drawn to scale (one unit per pixel up to the typical page width, smaller beyond): a wide network
        # is shrunk to fit the width, so its height shrinks with it instead of leaving blank space.
        height=int((high - low) * min(1.0, _TYPICAL_WIDTH / extent) + 62),
        margin={"l": 80 if dense else 10, "r": 10, "t": 10, "b": 10},  # a slanted first label reaches left
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        dragmode=False,
    )
    return fig
