"""The spec: round trips, defaults and clear refusals (table-driven)."""

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visualizer.errors import SpecError
from visualizer.model.layers import ACTIVATIONS, Conv2D, Dense, Dropout, MaxPool2D
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec

ISSUE_EXAMPLE = {
    "input_shape": [28, 28, 1],
    "num_classes": 10,
    "layers": [
        {"type": "conv2d", "filters": 8, "kernel_size": 3},
        {"type": "maxpool2d"},
        {"type": "flatten"},
        {"type": "dense", "units": 64},
    ],
}


def test_defaults_of_the_issue_example():
    spec = ModelSpec.from_dict(ISSUE_EXAMPLE)
    conv, pool, _, dense = spec.layers
    assert conv == Conv2D(filters=8, kernel_size=(3, 3), strides=(1, 1), padding="valid", activation="relu")
    assert pool == MaxPool2D(pool_size=(2, 2), strides=None, padding="valid")
    assert pool.effective_strides == (2, 2)
    assert dense == Dense(units=64, activation="relu")
    assert spec.input_shape == (28, 28, 1)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_round_trip_through_json(name):
    spec = PRESETS[name]
    text = json.dumps(spec.to_dict())
    assert ModelSpec.from_dict(json.loads(text)) == spec
    assert ModelSpec.from_json(spec.to_json()) == spec


def test_non_square_sizes_round_trip():
    data = {
        "input_shape": [20, 30, 3],
        "num_classes": 3,
        "layers": [
            {"type": "conv2d", "filters": 4, "kernel_size": [3, 5], "strides": [1, 2]},
            {"type": "avgpool2d", "pool_size": [2, 3], "strides": 1, "padding": "same"},
        ],
    }
    spec = ModelSpec.from_dict(data)
    assert spec.layers[0].kernel_size == (3, 5)
    assert spec.to_dict()["layers"][0]["kernel_size"] == [3, 5]
    assert spec.to_dict()["layers"][1]["strides"] == 1
    assert ModelSpec.from_dict(spec.to_dict()) == spec


layer_dicts = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("conv2d"),
            "filters": st.integers(1, 64),
            "kernel_size": st.one_of(st.integers(1, 7), st.lists(st.integers(1, 7), min_size=2, max_size=2)),
            "strides": st.integers(1, 3),
            "padding": st.sampled_from(["valid", "same"]),
            "activation": st.sampled_from(ACTIVATIONS),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["maxpool2d", "avgpool2d"]),
            "pool_size": st.integers(1, 4),
            "strides": st.one_of(st.none(), st.integers(1, 4)),
        }
    ),
    st.fixed_dictionaries({"type": st.sampled_from(["flatten", "globalavgpool2d", "batchnorm"])}),
    st.fixed_dictionaries({"type": st.just("dense"), "units": st.integers(1, 512)}),
    st.fixed_dictionaries({"type": st.just("dropout"), "rate": st.floats(0, 0.99)}),
)


@given(
    st.fixed_dictionaries(
        {
            "input_shape": st.tuples(st.integers(1, 64), st.integers(1, 64), st.sampled_from([1, 3])).map(list),
            "num_classes": st.integers(2, 100),
            "layers": st.lists(layer_dicts, max_size=8),
        }
    )
)
def test_any_valid_dict_round_trips(data):
    spec = ModelSpec.from_dict(data)
    again = ModelSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec
    assert again.to_dict() == spec.to_dict()


def _with_layer(layer):
    return {"input_shape": [28, 28, 1], "num_classes": 10, "layers": [{"type": "flatten"}, layer]}


REFUSALS = [
    # (what, spec dict, expected layer_index, words the message must contain)
    ("not a dict", [1, 2], None, ["must be an object"]),
    ("unknown model key", {**ISSUE_EXAMPLE, "optimizer": "adam"}, None, ["Unknown key `optimizer`"]),
    ("missing input_shape", {"num_classes": 10, "layers": []}, None, ["no `input_shape`"]),
    ("2-D input shape", {"input_shape": [28, 28], "num_classes": 10}, None, ["[height, width, channels]"]),
    (
        "zero height",
        {"input_shape": [0, 28, 1], "num_classes": 10},
        None,
        ["input_shape height", "received 0"],
    ),
    ("string width", {"input_shape": [28, "28", 1], "num_classes": 10}, None, ["input_shape width"]),
    ("too many channels", {"input_shape": [28, 28, 9], "num_classes": 10}, None, ["channels", "1 to 4"]),
    ("one class", {"input_shape": [28, 28, 1], "num_classes": 1}, None, ["num_classes", "at least 2"]),
    ("bool classes", {"input_shape": [28, 28, 1], "num_classes": True}, None, ["num_classes"]),
    ("layers not a list", {"input_shape": [28, 28, 1], "num_classes": 10, "layers": {}}, None, ["list"]),
    ("layer not a dict", _with_layer("conv2d"), 1, ["Layer 2", "must be an object"]),
    ("unknown type", _with_layer({"type": "lstm"}), 1, ['unknown type "lstm"', "conv2d"]),
    ("missing type", _with_layer({"filters": 3}), 1, ["unknown type"]),
    (
        "unknown key",
        _with_layer({"type": "dense", "units": 4, "unit": 3}),
        1,
        ["unknown key `unit`", "`units`"],
    ),
    ("key of another type", _with_layer({"type": "flatten", "rate": 0.5}), 1, ["unknown key `rate`"]),
    ("missing filters", _with_layer({"type": "conv2d"}), 1, ["no `filters`"]),
    ("missing units", _with_layer({"type": "dense"}), 1, ["no `units`"]),
    ("missing rate", _with_layer({"type": "dropout"}), 1, ["no `rate`"]),
    ("zero filters", _with_layer({"type": "conv2d", "filters": 0}), 1, ["`filters`", "received 0"]),
    ("float filters", _with_layer({"type": "conv2d", "filters": 8.0}), 1, ["`filters`", "whole number"]),
    ("negative kernel", _with_layer({"type": "conv2d", "filters": 8, "kernel_size": -3}), 1, ["kernel_size"]),
    ("kernel triple", _with_layer({"type": "conv2d", "filters": 8, "kernel_size": [3, 3, 3]}), 1, ["pair"]),
    ("zero stride", _with_layer({"type": "conv2d", "filters": 8, "strides": 0}), 1, ["strides"]),
    (
        "bad padding",
        _with_layer({"type": "conv2d", "filters": 8, "padding": "full"}),
        1,
        ["padding", '"same"'],
    ),
    ("bad activation", _with_layer({"type": "dense", "units": 8, "activation": "relu6"}), 1, ["activation"]),
    ("zero units", _with_layer({"type": "dense", "units": 0}), 1, ["`units`"]),
    ("rate one", _with_layer({"type": "dropout", "rate": 1.0}), 1, ["`rate`", "not including"]),
    ("negative rate", _with_layer({"type": "dropout", "rate": -0.1}), 1, ["`rate`"]),
    ("nan rate", _with_layer({"type": "dropout", "rate": float("nan")}), 1, ["`rate`"]),
    ("string rate", _with_layer({"type": "dropout", "rate": "0.5"}), 1, ["`rate`"]),
    ("zero pool", _with_layer({"type": "maxpool2d", "pool_size": 0}), 1, ["pool_size"]),
    (
        "too many layers",
        {"input_shape": [28, 28, 1], "num_classes": 10, "layers": [{"type": "dropout", "rate": 0.1}] * 41},
        None,
        ["41 layers", "limit of 40"],
    ),
]


@pytest.mark.parametrize(("what", "data", "layer_index", "words"), REFUSALS, ids=[row[0] for row in REFUSALS])
def test_refusals_name_the_problem(what, data, layer_index, words):
    with pytest.raises(SpecError) as caught:
        ModelSpec.from_dict(data)
    message = str(caught.value)
    assert message == caught.value.message and (message[0].isupper() or message[0] == "`")  # a sentence
    assert message.rstrip().endswith((".", "?"))
    assert "Traceback" not in message and len(message) < 600  # a sentence for a student, not a dump
    assert caught.value.layer_index == layer_index
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["", "{", "not json", "[1, 2", "\x00\x01", '{"input_shape": NaN}', "[" * 100_000, b"\xff\xfe\x00"],
)
def test_malformed_json_is_a_spec_error(text):
    with pytest.raises(SpecError):
        ModelSpec.from_json(text)


@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
        max_leaves=20,
    )
)
def test_arbitrary_json_values_give_a_spec_or_a_spec_error(value):
    try:
        spec = ModelSpec.from_dict(value)
    except SpecError as error:
        assert (error.message and error.layer_index is None) or isinstance(error.layer_index, int)
        return
    assert ModelSpec.from_json(spec.to_json()) == spec  # what is accepted is a real spec: it round-trips


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "type",
                "filters",
                "kernel_size",
                "strides",
                "padding",
                "activation",
                "units",
                "rate",
                "pool_size",
                "bogus",
            ]
        ),
        st.none()
        | st.booleans()
        | st.integers(-3, 2000)
        | st.floats(-2, 2)
        | st.sampled_from(["conv2d", "dense", "dropout", "maxpool2d", "flatten", "same", "relu", "x"])
        | st.lists(st.integers(-1, 5), max_size=3),
    )
)
def test_arbitrary_layer_dicts_give_a_spec_or_a_spec_error(layer):
    try:
        spec = ModelSpec.from_dict({"input_shape": [28, 28, 1], "num_classes": 10, "layers": [layer]})
    except SpecError as error:
        assert error.layer_index == 0 and error.message
        return
    assert ModelSpec.from_json(spec.to_json()) == spec and len(spec.layers) == 1


def test_direct_construction_validates_too():
    with pytest.raises(SpecError):
        Conv2D(filters=-1)
    with pytest.raises(SpecError):
        Dropout(rate=2)
    with pytest.raises(SpecError):
        ModelSpec((28, 28, 1), 10, ("conv2d",))


@pytest.mark.parametrize(
    "layers, message",
    [
        ([{"type": "residual", "layers": []}], "at least one layer"),
        ([{"type": "residual", "layers": [{"type": "residual", "layers": []}]}], "cannot be nested"),
        ([{"type": "residual", "layers": [{"type": "dense", "units": 2}] * 41}], "over the limit of 40"),
        ([{"type": "residual", "layers": [{"type": "conv2d", "filters": 2}], "shortcut": "wide"}], "identity"),
        ([{"type": "residual", "layers": [{"type": "conv2d"}]}], "Block 1 (residual), layer 1"),
        ([{"type": "branch", "branches": [[]]}], "from 2 to 4"),
        ([{"type": "branch", "branches": [[], [], [], [], []]}], "from 2 to 4"),
        ([{"type": "branch", "branches": [[], "conv"]}], "must be a list"),
        ([{"type": "branch", "branches": [[], []], "merge": "multiply"}], "concatenate"),
        ([{"type": "branch", "branches": [[], []], "skip": 1}], "unknown key `skip`"),
        ([{"type": "loop"}], '"residual", "branch"'),
        (
            [{"type": "dense", "units": 2}] * 20
            + [{"type": "residual", "layers": [{"type": "dense", "units": 2}] * 21}],
            "41 layers",
        ),
    ],
)
def test_malformed_blocks_get_a_message_naming_the_block(layers, message):
    with pytest.raises(SpecError, match=re.escape(message)) as caught:
        ModelSpec.from_dict({"input_shape": [28, 28, 1], "num_classes": 10, "layers": layers})
    assert caught.value.layer_index in (None, len(layers) - 1)


def test_block_specs_round_trip_and_old_stacks_are_unchanged():
    graph = {
        "input_shape": [28, 28, 1],
        "num_classes": 10,
        "layers": [
            {"type": "residual", "layers": [{"type": "conv2d", "filters": 1, "padding": "same"}]},
            {"type": "branch", "branches": [[{"type": "activation", "activation": "tanh"}], []], "merge": "add"},
        ],
    }
    spec = ModelSpec.from_dict(graph)
    assert spec.is_graph and ModelSpec.from_json(spec.to_json()) == spec
    assert spec.to_dict()["layers"][0] == {
        "type": "residual",
        "layers": [
            {"type": "conv2d", "filters": 1, "kernel_size": 3, "strides": 1, "padding": "same", "activation": "relu"}
        ],
        "shortcut": "identity",
        "activation": "relu",
    }
    stack = PRESETS["lenet5"]
    assert not stack.is_graph and ModelSpec.from_dict(stack.to_dict()) == stack


@pytest.mark.parametrize("block_type", ["residual", "branch"])
def test_a_blocks_settings_and_inner_layers_split_and_join_back(block_type):
    from visualizer.model.blocks import join_paths, new_block, split_paths

    data = new_block(block_type)
    settings, paths = split_paths(data)
    assert "layers" not in settings and "branches" not in settings and all(isinstance(path, list) for path in paths)
    assert join_paths(settings, paths) == data
