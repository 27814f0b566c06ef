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


def _graph(*layers, shape=(28, 28, 1)):
    return ModelSpec.from_dict({"input_shape": list(shape), "num_classes": 10, "layers": list(layers)})


def test_a_shortcut_that_cannot_be_added_says_how_to_fix_it():
    stem = {"type": "conv2d", "filters": 16, "strides": 2, "padding": "same"}
    wider = {"type": "residual", "layers": [{"type": "conv2d", "filters": 32, "padding": "same"}]}
    with pytest.raises(SpecError) as caught:
        summarize(_graph(stem, wider))
    assert str(caught.value) == (
        "Block 2's shortcut gives 14x14x16 but its layers give 14x14x32: add a 1x1 projection "
        "(shortcut 'projection') or match the filters."
    )
    assert caught.value.layer_index == 1
    shrinking = {"type": "residual", "shortcut": "projection", "layers": [{"type": "conv2d", "filters": 8}]}
    with pytest.raises(SpecError, match="use padding='same'"):
        summarize(_graph(stem, shrinking))


def test_a_projection_by_hand():
    # 14x14x16 in (after a stem), two 3x3 convolutions (the first with stride 2) to 7x7x32: the shortcut is a 1x1
    # convolution with stride 2 and (16 + 1) x 32 = 544 parameters; Add and ReLU have none.
    block = {
        "type": "residual",
        "shortcut": "projection",
        "layers": [
            {"type": "conv2d", "filters": 32, "strides": 2, "padding": "same"},
            {"type": "conv2d", "filters": 32, "padding": "same", "activation": "linear"},
        ],
    }
    stem = {"type": "conv2d", "filters": 16, "padding": "same"}
    rows = {row.name: row for row in summarize(_graph(stem, block, shape=(14, 14, 1)))}
    assert (rows["residual_1_shortcut"].output_shape, rows["residual_1_shortcut"].params) == ((7, 7, 32), 544)
    assert rows["residual_1_shortcut"].inputs == ("conv2d_1",)
    assert rows["residual_1_add"].inputs == ("conv2d_3", "residual_1_shortcut")
    assert (rows["residual_1_add"].params, rows["residual_1_activation"].params) == (0, 0)
    assert rows["conv2d_2"].params == (3 * 3 * 16 + 1) * 32 and rows["conv2d_2"].block == "residual_1"


def test_branches_concatenate_their_channels_and_receptive_fields_take_the_widest_path():
    block = {
        "type": "branch",
        "branches": [
            [{"type": "conv2d", "filters": 2, "kernel_size": 1}],
            [{"type": "conv2d", "filters": 3, "kernel_size": 5, "padding": "same"}],
            [],
        ],
    }
    spec = _graph(block, shape=(9, 9, 4))
    rows = summarize(spec)
    merge = next(row for row in rows if row.name == "branch_1_concatenate")
    assert merge.output_shape == (9, 9, 2 + 3 + 4) and merge.inputs == ("conv2d_1", "conv2d_2", "image")
    fields = dict(zip([row.name for row in rows], receptive_fields(spec)))
    assert fields["conv2d_1"] == (1, 1) and fields["conv2d_2"] == (5, 5) and fields["branch_1_concatenate"] == (5, 5)
