"""The numbers behind the Inspect views, against Keras itself and hand computations."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from visualizer.building import build_model
from visualizer.errors import InputError
from visualizer.introspection import (
    conv_step,
    dense_step,
    dropout_layers,
    dropout_predictions,
    feature_maps,
    feature_model,
    grad_cam,
    kernels,
    model_at,
    occlusion_map,
    pool_step,
    pre_activations,
    predict,
    saliency,
    softmax,
)
from visualizer.kernels import apply_kernel
from visualizer.presets import PRESETS
from visualizer.spec import ModelSpec

RNG = np.random.RandomState(0)


@pytest.fixture(scope="module")
def lenet():
    return build_model(PRESETS["lenet5"], seed=1)


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


def spec(layers, shape=(7, 7, 2), classes=3):
    return ModelSpec.from_dict({"input_shape": list(shape), "num_classes": classes, "layers": layers})


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
    model = build_model(spec([conv, {"type": "conv2d", "filters": 2}]), seed=4)
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
    model = build_model(spec([{"type": "conv2d", "filters": 1, "kernel_size": 3, "padding": "same"}]), seed=0)
    x = np.ones((7, 7, 2), np.float32)
    step = conv_step(model, "conv2d_1", x, 0, 0, 0)
    assert step.origin == (-1, -1)
    assert step.patch[0].sum() == 0 and step.patch[:, 0].sum() == 0 and step.patch[1:, 1:].sum() == 8


@pytest.mark.parametrize("kind", ["maxpool2d", "avgpool2d"])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pool_step_equals_the_pooled_map(kind, padding):
    model = build_model(
        spec(
            [
                {"type": "conv2d", "filters": 2, "activation": "linear"},
                {"type": kind, "pool_size": 2, "padding": padding},
            ],
            shape=(8, 7, 1),
        ),
        seed=2,
    )
    x = RNG.rand(8, 7, 1).astype(np.float32)
    pooled = feature_maps(model, x)[f"{kind}_1"]
    for row in range(pooled.shape[0]):
        for col in range(pooled.shape[1]):
            for channel in range(pooled.shape[2]):
                step = pool_step(model, f"{kind}_1", x, row, col, channel)
                assert step.output == pytest.approx(float(pooled[row, col, channel]), abs=1e-6)


def test_grad_cam_equals_the_closed_form_for_global_pooling():
    # With conv -> global average pooling -> dense, d logit_c / d A_k(i, j) = W[k, c] / (H * W), so
    # Grad-CAM is ReLU(sum_k W[k, c] / (H * W) * A_k), scaled to [0, 1] (the CAM of Zhou et al.).
    model = build_model(
        spec(
            [{"type": "conv2d", "filters": 4, "padding": "same"}, {"type": "globalavgpool2d"}],
            shape=(6, 6, 1),
            classes=3,
        ),
        seed=7,
    )
    x = RNG.rand(6, 6, 1).astype(np.float32)
    maps = feature_maps(model, x)["conv2d_1"]
    weights = model.get_layer("output").kernel.numpy()
    for chosen in range(3):
        expected = np.maximum((maps * (weights[:, chosen] / 36.0)).sum(axis=-1), 0)
        expected = expected / expected.max() if expected.max() > 0 else expected
        np.testing.assert_allclose(grad_cam(model, x, class_index=chosen), expected, atol=1e-5)
    logits_order = predict(model, x).argmax()
    np.testing.assert_allclose(grad_cam(model, x), grad_cam(model, x, class_index=int(logits_order)))


def test_grad_cam_is_upsampled_to_the_input_and_in_range(lenet):
    cam = grad_cam(lenet, RNG.rand(28, 28, 1).astype(np.float32), layer_name="conv2d_2")
    assert cam.shape == (28, 28) and cam.min() >= 0 and cam.max() <= 1


def test_saliency_matches_finite_differences():
    model = build_model(spec([{"type": "conv2d", "filters": 2, "activation": "tanh"}], shape=(5, 5, 1)), seed=3)
    x = RNG.rand(5, 5, 1).astype(np.float32)
    output = model.get_layer("output")
    before = keras.Model(model.inputs[0], output.input)

    def logit(image):
        return float((before(image[None].astype(np.float32)) @ output.kernel + output.bias)[0, 0])

    numeric = np.zeros((5, 5))
    for row in range(5):
        for col in range(5):
            step = np.zeros_like(x)
            step[row, col, 0] = 1e-2
            numeric[row, col] = abs(logit(x + step) - logit(x - step)) / 2e-2
    np.testing.assert_allclose(saliency(model, x, class_index=0), numeric / numeric.max(), atol=2e-2)


def test_occlusion_map_finds_the_pixels_that_matter():
    inputs = keras.Input((4, 4, 1))
    flat = layers.Flatten()(inputs)
    model = keras.Model(inputs, layers.Dense(2, activation="softmax", name="output")(flat))
    kernel = np.zeros((16, 2), np.float32)
    kernel[0, 0] = 10.0  # only the top-left pixel votes for class 0
    model.get_layer("output").set_weights([kernel, np.zeros(2, np.float32)])
    drop = occlusion_map(model, np.ones((4, 4, 1), np.float32), class_index=0, patch=2, stride=2)
    assert drop[0, 0] > 0.4 and np.allclose(drop[2:, 2:], 0)


def test_model_at_a_checkpoint():
    model = build_model(PRESETS["starter"], seed=0)
    weights = [w * 0 for w in model.get_weights()]
    copy = model_at(model, weights)
    assert [layer.name for layer in copy.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(predict(copy, np.ones((28, 28, 1), np.float32)), 0.1, rtol=1e-6)
    assert not np.allclose(model.get_weights()[0], 0)


def test_one_image_only(lenet):
    with pytest.raises(InputError):
        feature_maps(lenet, np.zeros((1, 28, 28, 1)))


def test_gradients_flow_through_tf():
    assert tf.executing_eagerly()


def test_kernel_surgery_changes_only_the_copy_and_the_chosen_filter():
    from visualizer.introspection import with_filter
    from visualizer.kernels import CLASSIC_KERNELS

    model = build_model(PRESETS["lenet5"], seed=1)
    x = RNG.rand(28, 28, 1).astype(np.float32)
    before = feature_maps(model, x)["conv2d_1"]
    zeroed = with_filter(model, "conv2d_1", 2, None)
    after = feature_maps(zeroed, x)["conv2d_1"]
    assert np.allclose(after[:, :, 2], 0) and np.allclose(after[:, :, 3], before[:, :, 3], atol=1e-6)
    assert np.allclose(feature_maps(model, x)["conv2d_1"], before)  # the original is untouched
    sobel = with_filter(model, "conv2d_1", 0, CLASSIC_KERNELS["sobel_x"])
    kernel = kernels(sobel, "conv2d_1")[:, :, 0, 0]
    np.testing.assert_array_equal(kernel[1:4, 1:4], CLASSIC_KERNELS["sobel_x"])
    assert kernel[0].sum() == 0 and kernel[:, 4].sum() == 0
    with pytest.raises(InputError):
        with_filter(model, "conv2d_1", 6, None)


def test_perturb():
    from visualizer.images import perturb

    x = np.zeros((8, 8, 1), np.float32)
    x[2, 3] = 1.0
    assert perturb(x, shift=(1, 2))[3, 5, 0] == 1.0
    assert perturb(x, occlusion=(0, 0, 4)).sum() == 0
    noisy = perturb(x, noise=0.2, seed=3)
    np.testing.assert_array_equal(noisy, perturb(x, noise=0.2, seed=3))
    assert noisy.min() >= 0 and noisy.max() <= 1
    assert perturb(np.ones((8, 8, 1), np.float32), angle=90)[4, 4, 0] == pytest.approx(1.0)


def test_cached_views_do_not_keep_a_model_alive():
    import gc
    import weakref

    model = build_model(PRESETS["starter"], seed=0)
    x = RNG.rand(28, 28, 1).astype(np.float32)
    feature_maps(model, x)
    grad_cam(model, x)
    saliency(model, x)
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None  # a classroom server builds many models: caches must not leak them


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
    np.testing.assert_allclose(softmax(np.array([1.0, 2.0, 3.0]), temperature=2.0).sum(), 1.0)
    assert softmax(np.array([1000.0, 0.0]))[0] == pytest.approx(1.0)  # no overflow


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
