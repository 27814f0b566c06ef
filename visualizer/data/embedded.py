"""The datasets that ship with the app and work offline: real handwritten digits and generated shapes.

Both are made deterministically on first use and kept for the process
(``functools.cache``): every session shares the same read-only arrays.
"""

from __future__ import annotations

import functools

import numpy as np
from PIL import Image

from visualizer.data.dataset import Dataset, from_arrays, stratified_split
from visualizer.data.shapes import SHAPE_CLASSES, draw_shapes

SHAPES_SIDE = 64
SHAPES_PER_CLASS = 2000
SHAPES_SEED = 2024


def upsample_digits(images: np.ndarray) -> np.ndarray:
    """8x8 digits in 0..16 (scikit-learn's ``images``) as float32 (N, 28, 28, 1) in [0, 1].

    Each digit is resized (bicubic) into a 20x20 box centred in 28x28, as MNIST's are.
    """
    images = images.astype(np.float32) / 16.0
    upsampled = np.zeros((len(images), 28, 28, 1), dtype=np.float32)
    for index, image in enumerate(images):
        small = Image.fromarray(image, mode="F").resize((20, 20), Image.Resampling.BICUBIC)
        upsampled[index, 4:24, 4:24, 0] = np.clip(np.asarray(small), 0.0, 1.0)
    return upsampled


@functools.cache
def digits() -> Dataset:
    """scikit-learn's 1,797 real 8x8 digits, upsampled into a 20x20 box centred in 28x28 (as MNIST)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    upsampled = upsample_digits(digits.images)
    return from_arrays("digits", upsampled, digits.target, [str(digit) for digit in range(10)])


@functools.cache
def shapes() -> Dataset:
    """Generated deterministically from ``SHAPES_SEED``: 6 classes x 2,000 RGB 64x64 images (``data.shapes``).

    The labels take turns (circle, square, ..., ring, circle, ...), are split as
    every dataset is, and each part is drawn straight into its own array.
    """
    labels = np.arange(SHAPES_PER_CLASS * len(SHAPE_CLASSES)) % len(SHAPE_CLASSES)
    train, test = stratified_split(labels)
    rng = np.random.default_rng(SHAPES_SEED)
    x_train = draw_shapes(labels[train], rng, SHAPES_SIDE)
    x_test = draw_shapes(labels[test], rng, SHAPES_SIDE)
    y_train, y_test = labels[train].astype(np.int64), labels[test].astype(np.int64)
    return Dataset("shapes", x_train, y_train, x_test, y_test, SHAPE_CLASSES)
