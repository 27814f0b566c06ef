"""How fragile a network is: adversarial examples by the fast gradient sign method and projected gradient descent.

The gradient of the cross-entropy with respect to the image is the model's inspector's one gradient,
through the model's own graph (the logits before the softmax, as Grad-CAM's are), compiled once per model.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import as_batch, predict
from visualizer.backend.inspector import Forward, Inspector, inspector_for
from visualizer.errors import InputError

METHODS = ("fgsm", "pgd")
"""The attacks: one signed gradient step (Goodfellow et al., 2015), or several projected ones (Madry et al., 2018)."""


@dataclass(frozen=True)
class AdversarialExample:
    """An image changed by at most ``epsilon`` per pixel to make the network err.

    Attributes:
        x_adv: The changed image (H, W, C) in [0, 1].
        perturbation: ``x_adv - x``, each value within [-epsilon, epsilon].
        probabilities_before: The prediction for the image itself.
        probabilities_after: The prediction for ``x_adv``.
        epsilon: The largest change allowed per pixel.
        class_index: The class whose score the attack pushes down (the predicted one by default).
        target: The class it pushes up instead, for a targeted attack, or None.
        method: ``fgsm`` or ``pgd``.
        steps: Gradient steps taken.
    """

    x_adv: np.ndarray
    perturbation: np.ndarray
    probabilities_before: np.ndarray
    probabilities_after: np.ndarray
    epsilon: float
    class_index: int
    target: int | None
    method: str
    steps: int

    @property
    def flipped(self) -> bool:
        """Whether the prediction changed (to ``target``, for a targeted attack)."""
        after = int(np.argmax(self.probabilities_after))
        if self.target is not None:
            return after == self.target
        return after != int(np.argmax(self.probabilities_before))


def _loss_gradient(forward: Forward, inputs: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
    found = Inspector.gradient(forward, lambda logits: Inspector.class_loss(logits, class_index[None]), inputs)
    return found.gradient[0]


def loss_gradient(model: keras.Model, x: np.ndarray, class_index: int) -> np.ndarray:
    """The gradient of the cross-entropy of ``class_index`` with respect to the image (H, W, C)."""
    inspector = inspector_for(model)
    compiled = inspector.once(
        lambda: tf.function(functools.partial(_loss_gradient, inspector.logits_forward()), reduce_retracing=True),
        "loss_gradient",
    )
    gradient = compiled(tf.constant(as_batch(x)), tf.constant(int(class_index), tf.int32))
    return np.asarray(gradient, dtype=np.float32)


def adversarial(
    model: keras.Model,
    x: np.ndarray,
    epsilon: float,
    class_index: int | None = None,
    method: str = "fgsm",
    steps: int = 1,
    target: int | None = None,
) -> AdversarialExample:
    """An adversarial example for one image.

    FGSM is ``clip(x + epsilon * sign(grad_x cross_entropy(model(x), class_index)), 0, 1)``; PGD takes
    ``steps`` such steps of size ``2.5 * epsilon / steps``, each projected back into the epsilon box around
    ``x`` and the image range. With ``target``, each step instead goes down the target class's cross-entropy.

    Args:
        model: A model ending in a softmax dense layer.
        x: One image (H, W, C) in [0, 1].
        epsilon: The largest change per pixel, from 0 to 1.
        class_index: The class to push down; the predicted class when None.
        method: ``fgsm`` or ``pgd``.
        steps: PGD's number of steps (FGSM takes one).
        target: A class to push up instead (a targeted attack), or None.

    Raises:
        InputError: an unknown method, an epsilon outside [0, 1], or classes the model does not have.
    """
    if method not in METHODS:
        raise InputError(f"Unknown attack {method!r}: choose one of {', '.join(METHODS)}.")
    if not 0.0 <= float(epsilon) <= 1.0:
        raise InputError(f"Epsilon is the largest change per pixel, from 0 to 1, not {epsilon}.")
    image = np.clip(np.asarray(x, dtype=np.float32), 0.0, 1.0)
    before = predict(model, image)
    classes = len(before)
    chosen = int(np.argmax(before)) if class_index is None else int(class_index)
    for name, value in (("class", chosen), ("target", target)):
        if value is not None and not 0 <= value < classes:
            raise InputError(f"The {name} must be one of the model's classes, 0 to {classes - 1}, not {value}.")
    steps = 1 if method == "fgsm" else max(1, int(steps))
    size = float(epsilon) if method == "fgsm" else 2.5 * float(epsilon) / steps
    changed = image.copy()
    for _ in range(steps):
        if target is None:
            direction = np.sign(loss_gradient(model, changed, chosen))
        else:
            direction = -np.sign(loss_gradient(model, changed, int(target)))
        changed = np.clip(changed + size * direction, image - float(epsilon), image + float(epsilon))
        changed = np.clip(changed, 0.0, 1.0).astype(np.float32)
    return AdversarialExample(
        x_adv=changed,
        perturbation=(changed - image).astype(np.float32),
        probabilities_before=before,
        probabilities_after=predict(model, changed),
        epsilon=float(epsilon),
        class_index=chosen,
        target=target,
        method=method,
        steps=steps,
    )


def smallest_flipping_epsilon(
    model: keras.Model, x: np.ndarray, method: str = "fgsm", tolerance: float = 1e-3, steps: int = 10
) -> float | None:
    """The smallest epsilon that changes the prediction, found by bisection on multiples of ``tolerance``.

    The answer flips the prediction and the answer minus ``tolerance`` does not (both are checked by the
    bisection itself), so it is exact to the tolerance even where flipping is not monotonic in epsilon.

    Returns:
        The epsilon, or None when even epsilon 1 does not flip the prediction.

    Raises:
        InputError: a tolerance outside (0, 0.5].
    """
    if not 0.0 < tolerance <= 0.5:
        raise InputError(f"The tolerance must be above 0 and at most 0.5, not {tolerance}.")
    count = int(np.ceil(1.0 / tolerance))

    def flips(k: int) -> bool:
        return adversarial(model, x, min(1.0, k * tolerance), method=method, steps=steps).flipped

    if not flips(count):
        return None
    low, high = 0, count  # flips(low) is False (epsilon 0 changes nothing), flips(high) is True
    while high - low > 1:
        middle = (low + high) // 2
        if flips(middle):
            high = middle
        else:
            low = middle
    return min(1.0, high * tolerance)
