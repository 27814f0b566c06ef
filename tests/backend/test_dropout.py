"""Dropout in a real network: predictions with dropout left on, and what a dropout layer receives."""

import numpy as np
import pytest

from visualizer.backend.building import build_model
from visualizer.backend.dropout import dropout_input, dropout_layers, dropout_predictions
from visualizer.backend.forward import feature_maps, predict
from visualizer.errors import InputError
from visualizer.model.presets import PRESETS

RNG = np.random.RandomState(0)


def test_dropout_predictions_spread_only_while_dropout_is_on():
    convnet = build_model(PRESETS["keras_mnist_convnet"], seed=0)
    x = RNG.rand(28, 28, 1).astype(np.float32)
    assert dropout_layers(convnet) == ["dropout_1"]
    samples = dropout_predictions(convnet, x, samples=20, seed=1)
    assert samples.shape == (20, 10)
    np.testing.assert_allclose(samples.sum(axis=1), 1.0, rtol=1e-5)
    assert samples.std(axis=0).max() > 1e-4  # different masks, different predictions
    np.testing.assert_allclose(samples, dropout_predictions(convnet, x, samples=20, seed=1))  # seeded
    off = dropout_predictions(convnet, x, samples=3, rate=0.0)
    np.testing.assert_allclose(off, np.repeat(predict(convnet, x)[None], 3, axis=0), rtol=1e-4, atol=1e-6)
    lenet = build_model(PRESETS["lenet5"], seed=1)
    with pytest.raises(InputError):
        dropout_predictions(lenet, x)  # no Dropout layer and no rate
    assert dropout_predictions(lenet, x, samples=5, rate=0.5).std(axis=0).max() > 0
    with pytest.raises(InputError):
        dropout_predictions(lenet, x, rate=1.0)


def test_dropout_input_is_what_the_dropout_layer_receives(lenet):
    convnet = build_model(PRESETS["keras_mnist_convnet"], seed=0)
    x = RNG.rand(28, 28, 1).astype(np.float32)
    entering = dropout_input(convnet, x, limit=50)
    assert entering.layer_name == "dropout_1" and entering.own
    np.testing.assert_array_equal(entering.values, feature_maps(convnet, x)["flatten_1"][:50])
    # Without a Dropout layer of its own: the last layer's input.
    fallback = dropout_input(lenet, x)
    assert fallback.layer_name == "output" and not fallback.own
    np.testing.assert_array_equal(fallback.values, feature_maps(lenet, x)["dense_2"][:64])
