"""One-change variants of a stack: each changes exactly its one idea, and refuses to change nothing."""

import pytest

from visualizer.errors import InputError
from visualizer.model.layers import AvgPool2D, Conv2D, Dense, Dropout, MaxPool2D
from visualizer.model.plan import summarize
from visualizer.model.presets import PRESETS
from visualizer.model.variants import VARIANTS, applicable_variants, variant

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


def test_removing_skips_keeps_every_layer_and_parameter_and_drops_the_blocks():
    from visualizer.model.blocks import is_block
    from visualizer.model.plan import total_params
    from visualizer.model.presets import PRESETS
    from visualizer.model.variants import variant

    deep = PRESETS["deep_residual"]
    plain = variant(deep, "remove_skips")
    assert deep.is_graph and not plain.is_graph and not any(is_block(item) for item in plain.layers)
    assert total_params(plain) == total_params(deep)  # identity shortcuts have no weights
    assert len(plain.layers) == 2 + 8 * 3 + 2  # each block: its two convolutions and its ReLU
    doubled = variant(deep, "double_filters")  # a change reaches the layers inside the blocks
    assert doubled.layers[2].layers[0].filters == 32
