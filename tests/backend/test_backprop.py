"""One training step in numbers, against TensorFlow's own gradients (GradientTape) and a loss that falls."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from visualizer.backend.backprop import kernel_gradient, training_step
from visualizer.backend.info import describe
from visualizer.data.catalog import load_dataset
from visualizer.errors import InputError
from visualizer.training.shipped import load_pretrained


def tape_gradient(model, x, label, layer_name) -> np.ndarray:
    kernel = model.get_layer(layer_name).kernel
    with tf.GradientTape() as tape:
        probabilities = model(x[None], training=False)
        loss = keras.losses.sparse_categorical_crossentropy(tf.constant([label]), probabilities)[0]
    return np.asarray(tape.gradient(loss, kernel), dtype=np.float64)


@pytest.mark.parametrize(
    ("name", "dataset", "images"), [("lenet5_digits", "digits", (0, 7, 21)), ("tinyvgg_shapes", "shapes", (0, 5))]
)
def test_the_kernel_gradient_is_tensorflow_s_on_every_conv_layer_of_both_shipped_models(name, dataset, images):
    model = load_pretrained(name)
    data = load_dataset(dataset)
    for index in images:
        x, label = data.x_test[index], int(data.y_test[index])
        for layer in describe(model).names("kernel"):
            expected = tape_gradient(model, x, label, layer)
            found = kernel_gradient(model, x, label, layer)
            assert found.shape == expected.shape
            np.testing.assert_allclose(found, expected, rtol=1e-3, atol=1e-6 * max(1.0, np.abs(expected).max()))


def test_the_shown_sum_for_one_weight_is_its_gradient_and_the_step_lowers_the_loss():
    model = load_pretrained("lenet5_digits")
    data = load_dataset("digits")
    x, label = data.x_test[3], int(data.y_test[3])
    wrong = (label + 1) % 10  # a label the network does not give: a large loss, a clear step
    step = training_step(model, x, wrong, "conv2d_2", learning_rate=0.05)
    inputs, gradients = step.weight_terms(2, 1, 4, 7)
    assert inputs.shape == gradients.shape == (10, 10)  # every output position of conv2d_2
    assert float((inputs * gradients).sum()) == pytest.approx(step.kernel_gradient[2, 1, 4, 7], rel=1e-9)
    np.testing.assert_allclose(step.logit_gradient, step.probabilities - np.eye(10)[wrong])
    assert step.loss == pytest.approx(-np.log(step.probabilities[wrong]), rel=1e-5)
    assert step.loss_after < step.loss  # one small step downhill
    np.testing.assert_allclose(step.kernel_after, step.kernel - 0.05 * step.kernel_gradient)
    assert np.asarray(model.get_layer("conv2d_2").kernel) == pytest.approx(step.kernel)  # the model unchanged


def test_bad_requests_are_messages():
    model = load_pretrained("lenet5_digits")
    x = load_dataset("digits").x_test[0]
    with pytest.raises(InputError, match="not a convolution layer"):
        kernel_gradient(model, x, 1, "dense_1")
    with pytest.raises(InputError, match="from 0 to 9"):
        kernel_gradient(model, x, 12, "conv2d_1")
