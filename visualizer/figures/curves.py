"""Training charts: loss and accuracy per epoch, of one run (live) or of several side by side."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from visualizer.figures.encoding import typed_array, unvalidated_figure
from visualizer.figures.style import CURVE_COLOURS, TRAIN_COLOUR, VALIDATION_COLOUR


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
