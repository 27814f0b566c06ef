"""Grad-CAM against its closed form, saliency against finite differences, occlusion by hand."""

import keras
import numpy as np
from keras import layers

from tests.helpers import stack
from visualizer.backend.attribution import grad_cam, occlusion_map, saliency
from visualizer.backend.building import build_model
from visualizer.backend.forward import feature_maps, predict

RNG = np.random.RandomState(0)


def test_grad_cam_equals_the_closed_form_for_global_pooling():
    # With conv -> global average pooling -> dense, d logit_c / d A_k(i, j) = W[k, c] / (H * W), so
    # Grad-CAM is ReLU(sum_k W[k, c] / (H * W) * A_k), scaled to [0, 1] (the CAM of Zhou et al.).
    model = build_model(
        stack(
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


def finite_difference_saliency(model, x: np.ndarray, class_index: int, step: float = 1e-2) -> np.ndarray:
    """|d logit / d pixel| by central differences through the model's own graph, scaled to [0, 1] (one channel)."""
    output = model.get_layer("output")
    before = keras.Model(model.inputs[0], output.input)

    def logit(image):
        return float((before(image[None].astype(np.float32)) @ output.kernel + output.bias)[0, class_index])

    numeric = np.zeros(x.shape[:2])
    for row, col in np.ndindex(*x.shape[:2]):
        nudge = np.zeros_like(x)
        nudge[row, col, 0] = step
        numeric[row, col] = abs(logit(x + nudge) - logit(x - nudge)) / (2 * step)
    return numeric / numeric.max()


def test_saliency_matches_finite_differences():
    model = build_model(stack([{"type": "conv2d", "filters": 2, "activation": "tanh"}], shape=(5, 5, 1)), seed=3)
    x = RNG.rand(5, 5, 1).astype(np.float32)
    np.testing.assert_allclose(saliency(model, x, class_index=0), finite_difference_saliency(model, x, 0), atol=2e-2)


def test_occlusion_map_finds_the_pixels_that_matter():
    inputs = keras.Input((4, 4, 1))
    flat = layers.Flatten()(inputs)
    model = keras.Model(inputs, layers.Dense(2, activation="softmax", name="output")(flat))
    kernel = np.zeros((16, 2), np.float32)
    kernel[0, 0] = 10.0  # only the top-left pixel votes for class 0
    model.get_layer("output").set_weights([kernel, np.zeros(2, np.float32)])
    drop = occlusion_map(model, np.ones((4, 4, 1), np.float32), class_index=0, patch=2, stride=2)
    assert drop[0, 0] > 0.4 and np.allclose(drop[2:, 2:], 0)
