"""Keras' own loaders for its downloadable datasets (``visualizer.data.downloads`` decides when to call them)."""

from __future__ import annotations

from visualizer.backend.engine import keras
from visualizer.data.dataset import Dataset
from visualizer.data.downloads import KERAS_DATASETS, from_keras_arrays, missing_download_message
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
