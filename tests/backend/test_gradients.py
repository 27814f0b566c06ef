"""The gradient reaching each layer, against the hand computation, and the skip-connection measure."""

import keras
import numpy as np
import pytest
from keras import layers

from visualizer.backend.gradients import layer_gradients, skip_comparison
from visualizer.errors import InputError
from visualizer.model.presets import PRESETS


def test_the_output_layers_gradient_is_the_hand_computation():
    # For softmax(x W + b) and the mean cross-entropy, dL/dW = x^T (p - onehot(y)) / N.
    rng = np.random.default_rng(0)
    inputs = keras.Input((2, 2, 1))
    flat = layers.Flatten(name="flat")(inputs)
    model = keras.Model(inputs, layers.Dense(3, activation="softmax", name="output")(flat))
    images = rng.random((5, 2, 2, 1)).astype(np.float32)
    labels = np.array([0, 2, 1, 2, 0])
    x = images.reshape(5, 4).astype(np.float64)
    kernel, bias = (weight.astype(np.float64) for weight in model.get_layer("output").get_weights())
    logits = x @ kernel + bias
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    expected = x.T @ (probabilities - np.eye(3)[labels]) / 5
    (measured,) = layer_gradients(model, images, labels)
    assert measured.layer_name == "output"
    assert measured.rms == pytest.approx(float(np.sqrt(np.mean(expected**2))), rel=1e-4)


def test_skip_connections_carry_the_gradient_to_the_first_layers_of_a_deep_network():
    rng = np.random.default_rng(1)
    images = rng.random((32, 28, 28, 1)).astype(np.float32)
    labels = rng.integers(0, 10, 32)
    measured = skip_comparison(PRESETS["deep_residual"], images, labels, seed=0)
    assert [item.layer_name for item in measured.residual] == [item.layer_name for item in measured.plain]
    assert len(measured.residual) == 18
    assert measured.first_layer_ratio > 100  # measured ~3,000x on digits


def test_a_network_without_residual_blocks_or_a_bad_batch_is_refused():
    with pytest.raises(InputError, match="nothing to change"):
        skip_comparison(PRESETS["lenet5"], np.zeros((2, 28, 28, 1), np.float32), np.zeros(2))
    model = keras.Sequential([keras.Input((2, 2, 1)), layers.Flatten(), layers.Dense(2, activation="softmax")])
    with pytest.raises(InputError, match="one label each"):
        layer_gradients(model, np.zeros((2, 2, 2, 1), np.float32), np.zeros(3))
