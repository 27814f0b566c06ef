"""Histograms over epochs: shared bins, counts that add up to every weight, checked against NumPy and Keras."""

import keras
import numpy as np
import pytest

from visualizer.backend.info import describe, weights_of
from visualizer.errors import InputError
from visualizer.numerics.histograms import gather, histograms_over_epochs


def test_each_layer_s_counts_sum_to_its_parameter_count_at_every_epoch():
    # A layer with non-trainable weights too (batch normalisation's running statistics).
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(3, 3, name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="norm")(x)
    x = keras.layers.Flatten(name="flat")(x)
    model = keras.Model(inputs, keras.layers.Dense(4, activation="softmax", name="out")(x))
    first = weights_of(model)
    later = [array + np.random.RandomState(1).normal(0, 0.1, array.shape).astype(np.float32) for array in first]
    for layer in describe(model).layers:
        if not layer.weights:
            continue
        found = histograms_over_epochs([gather(first, layer.weights), gather(later, layer.weights)], [0, 1])
        assert (found.counts.sum(axis=1) == model.get_layer(layer.name).count_params()).all(), layer.name
    # Each layer's positions point at its own arrays, in a checkpoint and among the trainable weights.
    for layer in describe(model).layers:
        keras_layer = model.get_layer(layer.name)
        assert [model.weights[i] for i in layer.weights] == list(keras_layer.weights), layer.name
        assert [model.trainable_weights[i] for i in layer.trainable] == list(keras_layer.trainable_weights)


def test_the_bins_are_shared_and_match_numpy():
    rng = np.random.RandomState(0)
    values = [rng.normal(0, 1, 500), rng.normal(0, 2, 300)]
    found = histograms_over_epochs(values, [0, 5], bins=10)
    edges = np.linspace(min(v.min() for v in values), max(v.max() for v in values), 11)
    np.testing.assert_allclose(found.edges, edges)
    for row, vector in zip(found.counts, values, strict=True):
        np.testing.assert_array_equal(row, np.histogram(vector, edges)[0])
    assert found.epochs == (0, 5)
    assert found.rms[1] == pytest.approx(np.sqrt(np.mean(values[1] ** 2)))


def test_equal_values_get_one_bin_around_them_and_bad_input_a_message():
    found = histograms_over_epochs([np.zeros(7)], [0], bins=3)
    assert found.counts.tolist() == [[0, 7, 0]]
    with pytest.raises(InputError, match="no weights"):
        histograms_over_epochs([np.zeros(0)], [0])
    with pytest.raises(InputError, match="not finite"):
        histograms_over_epochs([np.array([1.0, np.nan])], [0])
    with pytest.raises(InputError):
        histograms_over_epochs([], [])
