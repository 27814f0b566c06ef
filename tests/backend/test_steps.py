"""The arithmetic of one value: conv and pooling steps against the real maps, the output layer, pre-activations."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from tests.helpers import stack
from visualizer.backend.building import build_model
from visualizer.backend.forward import feature_maps, predict
from visualizer.backend.steps import conv_step, dense_step, pool_step, pre_activations
from visualizer.backend.walks import conv_walk, pool_walk
from visualizer.errors import InputError
from visualizer.numerics.kernels import apply_kernel

RNG = np.random.RandomState(0)


@pytest.mark.parametrize(
    "conv",
    [
        {"type": "conv2d", "filters": 3, "kernel_size": 3, "activation": "relu"},
        {"type": "conv2d", "filters": 2, "kernel_size": [3, 2], "strides": 2, "padding": "same", "activation": "tanh"},
        {
            "type": "conv2d",
            "filters": 2,
            "kernel_size": 4,
            "strides": [2, 3],
            "padding": "same",
            "activation": "linear",
        },
    ],
)
def test_conv_step_adds_up_to_the_feature_map_everywhere(conv):
    model = build_model(stack([conv, {"type": "conv2d", "filters": 2}]), seed=4)
    model.get_layer("conv2d_1").bias.assign(RNG.randn(conv["filters"]).astype(np.float32))
    x = RNG.rand(7, 7, 2).astype(np.float32)
    maps = feature_maps(model, x)
    for name in ("conv2d_1", "conv2d_2"):
        out_h, out_w, filters = maps[name].shape
        for row in range(out_h):
            for col in range(out_w):
                for index in range(filters):
                    step = conv_step(model, name, x, row, col, index)
                    np.testing.assert_allclose(step.products, step.patch * step.kernel)
                    assert step.pre_activation == pytest.approx(step.products.sum() + step.bias, abs=1e-6)
                    assert step.output == pytest.approx(float(maps[name][row, col, index]), abs=1e-5)


def test_conv_step_by_hand():
    inputs = keras.Input((3, 3, 1))
    model = keras.Model(
        inputs,
        layers.Dense(2, activation="softmax", name="output")(
            layers.Flatten()(layers.Conv2D(1, 2, activation="relu", name="conv")(inputs))
        ),
    )
    model.get_layer("conv").set_weights(
        [np.array([1, 2, 3, 4], np.float32).reshape(2, 2, 1, 1), np.array([-10.0], np.float32)]
    )
    x = np.arange(9, dtype=np.float32).reshape(3, 3, 1)  # 0 1 2 / 3 4 5 / 6 7 8
    step = conv_step(model, "conv", x, 1, 1, 0)
    # window 4 5 / 7 8 times 1 2 / 3 4: 4 + 10 + 21 + 32 = 67, plus bias -10 = 57
    assert step.patch[..., 0].tolist() == [[4, 5], [7, 8]]
    assert step.pre_activation == 57 and step.output == 57 and step.origin == (1, 1)
    assert conv_step(model, "conv", x * 0, 0, 0, 0).output == 0  # ReLU of -10
    with pytest.raises(InputError):
        conv_step(model, "conv", x, 2, 0, 0)


def test_same_padding_windows_hang_over_the_edge_with_zeros():
    model = build_model(stack([{"type": "conv2d", "filters": 1, "kernel_size": 3, "padding": "same"}]), seed=0)
    x = np.ones((7, 7, 2), np.float32)
    step = conv_step(model, "conv2d_1", x, 0, 0, 0)
    assert step.origin == (-1, -1)
    assert step.patch[0].sum() == 0 and step.patch[:, 0].sum() == 0 and step.patch[1:, 1:].sum() == 8


def pooling_model(kind: str, padding: str):
    """A linear conv then 2x2 pooling of ``kind`` over an odd-width input (so 'same' pads), and an input for it."""
    model = build_model(
        stack(
            [
                {"type": "conv2d", "filters": 2, "activation": "linear"},
                {"type": kind, "pool_size": 2, "padding": padding},
            ],
            shape=(8, 7, 1),
        ),
        seed=2,
    )
    return model, RNG.rand(8, 7, 1).astype(np.float32)


@pytest.mark.parametrize("kind", ["maxpool2d", "avgpool2d"])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pool_step_equals_the_pooled_map(kind, padding):
    model, x = pooling_model(kind, padding)
    pooled = feature_maps(model, x)[f"{kind}_1"]
    for row in range(pooled.shape[0]):
        for col in range(pooled.shape[1]):
            for channel in range(pooled.shape[2]):
                step = pool_step(model, f"{kind}_1", x, row, col, channel)
                assert step.output == pytest.approx(float(pooled[row, col, channel]), abs=1e-6)


def test_pre_activations_are_what_the_activation_receives(lenet):
    batch = RNG.rand(4, 28, 28, 1).astype(np.float32)
    found = pre_activations(lenet, batch, include_output=True)
    assert [item.layer_name for item in found] == ["conv2d_1", "conv2d_2", "dense_1", "dense_2", "output"]
    for item in found:
        layer = lenet.get_layer(item.layer_name)
        outputs = keras.Model(lenet.inputs[0], layer.output)(batch).numpy()
        if item.activation == "softmax":
            logits = item.values.reshape(outputs.shape)
            np.testing.assert_allclose(tf.nn.softmax(logits).numpy(), outputs, rtol=1e-4, atol=1e-6)
        else:
            np.testing.assert_allclose(layer.activation(item.values).numpy(), outputs.ravel(), rtol=1e-4, atol=1e-5)
    # the first conv layer by hand: input window x kernel + bias, for one image and one filter
    kernel = lenet.get_layer("conv2d_1").get_weights()
    by_hand = apply_kernel(batch[0, :, :, 0], kernel[0][:, :, 0, 2], padding="same") + kernel[1][2]
    np.testing.assert_allclose(found[0].values.reshape(4, 28, 28, 6)[0, :, :, 2], by_hand, rtol=1e-4, atol=1e-5)
    assert "output" not in [item.layer_name for item in pre_activations(lenet, batch)]
    with pytest.raises(InputError):
        pre_activations(lenet, batch[0])


def test_dense_step_is_weights_times_inputs_plus_bias_then_softmax(lenet):
    x = RNG.rand(28, 28, 1).astype(np.float32)
    step = dense_step(lenet, x)
    weights, bias = lenet.get_layer("output").get_weights()
    np.testing.assert_allclose(step.inputs, feature_maps(lenet, x)["dense_2"], rtol=1e-6)
    np.testing.assert_allclose(step.logits, step.inputs @ weights + bias, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(step.probabilities, predict(lenet, x), rtol=1e-4, atol=1e-6)
    chosen = int(step.logits.argmax())
    contributions = step.contributions(chosen)
    np.testing.assert_allclose(contributions, step.inputs * weights[:, chosen], rtol=1e-6)
    assert contributions.sum() + bias[chosen] == pytest.approx(float(step.logits[chosen]), abs=1e-4)


def test_conv_step_knows_its_channel_sums_and_padding_offset():
    model = build_model(
        stack([{"type": "conv2d", "filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}], shape=(8, 8, 3)),
        seed=5,
    )
    x = RNG.rand(8, 8, 3).astype(np.float32)
    step = conv_step(model, "conv2d_1", x, 2, 1, 1)
    np.testing.assert_allclose(step.channel_sums, step.products.sum(axis=(0, 1)))
    assert step.channel_sums.sum() == pytest.approx(float(step.products.sum()), abs=1e-5)
    # TensorFlow pads 'same' with the extra row and column after: 8 -> 4 with a 3x3 window, stride 2: (0, 0) before.
    assert step.strides == (2, 2) and step.padding_offset == (0, 0) and step.origin == (4, 2)


@pytest.mark.parametrize(
    "conv",
    [
        {"type": "conv2d", "filters": 3, "kernel_size": 3, "activation": "relu"},
        {"type": "conv2d", "filters": 2, "kernel_size": [3, 2], "strides": 2, "padding": "same", "activation": "tanh"},
    ],
)
def test_a_conv_walk_is_every_conv_step_and_fills_the_feature_map(conv):
    model = build_model(stack([conv, {"type": "conv2d", "filters": 2}]), seed=9)
    model.get_layer("conv2d_1").bias.assign(RNG.randn(conv["filters"]).astype(np.float32))
    x = RNG.rand(7, 7, 2).astype(np.float32)
    maps = feature_maps(model, x)
    for name in ("conv2d_1", "conv2d_2"):
        for index in range(maps[name].shape[2]):
            walk = conv_walk(model, name, x, index)
            np.testing.assert_allclose(walk.output, maps[name][:, :, index], atol=1e-5)  # the filled output
            for row in range(walk.output.shape[0]):
                for col in range(walk.output.shape[1]):
                    step = conv_step(model, name, x, row, col, index)
                    assert tuple(walk.origins[row, col]) == step.origin
                    np.testing.assert_allclose(walk.channel_sums[row, col], step.channel_sums, atol=1e-5)
                    assert walk.pre_activation[row, col] == pytest.approx(step.pre_activation, abs=1e-5)
                    assert walk.output[row, col] == pytest.approx(step.output, abs=1e-5)
    with pytest.raises(InputError):
        conv_walk(model, "conv2d_1", x, 99)


@pytest.mark.parametrize("kind", ["maxpool2d", "avgpool2d"])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_a_pool_walk_is_every_pool_step_and_fills_the_pooled_map(kind, padding):
    model, x = pooling_model(kind, padding)
    pooled = feature_maps(model, x)[f"{kind}_1"]
    for channel in range(2):
        walk = pool_walk(model, f"{kind}_1", x, channel)
        np.testing.assert_allclose(walk.output, pooled[:, :, channel], atol=1e-6)
        for row in range(pooled.shape[0]):
            for col in range(pooled.shape[1]):
                step = pool_step(model, f"{kind}_1", x, row, col, channel)
                assert tuple(walk.origins[row, col]) == step.origin and walk.output[row, col] == pytest.approx(
                    step.output
                )
