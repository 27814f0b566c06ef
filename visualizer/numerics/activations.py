"""Activation functions and their derivatives, in NumPy, equal to ``keras.activations``.

``curve(name, x, **params)`` returns ``(y, dy)`` for every activation of
``model.activations.ACTIVATIONS`` (the one list of them, with their titles and
parameters); parameter defaults are Keras' own (``leaky_relu`` negative slope
0.2, ``elu`` alpha 1.0). The derivative is
written out by hand (so the Learn page needs no TensorFlow) and checked against
automatic differentiation in the tests.
"""

from __future__ import annotations

import math

import numpy as np

from visualizer.errors import InputError
from visualizer.model.activations import ACTIVATIONS

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # stable for large |x|


def _gelu(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keras' default GELU is the exact one (``approximate=False``): x * Phi(x), Phi the normal CDF."""
    from scipy.special import erf

    cdf = 0.5 * (1.0 + erf(x / math.sqrt(2.0)))
    density = np.exp(-0.5 * x**2) / math.sqrt(2.0 * math.pi)
    return x * cdf, cdf + x * density


def curve(name: str, x: np.ndarray, **params: float) -> tuple[np.ndarray, np.ndarray]:
    """The activation ``name`` and its derivative at ``x``.

    Args:
        name: One of ``ACTIVATIONS``.
        x: Points to evaluate at.
        **params: ``negative_slope`` for leaky_relu, ``alpha`` for elu.

    Returns:
        ``(y, dy)`` float64 arrays shaped like ``x``. At kinks (relu at 0) the
        derivative is the one TensorFlow's gradient gives (0 for relu).

    Raises:
        InputError: an unknown activation or parameter.
    """
    if name not in ACTIVATIONS:
        raise InputError(f"Unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}.")
    defaults = ACTIVATIONS[name].parameters
    unknown = set(params) - set(defaults)
    if unknown:
        raise InputError(f"{name} takes no parameter {sorted(unknown)[0]!r}.")
    settings = {**defaults, **params}
    x = np.asarray(x, dtype=np.float64)
    if name == "linear":
        return x.copy(), np.ones_like(x)
    if name == "relu":
        return np.maximum(x, 0.0), (x > 0).astype(np.float64)
    if name == "sigmoid":
        s = _sigmoid(x)
        return s, s * (1.0 - s)
    if name == "tanh":
        t = np.tanh(x)
        return t, 1.0 - t**2
    if name == "leaky_relu":
        slope = settings["negative_slope"]
        return np.where(x > 0, x, slope * x), np.where(x > 0, 1.0, slope)
    if name == "elu":
        alpha = settings["alpha"]
        negative = alpha * np.expm1(np.minimum(x, 0.0))
        return np.where(x > 0, x, negative), np.where(x > 0, 1.0, negative + alpha)
    if name == "selu":
        negative = SELU_SCALE * SELU_ALPHA * np.expm1(np.minimum(x, 0.0))
        return np.where(x > 0, SELU_SCALE * x, negative), np.where(
            x > 0, SELU_SCALE, negative + SELU_SCALE * SELU_ALPHA
        )
    if name == "gelu":
        return _gelu(x)
    if name == "swish":
        s = _sigmoid(x)
        return x * s, s + x * s * (1.0 - s)
    # softplus
    return np.logaddexp(0.0, x), _sigmoid(x)


def gradient_through_depth(name: str, depth: int, x: float = 0.5, **params: float) -> np.ndarray:
    """The product of derivatives through 1..depth stacked activations of a signal starting at ``x``.

    Shows vanishing gradients: sigmoid's derivative is at most 0.25, so the product shrinks
    geometrically with depth, while ReLU's is 1 on the positive side.
    """
    value = np.asarray([x], dtype=np.float64)
    products = []
    product = 1.0
    for _ in range(depth):
        value, slope = curve(name, value, **params)
        product *= float(slope[0])
        products.append(product)
    return np.asarray(products)


def flat_fraction(name: str, values: np.ndarray, threshold: float = 0.05, **params: float) -> float:
    """The share of ``values`` where the activation's slope is under ``threshold`` of its peak slope.

    For ReLU these are the units that output zero and pass no gradient back ("dead" for this
    input); for sigmoid and tanh the saturated ones. Leaky ReLU and linear never count.
    """
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        return 0.0
    _, slope = curve(name, data, **params)
    _, reference = curve(name, np.linspace(-8.0, 8.0, 1601), **params)
    peak = float(np.abs(reference).max()) or 1.0
    return float(np.mean(np.abs(slope) < threshold * peak))


def histogram_span(values: np.ndarray, quantile: float = 99.5, minimum: float = 1.0) -> float:
    """A symmetric x range [-span, span] that holds all but the outermost values (at least ``minimum``)."""
    data = np.asarray(values, dtype=np.float64)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return minimum
    return float(max(np.percentile(np.abs(data), quantile), minimum))
