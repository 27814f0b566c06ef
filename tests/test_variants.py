"""One-change variants of a stack: each changes exactly its one idea, and refuses to change nothing."""

import pytest

from visualizer.errors import InputError
from visualizer.figures import comparison_curves
from visualizer.presets import PRESETS
from visualizer.shapes import summarize
from visualizer.spec import AvgPool2D, Conv2D, Dense, Dropout, MaxPool2D
from visualizer.variants import VARIANTS, applicable_variants, variant

LENET = PRESETS["lenet5"]


def types(spec):
    return [layer.type for layer in spec.layers]


def test_add_dropout_puts_one_before_each_dense_layer_and_the_output():
    changed = variant(LENET, "add_dropout")
    assert types(changed)[-6:] == ["flatten", "dropout", "dense", "dropout", "dense", "dropout"]
    assert all(layer.rate == 0.5 for layer in changed.layers if isinstance(layer, Dropout))
    assert sum(row.params for row in summarize(changed)) == sum(row.params for row in summarize(LENET))
    assert variant(changed, "remove_dropout") == LENET


def test_activation_and_pooling_swaps():
    sigmoid = variant(LENET, "sigmoid")
    assert {layer.activation for layer in sigmoid.layers if isinstance(layer, (Conv2D, Dense))} == {"sigmoid"}
    assert variant(sigmoid, "relu") == LENET
    pooled = variant(LENET, "max_pooling")
    assert sum(isinstance(layer, MaxPool2D) for layer in pooled.layers) == 2
    assert not any(isinstance(layer, AvgPool2D) for layer in pooled.layers)
    assert variant(pooled, "average_pooling") == LENET
    wide = variant(LENET, "double_filters")
    assert [layer.filters for layer in wide.layers if isinstance(layer, Conv2D)] == [12, 32]


def test_variants_that_change_nothing_are_refused():
    assert "remove_dropout" not in applicable_variants(LENET)
    assert "average_pooling" not in applicable_variants(LENET)  # LeNet-5 already averages
    with pytest.raises(InputError, match="nothing to change"):
        variant(LENET, "remove_dropout")
    with pytest.raises(InputError):
        variant(LENET, "nope")
    assert set(applicable_variants(PRESETS["keras_mnist_convnet"])) <= set(VARIANTS)
    assert "remove_dropout" in applicable_variants(PRESETS["keras_mnist_convnet"])


def test_comparison_curves_draw_every_run_in_one_frame():
    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "val_loss": [1.1, 0.7], "val_accuracy": [0.4, 0.7]}
    fig = comparison_curves({"A": history, "B": history}, epochs=5)
    assert len(fig.data) == 8  # 2 runs x (loss, accuracy) x (training, test)
    assert {trace.line.color for trace in fig.data[:4]} != {trace.line.color for trace in fig.data[4:]}
    assert list(fig.layout.xaxis.range) == [0.5, 5.5]
