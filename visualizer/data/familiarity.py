"""How far a picture is from the images a network learned from: a network answers anyway, so the app says so.

A network can only choose among its classes: a colour photo on the digits
network still gets "a 3 (97%)". The measure is deliberately simple and stated
to the person: the root-mean-square pixel difference between the picture and
its nearest training image (of a fixed sample), against the same distance for
the dataset's own test images. A picture farther than nearly every test image
is flagged. Pure NumPy; the cost is bounded by the sample sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_REFERENCE = 400
"""Training images the distance is measured against (a fixed random sample)."""
MAX_CALIBRATION = 200
"""Test images whose own distances set what counts as usual."""
MARGIN = 1.25
"""How far beyond the 99th percentile of the test images' distances a picture must be to be flagged."""


@dataclass(frozen=True)
class Reference:
    """What a dataset's images look like, for measuring how far a new picture is from them.

    Attributes:
        vectors: (n, pixels) a sample of training images, flattened.
        usual: The median distance of a test image to its nearest training image of the sample.
        limit: Farther than this, a picture is unlike the data (the test images' 99th percentile x ``MARGIN``).
    """

    vectors: np.ndarray
    usual: float
    limit: float


@dataclass(frozen=True)
class Familiarity:
    """How far one picture is from the training images.

    Attributes:
        distance: Root-mean-square pixel difference (pixels in [0, 1]) to the nearest training image of the sample.
        usual: The same for a typical test image.
        limit: The distance beyond which the picture is called unlike the data.
    """

    distance: float
    usual: float
    limit: float

    @property
    def unusual(self) -> bool:
        """Whether the picture is farther from the training images than nearly every test image."""
        return self.distance > self.limit


def _flat(images: np.ndarray) -> np.ndarray:
    data = np.asarray(images, dtype=np.float32)
    return np.nan_to_num(data.reshape(data.shape[0], -1))


def _nearest(vectors: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Each row's root-mean-square difference to its nearest row of ``reference``."""
    squared = (
        np.sum(vectors**2, axis=1, keepdims=True) + np.sum(reference**2, axis=1)[None, :] - 2.0 * vectors @ reference.T
    )
    return np.sqrt(np.maximum(squared.min(axis=1), 0.0) / vectors.shape[1])


def reference_of(x_train: np.ndarray, x_test: np.ndarray, seed: int = 0) -> Reference:
    """A dataset's reference: a sample of its training images, calibrated on a sample of its test images."""
    rng = np.random.default_rng(seed)
    train = _flat(x_train[rng.permutation(len(x_train))[:MAX_REFERENCE]])
    test = _flat(x_test[rng.permutation(len(x_test))[:MAX_CALIBRATION]])
    distances = _nearest(test, train) if len(test) else np.zeros(1)
    return Reference(train, float(np.median(distances)), float(np.percentile(distances, 99) * MARGIN))


def familiarity(x: np.ndarray, reference: Reference) -> Familiarity:
    """How far picture ``x`` (the model input, shaped as the dataset's images) is from the reference's images."""
    distance = float(_nearest(_flat(np.asarray(x)[None]), reference.vectors)[0])
    return Familiarity(distance, reference.usual, reference.limit)
