"""Adversarial examples against an independently computed gradient, and the bisection's epsilon."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import stack
from visualizer.backend.adversarial import adversarial, smallest_flipping_epsilon
from visualizer.backend.building import build_model
from visualizer.backend.forward import predict
from visualizer.errors import InputError

RNG = np.random.RandomState(7)


@pytest.fixture(scope="module")
def small():
    spec = stack(
        [{"type": "conv2d", "filters": 3, "activation": "tanh"}, {"type": "flatten"}, {"type": "dense", "units": 8}],
        (6, 6, 1),
    )
    return build_model(spec, seed=5)


def probability_gradient(model: keras.Model, x: np.ndarray, class_index: int) -> np.ndarray:
    """d -log p(class) / dx through the model's softmax output: another path than the attack's logits."""
    image = tf.constant(x[None])
    with tf.GradientTape() as tape:
        tape.watch(image)
        loss = -tf.math.log(model(image, training=False)[0, class_index])
    return tape.gradient(loss, image)[0].numpy()


def test_fgsm_is_epsilon_times_the_sign_of_the_gradient(small):
    x = (0.2 + 0.6 * RNG.rand(6, 6, 1)).astype(np.float32)  # inside the range: no clipping at 0.1
    result = adversarial(small, x, 0.1)
    predicted = int(np.argmax(predict(small, x)))
    gradient = probability_gradient(small, x, predicted)
    clear = np.abs(gradient) > 1e-6
    assert clear.mean() > 0.9
    np.testing.assert_allclose(result.perturbation[clear], 0.1 * np.sign(gradient[clear]), atol=1e-6)
    np.testing.assert_allclose(result.x_adv, np.clip(x + result.perturbation, 0, 1), atol=1e-7)
    assert result.class_index == predicted and result.method == "fgsm" and result.steps == 1
    np.testing.assert_allclose(result.probabilities_after, predict(small, result.x_adv), atol=1e-6)
    # The attack raises the loss of the class it pushes down.
    assert result.probabilities_after[predicted] < result.probabilities_before[predicted]


def test_pgd_stays_in_the_epsilon_box_and_the_image_range_and_beats_fgsm(small):
    x = RNG.rand(6, 6, 1).astype(np.float32)
    fgsm = adversarial(small, x, 0.05)
    pgd = adversarial(small, x, 0.05, method="pgd", steps=8)
    assert np.abs(pgd.perturbation).max() <= 0.05 + 1e-6 and pgd.x_adv.min() >= 0 and pgd.x_adv.max() <= 1
    chosen = pgd.class_index
    assert pgd.probabilities_after[chosen] <= fgsm.probabilities_after[chosen] + 1e-6


def test_a_targeted_attack_raises_the_target(small):
    x = RNG.rand(6, 6, 1).astype(np.float32)
    before = predict(small, x)
    target = int(np.argmin(before))
    result = adversarial(small, x, 0.2, method="pgd", steps=5, target=target)
    assert result.probabilities_after[target] > before[target]


def test_the_bisection_epsilon_flips_and_one_tolerance_less_does_not(small):
    x = RNG.rand(6, 6, 1).astype(np.float32)
    found = smallest_flipping_epsilon(small, x, tolerance=1e-3)
    assert found is not None and 0 < found <= 1
    assert adversarial(small, x, found).flipped
    assert not adversarial(small, x, found - 1e-3).flipped


def test_bad_arguments_are_input_errors(small):
    x = np.zeros((6, 6, 1), np.float32)
    for kwargs, message in (
        ({"epsilon": 2.0}, "from 0 to 1"),
        ({"epsilon": 0.1, "method": "cw"}, "Unknown attack"),
        ({"epsilon": 0.1, "class_index": 3}, "0 to 2"),
        ({"epsilon": 0.1, "target": -1}, "0 to 2"),
    ):
        with pytest.raises(InputError, match=message):
            adversarial(small, x, **kwargs)
