"""build_model and summarize against Keras itself, the oracle, on hundreds of random stacks."""

import math

import keras
import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from keras import layers

from visualizer.backend.building import build_model
from visualizer.errors import SpecError
from visualizer.model.checks import MAX_MAP_VALUES, MAX_PARAMS
from visualizer.model.codegen import to_keras_code
from visualizer.model.layers import ACTIVATIONS
from visualizer.model.plan import summarize
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig

DEFAULTS = {
    "conv2d": {"kernel_size": 3, "strides": 1, "padding": "valid", "activation": "relu"},
    "maxpool2d": {"pool_size": 2, "strides": None, "padding": "valid"},
    "avgpool2d": {"pool_size": 2, "strides": None, "padding": "valid"},
    "dense": {"activation": "relu"},
}


def _keras_layer(layer: dict):
    """The Keras layer a raw layer dict describes, written independently of the registry and building.py."""
    options = {**DEFAULTS.get(layer["type"], {}), **{k: v for k, v in layer.items() if k != "type"}}
    kind = layer["type"]
    if kind == "conv2d":
        return layers.Conv2D(**options)
    if kind == "maxpool2d":
        return layers.MaxPooling2D(**options)
    if kind == "avgpool2d":
        return layers.AveragePooling2D(**options)
    if kind == "globalavgpool2d":
        return layers.GlobalAveragePooling2D()
    if kind == "globalmaxpool2d":
        return layers.GlobalMaxPooling2D()
    if kind == "flatten":
        return layers.Flatten()
    if kind == "dense":
        return layers.Dense(**options)
    if kind == "dropout":
        return layers.Dropout(**options)
    if kind == "batchnorm":
        return layers.BatchNormalization()
    if kind == "activation":
        return layers.Activation(options.get("activation", "relu"))
    raise AssertionError(kind)


def keras_oracle(data: dict):
    """Builds the raw dict with Keras' functional API; returns (model, used_dense_on_a_map) or raises."""
    inputs = keras.Input(shape=tuple(data["input_shape"]))
    x = inputs
    dense_on_map = False
    for layer in data["layers"]:
        if layer["type"] == "dense" and len(x.shape) != 2:
            dense_on_map = True
        x = _keras_layer(layer)(x)
    if len(x.shape) == 4:
        x = layers.Flatten()(x)
    outputs = layers.Dense(data["num_classes"], activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    return model, dense_on_map


def over_limits(model) -> bool:
    too_big_map = any(math.prod(layer.output.shape[1:]) > MAX_MAP_VALUES for layer in model.layers[1:])
    return too_big_map or model.count_params() > MAX_PARAMS


sizes = st.one_of(st.integers(1, 7), st.lists(st.integers(1, 7), min_size=2, max_size=2))
strides = st.one_of(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=2, max_size=2))
paddings = st.sampled_from(["valid", "same"])
layer_dicts = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("conv2d"), "filters": st.integers(0, 24)},
        optional={
            "kernel_size": sizes,
            "strides": strides,
            "padding": paddings,
            "activation": st.sampled_from(ACTIVATIONS),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["maxpool2d", "avgpool2d"])},
        optional={"pool_size": sizes, "strides": st.one_of(st.none(), strides), "padding": paddings},
    ),
    st.fixed_dictionaries({"type": st.sampled_from(["flatten", "globalavgpool2d", "globalmaxpool2d", "batchnorm"])}),
    st.fixed_dictionaries(
        {"type": st.just("dense"), "units": st.integers(0, 40)},
        optional={"activation": st.sampled_from(ACTIVATIONS)},
    ),
    st.fixed_dictionaries({"type": st.just("dropout"), "rate": st.sampled_from([0.0, 0.25, 0.5, 0.9, 1.0, -0.5])}),
)
spec_dicts = st.fixed_dictionaries(
    {
        "input_shape": st.tuples(st.integers(1, 36), st.integers(1, 36), st.integers(1, 4)).map(list),
        "num_classes": st.integers(2, 12),
        "layers": st.lists(layer_dicts, max_size=7),
    }
)


def verdicts(build_oracle, data: dict):
    """Keras' verdict (``build_oracle(data)``) and ours (``summarize``) on one raw spec dict.

    Returns:
        (what the oracle built, our spec, our rows, our error); the first is None when both refused
        (a Keras refusal we accepted fails the test here).
    """
    try:
        built, keras_error = build_oracle(data), None
    except Exception as error:
        built, keras_error = None, error
    try:
        spec = ModelSpec.from_dict(data)
        rows, ours_error = summarize(spec), None
    except SpecError as error:
        spec, rows, ours_error = None, None, error
    if keras_error is not None:
        assert ours_error is not None, f"Keras refused ({keras_error}) but we accepted"
        event("both refused")
    return built, spec, rows, ours_error


@settings(max_examples=500)
@given(spec_dicts)
def test_random_stacks_agree_with_keras(data):
    built, spec, rows, ours_error = verdicts(keras_oracle, data)
    if built is None:
        return
    oracle, dense_on_map = built
    if ours_error is not None:
        # Keras built it: the only allowed refusals are the app's policies.
        rate_one = any(layer["type"] == "dropout" and layer["rate"] == 1.0 for layer in data["layers"])
        assert dense_on_map or rate_one or over_limits(oracle), f"we refused a buildable stack: {ours_error}"
        event("policy refusal")
        return
    event("both built")
    assert not dense_on_map
    oracle_layers = oracle.layers[1:]  # the functional model lists its InputLayer first
    assert len(rows) == len(oracle_layers)
    for row, layer in zip(rows, oracle_layers):
        assert row.output_shape == tuple(layer.output.shape[1:])
        assert row.params == layer.count_params()
    model = build_model(spec)
    assert [layer.name for layer in model.layers] == [row.name for row in rows]
    assert [tuple(layer.output.shape[1:]) for layer in model.layers] == [row.output_shape for row in rows]
    assert [layer.count_params() for layer in model.layers] == [row.params for row in rows]


def _exec_generated(spec: ModelSpec):
    namespace = {"__name__": "generated"}
    exec(compile(to_keras_code(spec), "generated.py", "exec"), namespace)
    return namespace["model"]


CONFIG_KEYS = ("activation", "padding", "strides", "kernel_size", "pool_size", "rate", "units", "filters")


def assert_same_layer(ours, theirs) -> None:
    """Two Keras layers of the same class, output shape, parameters and settings."""
    assert type(ours) is type(theirs), ours.name
    assert ours.output.shape == theirs.output.shape, ours.name
    assert ours.count_params() == theirs.count_params(), ours.name
    config_a, config_b = ours.get_config(), theirs.get_config()
    for key in CONFIG_KEYS:
        assert config_a.get(key) == config_b.get(key), (ours.name, key)


def _assert_same_model(generated, model):
    assert [layer.name for layer in generated.layers] == [layer.name for layer in model.layers]
    for ours, theirs in zip(generated.layers, model.layers, strict=True):
        assert_same_layer(ours, theirs)


@settings(max_examples=40)
@given(spec_dicts)
def test_generated_code_builds_the_same_model(data):
    try:
        spec = ModelSpec.from_dict(data)
        summarize(spec)
    except SpecError:
        return
    generated = _exec_generated(spec)
    assert_compiled_as_the_app_trains(generated)
    _assert_same_model(generated, build_model(spec))


def assert_compiled_as_the_app_trains(model: keras.Model) -> None:
    """The generated script compiles as the app's defaults train: class numbers as labels, Adam at 1e-3."""
    assert model.loss == "sparse_categorical_crossentropy"
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(TrainingConfig().learning_rate)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_build_and_generate(name):
    spec = PRESETS[name]
    model = build_model(spec, seed=3)
    assert model.count_params() == sum(row.params for row in summarize(spec))
    assert model.inputs[0].shape[1:] == spec.input_shape
    _assert_same_model(_exec_generated(spec), model)
    probabilities = model(np.zeros((2, *spec.input_shape), dtype="float32")).numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_same_seed_same_weights_and_different_seed_different_weights():
    spec = PRESETS["lenet5"]
    first, second, other = build_model(spec, seed=7), build_model(spec, seed=7), build_model(spec, seed=8)
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])


def test_build_model_refuses_an_invalid_spec_with_a_spec_error():
    spec = ModelSpec.from_dict(
        {
            "input_shape": [4, 4, 1],
            "num_classes": 2,
            "layers": [{"type": "conv2d", "filters": 2, "kernel_size": 5}],
        }
    )
    with pytest.raises(SpecError):
        build_model(spec)


def test_streamlits_after_run_clear_session_no_longer_resets_keras():
    """Streamlit calls keras.backend.clear_session() after every run; other sessions' state must survive it."""
    from streamlit.runtime.scriptrunner.script_runner import _clean_problem_modules

    import visualizer.backend.engine  # noqa: F401 - installs keep_session

    first = keras.layers.Dense(1).name
    _clean_problem_modules()
    second = keras.layers.Dense(1).name
    assert second != first  # automatic names keep counting: the global state was not reset
    keras.backend.clear_session()  # anyone else's call still clears it
    assert keras.layers.Dense(1).name == "dense"
