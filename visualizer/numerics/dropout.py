"""Inverted dropout in NumPy: which units a mask keeps, and what the kept ones become."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.errors import InputError


@dataclass(frozen=True)
class DropoutSample:
    """One dropout mask applied to some units while training.

    Attributes:
        values: The units before dropout.
        kept: Which units the mask keeps (bool).
        scale: ``1 / (1 - rate)``, applied to the kept units.
        output: ``values * kept * scale``: what the next layer receives while training.
    """

    values: np.ndarray
    kept: np.ndarray
    scale: float
    output: np.ndarray

    @property
    def dropped(self) -> int:
        """How many units this mask zeroed."""
        return int((~self.kept).sum())


def dropout_mask(count: int, rate: float, seed: int = 0) -> np.ndarray:
    """A mask of ``count`` units where each is dropped (False) with probability ``rate``, drawn from ``seed``.

    Raises:
        InputError: a rate outside [0, 1).
    """
    if not 0.0 <= rate < 1.0:
        raise InputError(f"The dropout rate must be at least 0 and below 1, not {rate}.")
    return np.random.RandomState(seed).rand(count) >= rate


def apply_dropout(values: np.ndarray, rate: float, seed: int = 0) -> DropoutSample:
    """Inverted dropout of ``values`` at ``rate`` with the mask drawn from ``seed``."""
    data = np.asarray(values, dtype=np.float32).ravel()
    kept = dropout_mask(len(data), rate, seed)
    scale = 1.0 / (1.0 - rate)
    return DropoutSample(data, kept, scale, np.where(kept, data * scale, 0.0).astype(np.float32))


def agreement(samples: np.ndarray, reference: np.ndarray) -> float:
    """The share of rows of ``samples`` (N, classes) whose top class is ``reference``'s (classes,) top class."""
    return float(np.mean(np.asarray(samples).argmax(axis=1) == int(np.argmax(reference))))
