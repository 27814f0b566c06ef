"""The Learn page's charts: activation curves, vanishing gradients, pre-activations, logits, dropout."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from visualizer.figures.encoding import figure_labels
from visualizer.figures.style import CLASS_COLOURS, activation_colour


def activation_curves_figure(x: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray]]) -> go.Figure:
    """Each activation (left) and its derivative (right) over ``x``, one colour per activation."""
    titles = ("f(x): what the unit outputs", "f'(x): the slope backprop uses")
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles)
    for label, (y, dy) in curves.items():
        colour = activation_colour(label)
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
    for label, values in products.items():
        data = np.asarray(values, dtype=np.float64)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(data) + 1, dtype=np.int32),
                y=np.maximum(data, 1e-300),
                mode="lines+markers",
                name=label,
                line={"color": activation_colour(label), "width": 3},
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


def layer_gradient_figure(series: dict[str, Sequence[tuple[str, float]]]) -> go.Figure:
    """Bars of the gradient reaching each layer (input side first), one colour per network, on a log scale.

    Args:
        series: Network label -> (layer name, RMS gradient of its kernel) per conv and dense layer.
    """
    fig = go.Figure()
    colours = (CLASS_COLOURS[0], CLASS_COLOURS[5], CLASS_COLOURS[2])  # blue, vermillion, green
    for colour, (label, values) in zip(colours, series.items()):
        fig.add_trace(
            go.Bar(
                x=[f"{position}" for position in range(1, len(values) + 1)],
                y=[max(value, 1e-30) for _, value in values],
                name=label,
                marker_color=colour,
                customdata=[name for name, _ in values],
                hovertemplate=f"{label}<br>layer %{{x}} (%{{customdata}})<br>gradient %{{y:.2e}}<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="conv and dense layers, from the input (1) to the output")
    fig.update_yaxes(type="log", title_text="gradient reaching the layer (RMS)", exponentformat="power")
    fig.update_layout(
        barmode="group",
        height=360,
        margin={"l": 70, "r": 20, "t": 20, "b": 50},
        legend={"orientation": "h", "x": 0.01, "y": 1.12},
        font={"size": 14},
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
            line={"color": activation_colour(activation), "width": 3},
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
    names = figure_labels(class_names, len(logits))
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


def logit_gradient_figure(gradient: np.ndarray, class_names: Sequence[str], label: int) -> go.Figure:
    """D loss / d score per class (softmax minus one-hot): negative at the true class, positive elsewhere."""
    names = figure_labels(class_names, len(gradient))
    values = np.asarray(gradient, dtype=np.float32)
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            marker_color=["#16a34a" if index == label else "#dc2626" for index in range(len(values))],
            text=[f"{value:+.3f}" for value in values],
            textposition="outside",
            hovertemplate="%{x}: dL/dz = %{y:+.4f}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[-1.15, 1.15], title="softmax minus one-hot")
    fig.update_layout(
        title={"text": "The gradient at the scores: what the step pushes up (green, the true class) and down"},
        height=320,
        margin={"l": 60, "r": 10, "t": 50, "b": 40},
        showlegend=False,
        font={"size": 13},
    )
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
    names = figure_labels(class_names, data.shape[1])
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
