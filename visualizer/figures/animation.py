"""The sliding-window animation: a kernel or pooling window moving over a layer's input, as Plotly frames."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from visualizer.figures.encoding import cell_outline, explicit_scale, typed_array, unvalidated_figure
from visualizer.figures.style import HEAT_COLOURS


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
            cell_outline(top, left, window[0], window[1], "#ef4444"),
            cell_outline(row, col, 1, 1, "#ef4444", xref="x2", yref="y2"),
        ]

    # Frames only move the two outlines: a few hundred bytes each, whatever the map size.
    frames = [{"name": str(number), "layout": {"shapes": shapes(*position)}} for number, position in enumerate(shown)]
    low, high = float(np.nanmin(result)), float(np.nanmax(result))
    data = [
        {
            "type": "heatmap",
            "z": typed_array(source),
            "colorscale": explicit_scale("Greys_r"),
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
    return unvalidated_figure(data, layout, frames)
