"""The embedding space: how a network arranges a whole set of images at one of its layers, in 2-D.

A layer's features for every image (the layer before the output by default), projected by PCA (scikit-learn's
``PCA(n_components=2)``) or t-SNE (seeded). For frames over epochs, ``EmbeddingProjection`` is fitted once
(on the final network) and applied to every epoch, so the frames are comparable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras
from visualizer.backend.forward import sub_model
from visualizer.backend.info import describe
from visualizer.backend.inspector import inspector_for
from visualizer.errors import InputError

METHODS = ("pca", "tsne")
MAX_IMAGES = 2000
"""Images one embedding may hold (t-SNE's cost grows with the square of their number)."""


def embedding_layer(model: keras.Model, layer_name: str | None = None) -> str:
    """The layer whose features are embedded: ``layer_name``, or the layer that feeds the output layer.

    Raises:
        InputError: no such layer, or the output layer reads the image itself.
    """
    info = describe(model)
    if layer_name is not None:
        if layer_name not in info.names():
            raise InputError(f"There is no layer called {layer_name!r}; layers are {', '.join(info.names())}.")
        return layer_name
    source = info.layers[-1].inputs[0] if info.layers[-1].inputs else None
    if source not in info.names():
        raise InputError("This network's output layer reads the image itself: there is no layer to embed.")
    return source


def features(model: keras.Model, x_batch: np.ndarray, layer_name: str | None = None) -> np.ndarray:
    """Every image's output of the embedded layer, flattened: (N, features) float64."""
    batch = np.asarray(x_batch, dtype=np.float32)
    if batch.ndim != 4 or not 2 <= len(batch) <= MAX_IMAGES:
        raise InputError(f"An embedding takes from 2 to {MAX_IMAGES:,} images (N, H, W, C), got {batch.shape}.")
    layer = embedding_layer(model, layer_name)
    values = sub_model(model, [layer]).predict(batch, batch_size=256, verbose=0)
    return np.asarray(values, dtype=np.float64).reshape(len(batch), -1)


@dataclass(frozen=True)
class EmbeddingProjection:
    """A 2-D projection fitted on one set of features, to apply to others (other epochs of the same network).

    Attributes:
        mean: The fitted features' mean (features,).
        axes: The two principal axes (2, features).
        explained: The share of the features' variance each axis explains.
    """

    mean: np.ndarray
    axes: np.ndarray
    explained: tuple[float, float]

    def apply(self, values: np.ndarray) -> np.ndarray:
        """The (N, 2) coordinates of features (N, features) on the fitted axes."""
        return (np.asarray(values, dtype=np.float64) - self.mean) @ self.axes.T


def fit_projection(values: np.ndarray) -> EmbeddingProjection:
    """PCA with two components fitted on ``values`` (N, features), as scikit-learn fits it."""
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2).fit(np.asarray(values, dtype=np.float64))
    ratio = pca.explained_variance_ratio_
    return EmbeddingProjection(pca.mean_, pca.components_, (float(ratio[0]), float(ratio[1])))


def projection_of(model: keras.Model, x_batch: np.ndarray, layer_name: str | None = None) -> EmbeddingProjection:
    """The PCA projection fitted on ``model``'s features of ``x_batch``, computed once per model and images.

    Kept by the model's inspector (weakly keyed: a model that goes away takes it along), so scrubbing
    the epochs of a network fits its final network's projection once.
    """
    layer = embedding_layer(model, layer_name)
    batch = np.ascontiguousarray(np.asarray(x_batch, dtype=np.float32))
    key = (layer, batch.shape, hashlib.blake2b(batch.tobytes(), digest_size=16).hexdigest())
    return inspector_for(model).once(lambda: fit_projection(features(model, batch, layer)), "projection", *key)


def embedding(
    model: keras.Model,
    x_batch: np.ndarray,
    layer_name: str | None = None,
    method: str = "pca",
    seed: int = 0,
) -> np.ndarray:
    """The images ``x_batch`` (N, H, W, C) as points in 2-D: (N, 2) float.

    Args:
        model: Any network.
        x_batch: The images, from 2 to ``MAX_IMAGES``.
        layer_name: The layer whose features are projected; the layer before the output when None.
        method: ``pca`` (equal to scikit-learn's ``PCA(n_components=2)`` on the features) or ``tsne``
            (scikit-learn's, seeded with ``seed``).
        seed: t-SNE's random state.

    Raises:
        InputError: an unknown method or layer, or a batch of the wrong size.
    """
    if method not in METHODS:
        raise InputError(f"Unknown projection {method!r}: choose one of {', '.join(METHODS)}.")
    values = features(model, x_batch, layer_name)
    if method == "pca":
        return fit_projection(values).apply(values)
    from sklearn.manifold import TSNE

    perplexity = float(min(30, len(values) - 1))
    return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(values)


def separation(points: np.ndarray, labels: np.ndarray) -> float | None:
    """How well the classes separate in the plane: the silhouette score (-1 to 1), or None for one class."""
    from sklearn.metrics import silhouette_score

    classes = np.unique(labels)
    if len(classes) < 2 or len(classes) >= len(labels):
        return None
    return float(silhouette_score(np.asarray(points, dtype=np.float64), labels))
