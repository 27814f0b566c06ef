"""Distributions over epochs: one histogram per epoch of a layer's weights (or gradients), on shared bins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from visualizer.errors import InputError

DEFAULT_BINS = 41


@dataclass(frozen=True)
class Histograms:
    """One histogram per epoch, all on the same bins, so the epochs compare row by row.

    Attributes:
        edges: (bins + 1,) bin edges from the smallest value of any epoch to the largest.
        counts: (epochs, bins) values per bin; each row sums to the number of values of its epoch.
        epochs: The epoch of each row.
        rms: The root mean square of each epoch's values (how large they are, whatever their sign).
    """

    edges: np.ndarray
    counts: np.ndarray
    epochs: tuple[int, ...]
    rms: tuple[float, ...]

    @property
    def centres(self) -> np.ndarray:
        """The middle of each bin."""
        return (self.edges[:-1] + self.edges[1:]) / 2


def gather(arrays: Sequence[np.ndarray], positions: Sequence[int]) -> np.ndarray:
    """The values of the arrays at ``positions`` (one layer's share of a checkpoint), flattened into one vector."""
    if not positions:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate([np.ravel(arrays[position]) for position in positions])


def histograms_over_epochs(values: Sequence[np.ndarray], epochs: Sequence[int], bins: int = DEFAULT_BINS) -> Histograms:
    """Histograms of ``values[i]`` (epoch ``epochs[i]``) on bins shared by all of them.

    Args:
        values: One vector of values per epoch (a layer's weights, or its gradients).
        epochs: The epoch each vector belongs to.
        bins: How many bins span the range of all values.

    Raises:
        InputError: no epochs, no values, a count that does not match, or values that are not finite.
    """
    if not values or len(values) != len(epochs):
        raise InputError("Histograms need one set of values per epoch, and at least one epoch.")
    flat = [np.asarray(vector, dtype=np.float64).ravel() for vector in values]
    if any(vector.size == 0 for vector in flat):
        raise InputError("This layer has no weights: pick a convolution, dense or normalisation layer.")
    if not all(np.isfinite(vector).all() for vector in flat):
        raise InputError("Some values are not finite (the training diverged): there is no distribution to draw.")
    low = min(float(vector.min()) for vector in flat)
    high = max(float(vector.max()) for vector in flat)
    if high - low < 1e-12:  # every value the same (a fresh bias): one bin around it
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    counts = np.stack([np.histogram(vector, bins=edges)[0] for vector in flat]).astype(np.int64)
    return Histograms(
        edges=edges,
        counts=counts,
        epochs=tuple(int(epoch) for epoch in epochs),
        rms=tuple(float(np.sqrt(np.mean(np.square(vector)))) for vector in flat),
    )
