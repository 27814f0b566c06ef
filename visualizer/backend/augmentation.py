"""Data augmentation: Keras' random preprocessing layers, in the training pipeline only.

The layers change each training batch (``training=True``); the network itself never
holds them, so evaluating, predicting and every view see the images unchanged.
``augmented_examples`` makes the preview the Train page shows before training.
"""

from __future__ import annotations

import numpy as np

from visualizer.backend.engine import keras
from visualizer.training.config import AUGMENTATIONS, CONTRAST, ROTATION_DEGREES, SHIFT, ZOOM


def augmentation_layers(names: tuple[str, ...], seed: int = 0) -> keras.Sequential | None:
    """The random layers ``names`` (keys of ``AUGMENTATIONS``) ask for, in that order, or None for none.

    Args:
        names: Which changes, e.g. ``("rotate", "zoom")``.
        seed: Seeds every layer: the same seed gives the same changes to the same batches.
    """
    if not names:
        return None
    fill = {"fill_mode": "nearest"}  # the border's own colour: a digit's black, a shape's background
    make = {
        "flip": lambda offset: keras.layers.RandomFlip("horizontal", seed=seed + offset),
        "rotate": lambda offset: keras.layers.RandomRotation(ROTATION_DEGREES / 360, seed=seed + offset, **fill),
        "zoom": lambda offset: keras.layers.RandomZoom(ZOOM, seed=seed + offset, **fill),
        "translate": lambda offset: keras.layers.RandomTranslation(SHIFT, SHIFT, seed=seed + offset, **fill),
        "contrast": lambda offset: keras.layers.RandomContrast(CONTRAST, value_range=(0, 1), seed=seed + offset),
    }
    layers = [make[name](offset) for offset, name in enumerate(AUGMENTATIONS) if name in names]
    return keras.Sequential(layers, name="augmentation")


def augmented_examples(images: np.ndarray, names: tuple[str, ...], copies: int = 4, seed: int = 0) -> np.ndarray:
    """``copies`` random versions of each image, as training would see them.

    Args:
        images: (N, H, W, C) in [0, 1].
        names: Which changes (keys of ``AUGMENTATIONS``).
        copies: Versions per image.
        seed: Seeds the changes.

    Returns:
        (N, copies, H, W, C) float32 in [0, 1]; every copy equals its image when ``names`` is empty.
    """
    images = np.asarray(images, dtype=np.float32)
    layers = augmentation_layers(names, seed)
    if layers is None:
        return np.repeat(images[:, None], copies, axis=1)
    repeated = np.repeat(images, copies, axis=0)
    changed = np.asarray(layers(repeated, training=True), dtype=np.float32)
    return np.clip(changed, 0.0, 1.0).reshape(len(images), copies, *images.shape[1:])
