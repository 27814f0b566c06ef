"""Per-class figures: predicted probabilities, accuracy per class, the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from visualizer.figures.encoding import figure_labels, typed_array, unvalidated_figure
from visualizer.figures.style import TRAIN_COLOUR, VALIDATION_COLOUR


def probabilities_figure(probabilities: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Softmax probabilities as bars, the top class highlighted."""
    values = np.asarray(probabilities, dtype=np.float32)
    top = int(values.argmax()) if len(values) else -1
    colours = [VALIDATION_COLOUR if index == top else "#94a3b8" for index in range(len(values))]
    return _percent_bars(
        figure_labels(class_names, len(values)),
        values,
        colours,
        "probability",
        "%{x}: %{y:.2%}<extra></extra>",
        top=1.15,
        height=280,
        bottom=30,
    )


NO_IMAGES = "no test images"
"""What the per-class chart says of a class with no test image (never 0%)."""


def per_class_accuracy_figure(per_class_accuracy: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Accuracy of each class on the test split, as bars; a class with no test image (NaN) gets no bar, a note."""
    values = np.asarray(per_class_accuracy, dtype=np.float32)
    missing = ~np.isfinite(values)
    texts = [NO_IMAGES if absent else f"{value:.0%}" for value, absent in zip(values, missing)]
    return _percent_bars(
        figure_labels(class_names, len(values)),
        np.where(missing, 0.0, values),
        TRAIN_COLOUR,
        "test accuracy",
        "%{x}: %{text}<extra></extra>",
        top=1.12,
        height=300,
        bottom=40,
        texts=texts,
    )


def _percent_bars(
    names: list[str],
    values: np.ndarray,
    colours,
    title: str,
    hover: str,
    top: float,
    height: int,
    bottom: int,
    texts: list[str] | None = None,
) -> go.Figure:
    """Bars of fractions in [0, 1], labelled with percentages (or ``texts``), one per class."""
    data = np.asarray(values, dtype=np.float32)
    return unvalidated_figure(
        [
            {
                "type": "bar",
                "x": list(names),
                "y": typed_array(data),
                "marker": {"color": colours if isinstance(colours, str) else list(colours)},
                "text": texts if texts is not None else [f"{value:.0%}" for value in data],
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


def confusion_matrix_figure(confusion: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Counts of true (rows) against predicted (columns) classes; every cell can be clicked.

    The diagonal (right answers) is blue and the mistakes orange, each on its own scale. A transparent
    marker sits on each cell with its (true, predicted) pair as ``customdata``: Plotly reports clicks on
    markers, not on heatmap tiles.
    """
    counts = np.asarray(confusion, dtype=np.int32)
    size = counts.shape[0]
    names = figure_labels(class_names, size)
    rows, cols = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    right = np.where(rows == cols, counts, np.nan).astype(np.float32)
    wrong = np.where((rows != cols) & (counts > 0), counts, np.nan).astype(np.float32)
    # Every count is written but the zeros of mistakes no one made: those cells stay quiet.
    text = [
        [str(value) if value or r == c else "" for c, value in enumerate(row)] for r, row in enumerate(counts.tolist())
    ]
    # Two scales: right answers in blue, mistakes in orange on their own scale, so that a handful of errors
    # next to hundreds of right answers still stands out (one scale would leave them white).
    cells = {"x": names, "y": names, "zmin": 0, "showscale": False, "hoverinfo": "skip", "text": text}
    cells["texttemplate"] = "%{text}"
    top_mistake = int(np.nanmax(wrong)) if np.isfinite(wrong).any() else 1
    fig = go.Figure(
        [
            go.Heatmap(z=right, colorscale="Blues", name="right", **cells),
            go.Heatmap(z=wrong, colorscale="Oranges", zmax=max(1, top_mistake), name="mistakes", **cells),
        ]
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
