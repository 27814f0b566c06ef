"""Every figure the app draws is valid Plotly, including those built without Plotly's validation.

Hot figures are built from plain dicts with ``_validate=False`` (it was a quarter of an
Inspect update); here each is rebuilt through ``go.Figure(fig.to_dict())``, which validates
every property, so a misspelt key or a bad value fails a test instead of a browser. The table
must name every public figure function: a new one cannot be added without its check.
"""

import inspect

import numpy as np
import plotly.graph_objects as go
import pytest

import visualizer.figures as figures
from visualizer.model.plan import summarize
from visualizer.model.presets import PRESETS
from visualizer.numerics.activations import curve, gradient_through_depth

RNG = np.random.RandomState(0)
HISTORY = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "val_loss": [1.1, 0.7], "val_accuracy": [0.4, 0.7]}
X = np.linspace(-3, 3, 31)
IMAGE = RNG.rand(12, 12, 3).astype(np.float32)
MAP = RNG.rand(9, 9).astype(np.float32)

BUILDERS = {
    "architecture_figure": lambda: figures.architecture_figure((28, 28, 1), summarize(PRESETS["lenet5"]), 3),
    "training_curves": lambda: figures.training_curves(HISTORY, 5, partial=(2.5, 0.4, 0.9)),
    "comparison_curves": lambda: figures.comparison_curves({"a": HISTORY, "b": HISTORY}, 5),
    "confusion_matrix_figure": lambda: figures.confusion_matrix_figure(np.array([[3, 1], [0, 4]]), ["a", "b"]),
    "per_class_accuracy_figure": lambda: figures.per_class_accuracy_figure(np.array([0.5, np.nan]), ["a", "b"]),
    "probabilities_figure": lambda: figures.probabilities_figure(np.array([0.2, 0.8], np.float32), ["a"]),
    "image_grid": lambda: figures.image_grid(RNG.rand(5, 8, 8, 1).astype(np.float32), list("abcde"), columns=3),
    "input_figure": lambda: figures.input_figure(IMAGE, "input"),
    "feature_map_grid": lambda: figures.feature_map_grid(RNG.rand(6, 6, 10).astype(np.float32), title="maps"),
    "enlarged_map": lambda: figures.enlarged_map(MAP, "map", shapes=[figures.cell_outline(1, 1)], pad=1),
    "vector_figure": lambda: figures.vector_figure(RNG.rand(20).astype(np.float32), "units"),
    "kernel_grid": lambda: figures.kernel_grid(RNG.randn(3, 3, 2, 4).astype(np.float32)),
    "kernel_colour_images": lambda: figures.kernel_colour_images(RNG.randn(3, 3, 3, 4).astype(np.float32)),
    "number_grid": lambda: figures.number_grid(np.array([[1.0, np.nan], [0.0, -2.0]]), "grid", "Greys_r", False),
    "overlay_figure": lambda: figures.overlay_figure(IMAGE, RNG.rand(12, 12), "heat"),
    "kernel_output_figure": lambda: figures.kernel_output_figure(MAP - 0.5, "output"),
    "activation_curves_figure": lambda: figures.activation_curves_figure(X, {"ReLU": curve("relu", X)}),
    "gradient_depth_figure": lambda: figures.gradient_depth_figure({"sigmoid": gradient_through_depth("sigmoid", 5)}),
    "preactivation_figure": lambda: figures.preactivation_figure(RNG.randn(100), X, np.maximum(X, 0), "ReLU", "t"),
    "contributions_figure": lambda: figures.contributions_figure(RNG.randn(30), 0.2, "logit"),
    "logits_figure": lambda: figures.logits_figure(np.array([1.0, -1.0]), np.array([0.9, 0.1]), ["a", "b"]),
    "logit_gradient_figure": lambda: figures.logit_gradient_figure(np.array([0.2, -0.3, 0.1]), ["a", "b"], 1),
    "dropout_figure": lambda: figures.dropout_figure(np.ones(6), np.array([1, 0, 1, 0, 1, 1], bool), 2.0),
    "prediction_spread_figure": lambda: figures.prediction_spread_figure(
        np.full((4, 2), 0.5), np.array([0.5, 0.5]), ["a", "b"]
    ),
    "embedding_figure": lambda: figures.embedding_figure(
        RNG.rand(6, 2), np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 2, 0]), ["a", "b", "c"], "points"
    ),
    "histogram_heatmap": lambda: figures.histogram_heatmap(
        np.linspace(-1, 1, 6), RNG.randint(0, 50, (3, 5)), [0, 1, 2], "weights", "weight", marked_epoch=1
    ),
}


def public_figure_functions() -> set[str]:
    """Every function ``visualizer.figures`` exports that returns a figure."""
    return {
        name
        for name in figures.__all__
        if inspect.isfunction(getattr(figures, name))
        and inspect.signature(getattr(figures, name)).return_annotation in ("go.Figure", go.Figure)
        and name != "unvalidated_figure"
    }


def test_the_table_names_every_figure_function():
    assert set(BUILDERS) == public_figure_functions()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_figure_passes_plotly_validation(name):
    fig = BUILDERS[name]()
    assert isinstance(fig, go.Figure)
    validated = go.Figure(fig.to_dict())  # raises on any property Plotly does not know or accept
    assert len(validated.data) == len(fig.data) and validated.data
    assert fig.to_json()  # and it serialises as Streamlit sends it
