"""Every view on graph models: residual and branch models built here or written in plain Keras and uploaded."""

import keras
import numpy as np
import pytest
from keras import layers

from tests.backend.test_attribution import finite_difference_saliency
from tests.helpers import stack
from visualizer.backend.attribution import grad_cam, saliency
from visualizer.backend.building import build_model
from visualizer.backend.dropout import dropout_predictions
from visualizer.backend.forward import feature_maps, kernels, layer_input, predict
from visualizer.backend.info import describe
from visualizer.backend.saving import model_to_bytes
from visualizer.backend.steps import conv_step, dense_step, pool_step, pre_activations
from visualizer.backend.surgery import with_filter
from visualizer.backend.uploads import load_user_model
from visualizer.backend.walks import conv_walk

RNG = np.random.RandomState(4)


def residual_spec():
    return stack(
        [
            {"type": "conv2d", "filters": 3, "padding": "same"},
            {
                "type": "residual",
                "layers": [
                    {"type": "conv2d", "filters": 3, "padding": "same"},
                    {"type": "conv2d", "filters": 3, "padding": "same", "activation": "linear"},
                ],
            },
            {"type": "globalavgpool2d"},
        ],
        shape=(6, 6, 1),
    )


def test_grad_cam_on_a_residual_model_is_the_textbook_computation():
    # The maps A of conv2d_1 feed both the block's layers and its shortcut: the score is
    # y_c = W_c . mean_ij(relu(conv3(conv2(A)) + A)) + b_c, applied layer by layer; its gradient
    # by central differences gives alpha_k = mean_ij dy_c/dA_k(i, j), and Grad-CAM = ReLU(sum_k alpha_k A_k).
    model = build_model(residual_spec(), seed=11)
    x = RNG.rand(6, 6, 1).astype(np.float32)
    maps = feature_maps(model, x)["conv2d_1"].astype(np.float64)
    conv2, conv3, out = (model.get_layer(name) for name in ("conv2d_2", "conv2d_3", "output"))

    def score(a: np.ndarray, chosen: int) -> float:
        block = conv3(conv2(a[None].astype(np.float32))).numpy()[0].astype(np.float64)
        pooled = np.maximum(block + a, 0).mean(axis=(0, 1))
        return float(pooled @ out.kernel.numpy()[:, chosen] + out.bias.numpy()[chosen])

    for chosen in range(3):
        gradient = np.zeros_like(maps)
        for index in np.ndindex(maps.shape):
            step = np.zeros_like(maps)
            step[index] = 1e-3
            gradient[index] = (score(maps + step, chosen) - score(maps - step, chosen)) / 2e-3
        cam = np.maximum((maps * gradient.mean(axis=(0, 1))).sum(axis=-1), 0)
        expected = cam / cam.max() if cam.max() > 0 else cam
        np.testing.assert_allclose(grad_cam(model, x, chosen, "conv2d_1"), expected, atol=2e-3)


def branch_spec():
    return stack(
        [
            {
                "type": "branch",
                "branches": [
                    [{"type": "conv2d", "filters": 2, "kernel_size": 1, "activation": "tanh"}],
                    [{"type": "conv2d", "filters": 2, "padding": "same", "activation": "tanh"}],
                    [],
                ],
            },
        ],
        shape=(5, 5, 1),
    )


def test_saliency_on_a_branch_model_matches_finite_differences():
    model = build_model(branch_spec(), seed=3)
    x = RNG.rand(5, 5, 1).astype(np.float32)
    np.testing.assert_allclose(saliency(model, x, class_index=1), finite_difference_saliency(model, x, 1), atol=2e-2)


def keras_io_resnet() -> keras.Model:
    """A ResNet block as the keras.io examples write it: conv-BN-ReLU-conv-BN, add, ReLU; then a head."""
    inputs = keras.Input((12, 12, 1))
    x = layers.Conv2D(4, 3, padding="same", name="stem")(inputs)
    shortcut = x
    y = layers.Conv2D(4, 3, padding="same", use_bias=False, name="block_conv1")(x)
    y = layers.BatchNormalization(name="block_bn1")(y)
    y = layers.Activation("relu", name="block_relu1")(y)
    y = layers.Conv2D(4, 3, padding="same", use_bias=False, name="block_conv2")(y)
    y = layers.BatchNormalization(name="block_bn2")(y)
    x = layers.Add(name="block_add")([shortcut, y])
    x = layers.Activation("relu", name="block_out")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(0.3, name="drop")(x)
    return keras.Model(inputs, layers.Dense(3, activation="softmax", name="predictions")(x))


def inception_model() -> keras.Model:
    """An Inception-style block: 1x1, 3x3 and pooled branches stacked channel by channel."""
    inputs = keras.Input((10, 10, 3))
    one = layers.Conv2D(2, 1, activation="relu", name="b1_1x1")(inputs)
    three = layers.Conv2D(2, 1, activation="relu", name="b2_reduce")(inputs)
    three = layers.Conv2D(3, 3, padding="same", activation="relu", name="b2_3x3")(three)
    pooled = layers.MaxPooling2D(3, strides=1, padding="same", name="b3_pool")(inputs)
    pooled = layers.Conv2D(2, 1, activation="relu", name="b3_proj")(pooled)
    x = layers.Concatenate(name="mixed")([one, three, pooled])
    x = layers.Flatten(name="flat")(x)
    return keras.Model(inputs, layers.Dense(4, activation="softmax", name="predictions")(x))


@pytest.fixture(params=["resnet", "inception"], scope="module")
def uploaded(request):
    model = keras_io_resnet() if request.param == "resnet" else inception_model()
    loaded = load_user_model(model_to_bytes(model))
    return request.param, loaded


def test_uploaded_graph_models_get_every_view(uploaded):
    kind, model = uploaded
    info = describe(model)
    assert info.supported and info.graph
    x = RNG.rand(*info.input_shape).astype(np.float32)
    maps = feature_maps(model, x)
    merge = "block_add" if kind == "resnet" else "mixed"
    assert info.layer(merge).is_merge
    # The merge point's map: its inputs added, or stacked channel by channel.
    sources = [maps.get(name, x) for name in info.layer(merge).inputs]
    expected = sum(sources) if kind == "resnet" else np.concatenate(sources, axis=-1)
    np.testing.assert_allclose(maps[merge], expected, rtol=1e-5, atol=1e-5)
    # A conv step inside the block reads whatever feeds it in the graph, not the layer listed before it.
    inner = "block_conv2" if kind == "resnet" else "b3_proj"
    feeder = "block_relu1" if kind == "resnet" else "b3_pool"
    np.testing.assert_array_equal(layer_input(model, inner, x), maps[feeder])
    step = conv_step(model, inner, x, 1, 2, 0)
    assert step.output == pytest.approx(float(maps[inner][1, 2, 0]), abs=1e-5)
    walk = conv_walk(model, inner, x, 1)
    np.testing.assert_allclose(walk.output, maps[inner][:, :, 1], atol=1e-5)
    pool = "pool" if kind == "resnet" else "b3_pool"
    assert pool_step(model, pool, x, 0, 0, 0).output == pytest.approx(float(maps[pool][0, 0, 0]), abs=1e-6)
    assert kernels(model, inner).shape[-1] == maps[inner].shape[-1]
    cam = grad_cam(model, x)
    assert cam.shape == info.input_shape[:2] and cam.max() <= 1 and cam.min() >= 0
    assert saliency(model, x).shape == info.input_shape[:2]
    step = dense_step(model, x)
    np.testing.assert_allclose(step.probabilities, predict(model, x), atol=1e-5)
    zeroed = with_filter(model, inner, 0, None)
    assert np.all(feature_maps(zeroed, x)[inner][:, :, 0] == 0)
    names = [item.layer_name for item in pre_activations(model, x[None])]
    assert inner in names and ("block_relu1" in names if kind == "resnet" else True)
    spread = dropout_predictions(model, x, samples=4, rate=0.5)
    assert spread.shape == (4, info.num_classes)
