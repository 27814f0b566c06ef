"""Softmax in NumPy, with the terms a person sees when it is worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """``exp(z / T) / sum(exp(z / T))``, computed stably (the maximum is subtracted first)."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    exps = np.exp(scaled - scaled.max())
    return exps / exps.sum()


@dataclass(frozen=True)
class SoftmaxTerms:
    """One class's probability as the fraction it is computed as.

    Attributes:
        numerator: ``exp((z_class - z_max) / T)``.
        denominator: ``sum_j exp((z_j - z_max) / T)``.
        probability: ``numerator / denominator``.
    """

    numerator: float
    denominator: float
    probability: float


def softmax_terms(logits: np.ndarray, class_index: int, temperature: float = 1.0) -> SoftmaxTerms:
    """The numerator and denominator of class ``class_index``'s softmax at ``temperature``.

    Shifted by the largest logit: ``exp((z_class - z_max) / T)`` over ``sum_j exp((z_j - z_max) / T)``.
    """
    values = np.asarray(logits, dtype=np.float64)
    exps = np.exp((values - values.max()) / temperature)
    numerator, denominator = float(exps[class_index]), float(exps.sum())
    return SoftmaxTerms(numerator, denominator, numerator / denominator)
