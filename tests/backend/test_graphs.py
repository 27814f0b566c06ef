"""Graph specs (residual and branch blocks) against Keras itself, the oracle, on hundreds of random graphs."""

import keras
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from keras import layers

from tests.backend.test_building import (
    _exec_generated,
    _keras_layer,
    assert_compiled_as_the_app_trains,
    assert_same_layer,
    layer_dicts,
    over_limits,
    verdicts,
)
from visualizer.backend.building import build_model
from visualizer.errors import SpecError
from visualizer.model.plan import summarize
from visualizer.model.spec import ModelSpec


def _strides(layer: dict) -> tuple[int, int]:
    """A window layer's step, as the issue defines the projection's stride (pooling steps by its window)."""
    if layer["type"] == "activation":
        return 1, 1
    if layer["type"] == "conv2d":
        value = layer.get("strides", 1)
    elif layer["type"] in ("maxpool2d", "avgpool2d"):
        value = layer.get("strides") or layer.get("pool_size", 2)
    else:
        return 1, 1
    return (value, value) if isinstance(value, int) else tuple(value)


def _path(x, raw_layers):
    for layer in raw_layers:
        if layer["type"] == "dense" and len(x.shape) != 2:  # the app refuses it; Keras applies it per pixel
            raise _DenseOnMapError
        x = _keras_layer(layer)(x)
    return x


class _DenseOnMapError(Exception):
    """The app refuses a dense layer on a map (Keras applies it to the last axis)."""


def keras_graph_oracle(data: dict):
    """Builds a raw graph dict with Keras' functional API, independently of the planner and building.py."""
    inputs = keras.Input(shape=tuple(data["input_shape"]))
    x = inputs
    for item in data["layers"]:
        if item["type"] == "residual":
            y = _path(x, item["layers"])
            shortcut = x
            if item.get("shortcut", "identity") == "projection":
                stride = [1, 1]
                for layer in item["layers"]:
                    step = _strides(layer)
                    stride = [stride[0] * step[0], stride[1] * step[1]]
                shortcut = layers.Conv2D(y.shape[-1], 1, strides=tuple(stride))(x)
            x = layers.Add()([y, shortcut])
            if item.get("activation", "relu") != "linear":
                x = layers.Activation(item.get("activation", "relu"))(x)
        elif item["type"] == "branch":
            ends = [_path(x, path) for path in item["branches"]]
            merge = layers.Concatenate() if item.get("merge", "concatenate") == "concatenate" else layers.Add()
            x = merge(ends)
        else:
            x = _path(x, [item])
    if len(x.shape) == 4:
        x = layers.Flatten()(x)
    outputs = layers.Dense(data["num_classes"], activation="softmax")(x)
    return keras.Model(inputs, outputs)


# Mostly layers that keep a map a map (padding 'same'), so many graphs build; any layer at all now and then.
map_layers = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("conv2d"), "filters": st.integers(1, 8), "padding": st.just("same")},
        optional={
            "kernel_size": st.integers(1, 3),
            "strides": st.sampled_from([1, 1, 2, [1, 2]]),
            "activation": st.sampled_from(["relu", "linear", "tanh"]),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["maxpool2d", "avgpool2d"]), "padding": st.just("same")},
        optional={"pool_size": st.integers(1, 3), "strides": st.sampled_from([None, 1, 2])},
    ),
    st.fixed_dictionaries({"type": st.just("batchnorm")}),
    st.fixed_dictionaries({"type": st.just("dropout"), "rate": st.just(0.25)}),
    st.fixed_dictionaries({"type": st.just("activation"), "activation": st.sampled_from(["relu", "gelu", "linear"])}),
)
any_layers = st.one_of(map_layers, map_layers, map_layers, layer_dicts)
inner_layers = st.lists(any_layers, max_size=3)
residuals = st.fixed_dictionaries(
    {"type": st.just("residual"), "layers": st.lists(any_layers, min_size=1, max_size=3)},
    optional={
        "shortcut": st.sampled_from(["identity", "projection", "projection"]),
        "activation": st.sampled_from(["relu", "linear", "tanh"]),
    },
)
branches = st.fixed_dictionaries(
    {"type": st.just("branch"), "branches": st.lists(inner_layers, min_size=2, max_size=3)},
    optional={"merge": st.sampled_from(["concatenate", "add"])},
)
graph_dicts = st.fixed_dictionaries(
    {
        "input_shape": st.tuples(st.integers(4, 24), st.integers(4, 24), st.integers(1, 3)).map(list),
        "num_classes": st.integers(2, 6),
        "layers": st.tuples(
            st.lists(any_layers, max_size=2),
            st.one_of(residuals, branches),
            st.lists(st.one_of(any_layers, residuals, branches), max_size=2),
        ).map(lambda parts: [*parts[0], parts[1], *parts[2]]),
    }
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow], deadline=None)
@given(graph_dicts)
def test_random_graphs_agree_with_keras(data):
    oracle, spec, rows, ours_error = verdicts(keras_graph_oracle, data)
    if oracle is None:
        return
    if ours_error is not None:
        event(f"we refused: {str(ours_error).split(':')[0][:40]}")
        # Keras built it: the only allowed refusals are the app's policies.
        rate_one = "'rate': 1.0" in str(data)
        adds_unequal = any(
            type(layer).__name__ == "Add" and len({tuple(t.shape) for t in layer.input}) > 1 for layer in oracle.layers
        )
        assert rate_one or adds_unequal or over_limits(oracle) or "in all, so" in str(ours_error), (
            f"we refused a buildable graph: {ours_error}"
        )
        event("policy refusal")
        return
    event("both built")
    oracle_rows = sorted((tuple(layer.output.shape[1:]), layer.count_params()) for layer in oracle.layers[1:])
    assert sorted((row.output_shape, row.params) for row in rows) == oracle_rows
    assert rows[-1].output_shape == tuple(oracle.output.shape[1:])
    model = build_model(spec)
    built = {layer.name: (tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers[1:]}
    assert built == {row.name: (row.output_shape, row.params) for row in rows}
    assert model.count_params() == oracle.count_params()


def _by_name(model) -> dict:
    return {layer.name: layer for layer in model.layers}


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(graph_dicts)
def test_generated_graph_code_builds_the_same_model(data):
    try:
        spec = ModelSpec.from_dict(data)
        summarize(spec)
    except SpecError:
        event("refused")
        return
    event("compared")
    generated, model = _exec_generated(spec), build_model(spec)
    assert_compiled_as_the_app_trains(generated)
    ours, theirs = _by_name(generated), _by_name(model)
    assert ours.keys() == theirs.keys()
    for name, layer in theirs.items():
        assert_same_layer(ours[name], layer)
        assert [node.name for node in _inbound(ours[name])] == [node.name for node in _inbound(layer)], name


def _inbound(layer) -> list:
    """The layers feeding ``layer`` in its model, in order."""
    node = layer._inbound_nodes[0]
    return [tensor._keras_history.operation for tensor in node.input_tensors]
