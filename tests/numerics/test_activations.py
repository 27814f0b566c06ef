"""Activation curves and derivatives against keras.activations and TensorFlow's automatic differentiation."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from visualizer.errors import InputError
from visualizer.model.activations import ACTIVATIONS
from visualizer.numerics.activations import (
    curve,
    flat_fraction,
    gradient_through_depth,
    histogram_span,
)

X = np.concatenate([np.linspace(-6, 6, 241), [-30.0, -1e-3, 1e-3, 30.0]])
X = X[X != 0]  # kinks: compared separately


def keras_activation(name, **params):
    function = keras.activations.get(name)
    if name == "leaky_relu":
        return lambda t: keras.activations.leaky_relu(t, negative_slope=params.get("negative_slope", 0.2))
    if name == "elu":
        return lambda t: keras.activations.elu(t, alpha=params.get("alpha", 1.0))
    return function


CASES = [(name, {}) for name in ACTIVATIONS] + [("leaky_relu", {"negative_slope": 0.05}), ("elu", {"alpha": 0.5})]


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}{p or ''}" for n, p in CASES])
def test_curve_and_derivative_equal_keras_and_autodiff(name, params):
    inputs = tf.constant(X, dtype=tf.float64)
    function = keras_activation(name, **params)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = function(inputs)
    y, dy = curve(name, X, **params)
    np.testing.assert_allclose(y, outputs.numpy(), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dy, tape.gradient(outputs, inputs).numpy(), rtol=1e-6, atol=1e-8)


def test_keras_defaults():
    # Our defaults are Keras' own: the curve with no parameter given equals Keras with none given.
    assert ACTIVATIONS["leaky_relu"].parameters == {"negative_slope": 0.2}
    assert ACTIVATIONS["elu"].parameters == {"alpha": 1.0}
    for name in ("leaky_relu", "elu"):
        np.testing.assert_allclose(curve(name, X)[0], keras.activations.get(name)(tf.constant(X)).numpy(), rtol=1e-6)
    np.testing.assert_allclose(curve("leaky_relu", np.array([-1.0]))[0], -0.2)


def test_relu_kink_follows_tensorflow():
    inputs = tf.constant([0.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = tf.nn.relu(inputs)
    assert curve("relu", np.array([0.0]))[1][0] == tape.gradient(outputs, inputs).numpy()[0] == 0.0


def test_vanishing_gradients_sigmoid_against_relu():
    sigmoid = gradient_through_depth("sigmoid", 10)
    relu = gradient_through_depth("relu", 10)
    assert sigmoid[-1] < 0.25**10 * 1.01 and np.all(np.diff(sigmoid) < 0)
    np.testing.assert_array_equal(relu, np.ones(10))


def test_refusals():
    with pytest.raises(InputError):
        curve("softmax", X)
    with pytest.raises(InputError):
        curve("relu", X, alpha=1.0)


def test_flat_fraction_counts_dead_relus_and_saturated_sigmoids():
    values = np.array([-3.0, -0.5, 0.0, 0.5, 2.0, 8.0])
    assert flat_fraction("relu", values) == pytest.approx(3 / 6)  # x <= 0: zero output, zero gradient
    assert flat_fraction("leaky_relu", values) == 0.0  # its negative slope (0.2) is 20% of its peak
    assert flat_fraction("linear", values) == 0.0
    # sigmoid' < 5% of 0.25 beyond |x| ~ 4.4: only 8.0 is saturated
    assert flat_fraction("sigmoid", values) == pytest.approx(1 / 6)
    assert flat_fraction("relu", np.array([])) == 0.0


def test_histogram_span_holds_all_but_the_outermost_values():
    values = np.concatenate([np.linspace(-2.0, 3.0, 999), [500.0]])
    span = histogram_span(values)
    assert 2.9 <= span < 4.0  # one outlier does not stretch the axis
    assert histogram_span(np.array([0.1, -0.2])) == 1.0  # at least the minimum
    assert histogram_span(np.array([np.nan, np.inf])) == 1.0
