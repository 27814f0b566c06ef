"""The embedding space: a set of images as points in the plane, coloured by class, mistakes marked."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from visualizer.data.dataset import class_label
from visualizer.figures.encoding import figure_text
from visualizer.figures.style import CLASS_COLOURS


def embedding_figure(
    points: np.ndarray,
    labels: np.ndarray,
    predicted: np.ndarray,
    class_names: Sequence[str],
    title: str = "",
) -> go.Figure:
    """Each image a dot at its 2-D position, one colour per true class; a cross where the network errs.

    Args:
        points: (N, 2) coordinates.
        labels: (N,) true classes.
        predicted: (N,) the network's answers.
        class_names: The classes' names.
        title: The plot's title.

    Returns:
        A figure whose points carry their image's index as ``customdata`` (a click picks the image).
    """
    data = np.asarray(points, dtype=np.float64)
    truth = np.asarray(labels).astype(int)
    answers = np.asarray(predicted).astype(int)
    fig = go.Figure()
    for index in np.unique(truth):
        for wrong in (False, True):
            chosen = np.flatnonzero((truth == index) & ((answers != truth) == wrong))
            if not len(chosen):
                continue
            name = figure_text(class_label(class_names, int(index)))
            fig.add_trace(
                go.Scattergl(
                    x=data[chosen, 0],
                    y=data[chosen, 1],
                    mode="markers",
                    name=f"{name}, mistaken" if wrong else name,
                    legendgroup=name,
                    showlegend=not wrong,
                    customdata=chosen,
                    marker={
                        "color": CLASS_COLOURS[int(index) % len(CLASS_COLOURS)],
                        "size": 11 if wrong else 7,
                        "symbol": "x" if wrong else "circle",
                        "line": {"width": 0},
                        "opacity": 1.0 if wrong else 0.75,
                    },
                    text=[
                        f"test image {i}: {name}, answered {figure_text(class_label(class_names, answers[i]))}"
                        for i in chosen
                    ],
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    fig.update_xaxes(title_text="first axis", zeroline=False)
    fig.update_yaxes(title_text="second axis", zeroline=False)
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        height=460,
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        legend={"title": {"text": "true class (x: mistaken)"}},
        dragmode="select",
        clickmode="event+select",
    )
    return fig
