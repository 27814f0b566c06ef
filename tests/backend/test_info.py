"""describe(model): what the pages read instead of Keras objects, equal to the plan of the spec it was built from."""

import keras
import pytest

from tests.helpers import stack
from visualizer.backend.building import build_model
from visualizer.backend.info import OTHER, describe
from visualizer.model.layers import LAYERS
from visualizer.model.plan import summarize
from visualizer.model.presets import PRESETS


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_built_preset_is_described_as_its_plan(name):
    spec = PRESETS[name]
    info = describe(build_model(spec, seed=0))
    rows = summarize(spec)
    assert [(layer.name, layer.kind, layer.output_shape, layer.params) for layer in info.layers] == [
        (row.name, row.type, row.output_shape, row.params) for row in rows
    ]
    assert info.input_shape == spec.input_shape and info.num_classes == spec.num_classes
    assert info.params == sum(row.params for row in rows) and info.supported


def test_every_registry_layer_type_is_recognised_with_its_window():
    layers = [
        {"type": "conv2d", "filters": 3, "kernel_size": [3, 2], "strides": 2, "padding": "same", "activation": "tanh"},
        {"type": "batchnorm"},
        {"type": "maxpool2d", "pool_size": 2, "strides": 1},
        {"type": "avgpool2d", "pool_size": 2},
        {"type": "dropout", "rate": 0.2},
        {"type": "globalmaxpool2d"},
        {"type": "dense", "units": 4},
    ]
    spec = stack(layers, shape=(12, 12, 1))
    info = describe(build_model(spec, seed=0))
    conv = info.layer("conv2d_1")
    assert (conv.window, conv.strides, conv.padding, conv.activation) == ((3, 2), (2, 2), "same", "tanh")
    pool = info.layer("maxpool2d_1")
    assert (pool.window, pool.strides, pool.padding) == ((2, 2), (1, 1), "valid")
    # No stride given: the planner steps by the window, and the built layer does what the plan says.
    planned = {row.name: row.output_shape for row in summarize(spec)}
    assert {layer.name: layer.output_shape for layer in info.layers} == planned
    assert info.layer("avgpool2d_1").strides == spec.layers[3].effective_strides == (2, 2)
    assert info.layer("dense_1").window is None and info.layer("dense_1").activation == "relu"
    kinds = {layer.kind for layer in info.layers}
    assert kinds == {"conv2d", "batchnorm", "maxpool2d", "avgpool2d", "dropout", "globalmaxpool2d", "dense"}
    assert kinds <= set(LAYERS)
    assert info.names("walk", "pooling") == ["maxpool2d_1", "avgpool2d_1"]
    with pytest.raises(KeyError):
        info.layer("nope")


def test_a_layer_the_app_does_not_build_is_other_and_the_network_not_supported():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(2, 3, name="c"),
            keras.layers.ReLU(name="r"),
            keras.layers.Flatten(name="f"),
            keras.layers.Dense(2, activation="softmax", name="o"),
        ]
    )
    info = describe(model)
    assert [layer.kind for layer in info.layers] == ["conv2d", OTHER, "flatten", "dense"]
    assert info.layer("r").keras_class == "ReLU" and not info.supported


def test_descriptions_are_cached_without_keeping_models_alive():
    import gc
    import weakref

    model = build_model(PRESETS["starter"], seed=0)
    assert describe(model) is describe(model)
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None
