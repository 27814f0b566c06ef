"""Keras' own loaders for its downloadable datasets (``visualizer.data.downloads`` decides when to call them)."""

from __future__ import annotations

import numpy as np

from visualizer.backend.engine import keras
from visualizer.data.dataset import Dataset
from visualizer.data.downloads import KERAS_DATASETS, missing_download_message
from visualizer.errors import InputError


def load_keras_dataset(name: str) -> Dataset:
    """``keras.datasets.<name>.load_data()`` as a ``Dataset``; a failed download or read is an ``InputError``."""
    loader = getattr(keras.datasets, name)
    try:
        train, test = loader.load_data()
    except Exception as error:
        raise InputError(
            f"{KERAS_DATASETS[name]['title']} could not be loaded ({type(error).__name__}: {error}). "
            f"{missing_download_message(name)}"
        ) from None
    return from_keras_arrays(name, train, test)


def _normalise_keras_images(x: np.ndarray) -> np.ndarray:
    """uint8 images (N, H, W) or (N, H, W, C) as float32 (N, H, W, C) in [0, 1]."""
    x = x.astype(np.float32) / 255.0
    return x[..., None] if x.ndim == 3 else x


def from_keras_arrays(name: str, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]) -> Dataset:
    """A ``Dataset`` from what ``keras.datasets.<name>.load_data()`` returns.

    Keras' own train/test split is kept: it is the fixed split everyone compares against.
    """
    (x_train, y_train), (x_test, y_test) = train, test
    return Dataset(
        name=name,
        x_train=_normalise_keras_images(x_train),
        y_train=np.asarray(y_train).reshape(-1).astype(np.int64),
        x_test=_normalise_keras_images(x_test),
        y_test=np.asarray(y_test).reshape(-1).astype(np.int64),
        class_names=tuple(KERAS_DATASETS[name]["class_names"]),
    )
