"""Distributions over epochs: one column per epoch, one row per bin of values, the colour counting values."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from visualizer.figures.style import HEAT_COLOURS

COUNT_TICKS = (1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)


def histogram_heatmap(
    edges: np.ndarray,
    counts: np.ndarray,
    epochs: Sequence[int],
    title: str,
    value_title: str,
    marked_epoch: int | None = None,
) -> go.Figure:
    """Histograms side by side, one per epoch: where a layer's values lie and how that moves while it learns.

    Args:
        edges: (bins + 1,) bin edges, shared by every epoch.
        counts: (epochs, bins) values per bin and epoch.
        epochs: The epoch of each row of ``counts``.
        title: The figure's title.
        value_title: What the values are (the y-axis title).
        marked_epoch: An epoch to outline (the one the page shows), if any.

    Returns:
        A heatmap with epochs across and values up, coloured by log(1 + count) with a count-labelled scale.
    """
    edges = np.asarray(edges, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.int64)
    centres = (edges[:-1] + edges[1:]) / 2
    largest = max(int(counts.max()), 1)
    ticks = [tick for tick in COUNT_TICKS if tick <= largest] or [1]
    fig = go.Figure(
        go.Heatmap(
            x=list(epochs),
            y=centres,
            z=np.log10(1 + counts.T),
            customdata=counts.T,
            colorscale=HEAT_COLOURS,
            zmin=0,
            colorbar={
                "title": {"text": "values", "side": "right"},
                "tickvals": [float(np.log10(1 + tick)) for tick in ticks],
                "ticktext": [f"{tick:,}" for tick in ticks],
                "thickness": 12,
            },
            hovertemplate="epoch %{x}<br>values near %{y:.3g}: %{customdata:,}<extra></extra>",
        )
    )
    if marked_epoch is not None and marked_epoch in epochs:
        fig.add_vrect(
            x0=marked_epoch - 0.5,
            x1=marked_epoch + 0.5,
            line={"color": "#f97316", "width": 2},
            fillcolor="rgba(0,0,0,0)",
        )
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        height=300,
        margin={"l": 60, "r": 20, "t": 40, "b": 45},
        xaxis={"title": "epoch", "dtick": max(1, len(epochs) // 10)},
        yaxis={"title": value_title, "zeroline": True},
    )
    return fig
