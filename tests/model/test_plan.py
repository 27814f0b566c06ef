"""Exact shapes and parameter counts, worked out by hand, and the refusals of impossible stacks."""

import pytest

from visualizer.errors import SpecError
from visualizer.model.checks import MAX_MAP_VALUES, MAX_PARAMS
from visualizer.model.plan import receptive_fields, summarize, summarize_until_error, total_params
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec

PUBLISHED_PARAMS = {
    "tinyvgg": 19_920,  # CNN Explainer's Tiny VGG
    "keras_mnist_convnet": 34_826,  # keras-io "Simple MNIST convnet"
    "lenet5": 61_706,  # LeNet-5 with 'same' first conv on 28x28: 156 + 2,416 + 48,120 + 10,164 + 850
}


@pytest.mark.parametrize(("name", "params"), PUBLISHED_PARAMS.items())
def test_published_parameter_counts(name, params):
    assert total_params(PRESETS[name]) == params


def spec_of(layers, input_shape=(28, 28, 1), num_classes=10):
    return ModelSpec.from_dict({"input_shape": list(input_shape), "num_classes": num_classes, "layers": layers})


def test_hand_computed_rows():
    rows = summarize(
        spec_of(
            [
                {"type": "conv2d", "filters": 8, "kernel_size": 3},  # 26x26x8, (3*3*1+1)*8 = 80
                {"type": "batchnorm"},  # 4 * 8 = 32
                {"type": "maxpool2d", "pool_size": 3, "strides": 2},  # (26-3)//2+1 = 12
                {"type": "conv2d", "filters": 4, "kernel_size": [3, 1], "strides": 2, "padding": "same"},
                {"type": "globalavgpool2d"},  # 4
                {"type": "dense", "units": 5},  # (4+1)*5 = 25
                {"type": "dropout", "rate": 0.2},
            ]
        )
    )
    assert [(row.name, row.type, row.output_shape, row.params) for row in rows] == [
        ("conv2d_1", "conv2d", (26, 26, 8), 80),
        ("batchnorm_1", "batchnorm", (26, 26, 8), 32),
        ("maxpool2d_1", "maxpool2d", (12, 12, 8), 0),
        ("conv2d_2", "conv2d", (6, 6, 4), (3 * 1 * 8 + 1) * 4),
        ("globalavgpool2d_1", "globalavgpool2d", (4,), 0),
        ("dense_1", "dense", (5,), 25),
        ("dropout_1", "dropout", (5,), 0),
        ("output", "dense", (10,), 60),
    ]


def test_head_adds_flatten_only_for_maps():
    assert [row.name for row in summarize(spec_of([]))] == ["head_flatten", "output"]
    assert [row.is_head for row in summarize(spec_of([{"type": "conv2d", "filters": 2}]))] == [False, True, True]
    assert summarize(spec_of([]))[0].output_shape == (784,)
    assert [row.name for row in summarize(spec_of([{"type": "flatten"}]))] == ["flatten_1", "output"]


def test_receptive_fields_by_hand():
    spec = spec_of(
        [
            {"type": "conv2d", "filters": 2, "kernel_size": 3},  # 3
            {"type": "maxpool2d"},  # 3 + 1*1 = 4, jump 2
            {"type": "conv2d", "filters": 2, "kernel_size": 3},  # 4 + 2*2 = 8
        ]
    )
    assert receptive_fields(spec) == [(3, 3), (4, 4), (8, 8), None, None]


ERRORS = [
    # (layers, input shape, layer_index, words)
    (
        [{"type": "conv2d", "filters": 16}] + [{"type": "maxpool2d"}] * 3,
        (8, 8, 1),
        3,
        ["Layer 4 (maxpool2d) gets a 1x1x16 map but its 2x2 window needs at least 2x2", "padding='same'"],
    ),
    ([{"type": "conv2d", "filters": 2, "kernel_size": 7}], (5, 9, 1), 0, ["5x9x1", "7x7 kernel"]),
    (
        [{"type": "dense", "units": 3}],
        (5, 5, 1),
        0,
        ["dense layer needs a vector", "flatten or globalavgpool2d"],
    ),
    ([{"type": "flatten"}, {"type": "conv2d", "filters": 2}], (5, 5, 1), 1, ["after the map was flattened"]),
    ([{"type": "flatten"}, {"type": "avgpool2d"}], (5, 5, 1), 1, ["after the map was flattened"]),
    (
        [{"type": "globalavgpool2d"}, {"type": "globalavgpool2d"}],
        (5, 5, 1),
        1,
        ["after the map was flattened"],
    ),
    (
        [{"type": "flatten"}, {"type": "globalmaxpool2d"}],
        (5, 5, 1),
        1,
        ["after the map was flattened", "keeps the largest value of each channel"],
    ),
]


def test_global_max_pooling_keeps_one_value_per_channel():
    spec = spec_of(
        [
            {"type": "conv2d", "filters": 6, "kernel_size": 5},  # 24x24x6, (5*5*1+1)*6 = 156
            {"type": "globalmaxpool2d"},  # 6 values, no parameters
            {"type": "dense", "units": 4},  # (6+1)*4 = 28
        ]
    )
    rows = summarize(spec)
    assert [(row.name, row.output_shape, row.params) for row in rows] == [
        ("conv2d_1", (24, 24, 6), 156),
        ("globalmaxpool2d_1", (6,), 0),
        ("dense_1", (4,), 28),
        ("output", (10,), 50),
    ]
    assert receptive_fields(spec) == [(5, 5), None, None, None]  # from the global pooling on, the whole image


@pytest.mark.parametrize(("layers", "input_shape", "layer_index", "words"), ERRORS)
def test_impossible_stacks_are_refused_at_their_layer(layers, input_shape, layer_index, words):
    spec = spec_of(layers, input_shape)
    with pytest.raises(SpecError) as caught:
        summarize(spec)
    assert caught.value.layer_index == layer_index
    for word in words:
        assert word in str(caught.value)
    rows, error = summarize_until_error(spec)
    assert error is not None and error.layer_index == layer_index
    assert len(rows) == layer_index


def test_parameter_limit_names_the_limit():
    spec = spec_of(
        [{"type": "flatten"}, {"type": "dense", "units": 4096}, {"type": "dense", "units": 4096}],
        input_shape=(64, 64, 3),
    )
    with pytest.raises(SpecError) as caught:
        summarize(spec)
    assert caught.value.layer_index is None
    assert f"{MAX_PARAMS:,}" in str(caught.value)


def test_map_size_limit_names_the_limit():
    spec = spec_of([{"type": "conv2d", "filters": 128, "padding": "same"}], input_shape=(256, 256, 3))
    with pytest.raises(SpecError) as caught:
        summarize(spec)
    assert caught.value.layer_index == 0
    assert f"{MAX_MAP_VALUES:,}" in str(caught.value)
