"""The forward pass: every layer's output against one Keras model per layer, kernels, the cache."""

import gc
import weakref

import keras
import numpy as np
import pytest

from visualizer.backend.attribution import grad_cam, saliency
from visualizer.backend.building import build_model
from visualizer.backend.forward import feature_maps, feature_model, kernels, layer_input, predict, predict_many
from visualizer.errors import InputError
from visualizer.model.presets import PRESETS

RNG = np.random.RandomState(0)


def test_feature_maps_equal_one_keras_model_per_layer(lenet):
    x = RNG.rand(28, 28, 1).astype(np.float32)
    maps = feature_maps(lenet, x)
    assert list(maps) == [layer.name for layer in lenet.layers]
    for layer in lenet.layers:
        oracle = keras.Model(lenet.inputs[0], layer.output)(x[None]).numpy()[0]
        np.testing.assert_allclose(maps[layer.name], oracle, rtol=1e-5, atol=1e-6)
        assert maps[layer.name].dtype == np.float32
    np.testing.assert_allclose(maps["output"], predict(lenet, x), rtol=1e-6)
    assert feature_model(lenet) is feature_model(lenet)  # built once per model


def test_kernels_are_the_layer_weights(lenet):
    assert kernels(lenet, "conv2d_2").shape == (5, 5, 6, 16)
    np.testing.assert_array_equal(kernels(lenet, "conv2d_1"), lenet.get_layer("conv2d_1").get_weights()[0])
    with pytest.raises(InputError):
        kernels(lenet, "dense_1")


def test_one_image_only(lenet):
    with pytest.raises(InputError):
        feature_maps(lenet, np.zeros((1, 28, 28, 1)))


def test_cached_views_do_not_keep_a_model_alive():
    model = build_model(PRESETS["starter"], seed=0)
    x = RNG.rand(28, 28, 1).astype(np.float32)
    feature_maps(model, x)
    grad_cam(model, x)
    saliency(model, x)
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None  # a classroom server builds many models: caches must not leak them


def test_layer_input_is_the_previous_output(lenet):
    x = RNG.rand(28, 28, 1).astype(np.float32)
    maps = feature_maps(lenet, x)
    np.testing.assert_array_equal(layer_input(lenet, "conv2d_1", x), x)
    np.testing.assert_array_equal(layer_input(lenet, "avgpool2d_1", x), maps["conv2d_1"])
    with pytest.raises(InputError, match="no layer called"):
        layer_input(lenet, "nope", x)


def test_predict_many_equals_one_by_one(lenet):
    images = RNG.rand(3, 28, 28, 1).astype(np.float32)
    batch = predict_many(lenet, images)
    for image, row in zip(images, batch, strict=True):
        np.testing.assert_allclose(row, predict(lenet, image), rtol=1e-4, atol=1e-6)
