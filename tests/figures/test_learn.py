"""The Learn page's charts."""

import numpy as np
import pytest

from visualizer.figures.learn import (
    activation_curves_figure,
    contributions_figure,
    dropout_figure,
    gradient_depth_figure,
    logits_figure,
    preactivation_figure,
    prediction_spread_figure,
)
from visualizer.numerics.activations import curve, gradient_through_depth


def test_activation_curves_and_depth_figures():
    x = np.linspace(-3, 3, 61)
    fig = activation_curves_figure(x, {"ReLU": curve("relu", x), "sigmoid": curve("sigmoid", x)})
    assert len(fig.data) == 4  # a curve and its derivative for each
    assert [trace.xaxis for trace in fig.data] == ["x", "x2", "x", "x2"]
    np.testing.assert_allclose(fig.data[1].y, (x > 0).astype(float), atol=1e-6)
    depth = gradient_depth_figure({"sigmoid": gradient_through_depth("sigmoid", 12)})
    assert depth.layout.yaxis.type == "log" and len(depth.data[0].y) == 12


def test_preactivation_histogram_shares_add_up_and_the_curve_is_on_its_own_axis():
    values = np.random.RandomState(0).randn(1000)
    x = np.linspace(-2, 2, 11)
    fig = preactivation_figure(values, x, np.maximum(x, 0), "ReLU", "conv2d_1", bins=20)
    assert sum(fig.data[0].y) == pytest.approx(1.0, abs=1e-5)
    assert fig.data[1].yaxis == "y2" and fig.layout.title.text == "conv2d_1"


def test_dense_and_dropout_figures():
    contributions = np.array([0.5, -0.2, 0.1, 0.05])
    fig = contributions_figure(contributions, bias=0.3, top=2)
    assert list(fig.data[0].x) == ["unit 0", "unit 1", "2 others", "bias", "logit"]
    np.testing.assert_allclose(fig.data[0].y[:4], [0.5, -0.2, 0.15, 0.3])
    logits = logits_figure(np.array([1.0, -1.0]), np.array([0.88, 0.12]), ["cat", "dog"])
    assert list(logits.data[1].x) == ["cat", "dog"]
    dropout = dropout_figure(np.ones(4), np.array([True, False, True, False]), 2.0)
    np.testing.assert_allclose(dropout.data[1].y, [2, 0, 2, 0])
    spread = prediction_spread_figure(np.full((5, 3), 1 / 3), np.full(3, 1 / 3), ["a", "b", "c"])
    assert [trace.type for trace in spread.data] == ["box", "box", "box", "scatter"]


def test_each_activation_keeps_its_colour_in_every_chart_whatever_is_shown_with_it():
    from visualizer.figures.style import ACTIVATION_COLOURS
    from visualizer.model.activations import ACTIVATIONS

    assert set(ACTIVATION_COLOURS) == set(ACTIVATIONS)
    assert len(set(ACTIVATION_COLOURS.values())) == len(ACTIVATION_COLOURS)  # all different
    x = np.linspace(-2, 2, 5)
    pair = (x, x)

    def colours(fig) -> dict[str, str]:
        return {trace.name: trace.line.color for trace in fig.data if trace.line.color}

    alone = colours(activation_curves_figure(x, {"sigmoid": pair}))
    together = colours(activation_curves_figure(x, {"ReLU": pair, "sigmoid": pair}))
    assert alone["sigmoid"] == together["sigmoid"] == ACTIVATION_COLOURS["sigmoid"]
    depth = colours(gradient_depth_figure({"sigmoid": np.ones(3), "ReLU": np.ones(3)}))
    assert depth["ReLU"] == together["ReLU"] == ACTIVATION_COLOURS["relu"]
    histogram = preactivation_figure(np.zeros(10), x, x, "ReLU")
    assert histogram.data[1].line.color == ACTIVATION_COLOURS["relu"]
