"""The ``Dataset`` every loader returns, its deterministic split, and class labels.

``x`` is float32 in [0, 1] of shape (N, H, W, C), ``y`` int labels, and the
split into training and test images is fixed and stratified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

TEST_FRACTION = 0.2
SPLIT_SEED = 0


@dataclass(frozen=True, eq=False)
class Dataset:
    """Images and labels, split into a training and a test part.

    Attributes:
        name: Short name (``digits``, ``shapes``, ``mnist``, a file name...).
        x_train: float32 (N, H, W, C) in [0, 1].
        y_train: int64 (N,) class indices.
        x_test: float32 (M, H, W, C) in [0, 1].
        y_test: int64 (M,).
        class_names: One name per class index.
        notes: What a loader wants the person to know (skipped files...).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """``(height, width, channels)`` of one image."""
        return tuple(int(size) for size in self.x_train.shape[1:])  # type: ignore[return-value]

    @property
    def num_classes(self) -> int:
        """How many classes the labels tell apart."""
        return len(self.class_names)

    def samples_per_class(self, count: int = 2) -> np.ndarray:
        """Indices of the first ``count`` training images of each class, class by class (fewer if it has fewer)."""
        picks = [np.flatnonzero(self.y_train == label)[:count] for label in range(self.num_classes)]
        return np.concatenate(picks).astype(np.int64) if picks else np.zeros(0, dtype=np.int64)

    def on_training_images(self) -> Dataset:
        """The same dataset with its training images also as its test split: to measure how well they were learned."""
        return Dataset(
            f"{self.name} (training images)", self.x_train, self.y_train, self.x_train, self.y_train, self.class_names
        )


def stratified_split(
    labels: np.ndarray, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic stratified split: indices of the training and test parts.

    Each class keeps ``test_fraction`` of its examples (at least one when it
    has two or more) for testing.
    """
    rng = np.random.RandomState(seed)
    train, test = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        members = members[rng.permutation(len(members))]
        count = round(len(members) * test_fraction)
        count = max(count, 1) if len(members) >= 2 else 0
        test.append(members[:count])
        train.append(members[count:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def training_subset(dataset: Dataset, count: int, seed: int = 0) -> Dataset:
    """The first ``count`` training images of a seeded shuffle; the test split stays whole."""
    if count >= len(dataset.y_train):
        return dataset
    order = np.random.RandomState(seed).permutation(len(dataset.y_train))[:count]
    return Dataset(
        f"{dataset.name} ({count} training images)",
        dataset.x_train[order],
        dataset.y_train[order],
        dataset.x_test,
        dataset.y_test,
        dataset.class_names,
    )


def from_arrays(
    name: str, x: np.ndarray, y: np.ndarray, class_names: Sequence[str], notes: Sequence[str] = ()
) -> Dataset:
    """A dataset of images ``x`` (N, H, W, C) and labels ``y`` (N,), split with ``stratified_split``."""
    train, test = stratified_split(y)
    return Dataset(
        name=name,
        x_train=np.ascontiguousarray(x[train], dtype=np.float32),
        y_train=y[train].astype(np.int64),
        x_test=np.ascontiguousarray(x[test], dtype=np.float32),
        y_test=y[test].astype(np.int64),
        class_names=tuple(class_names),
        notes=tuple(notes),
    )


def class_label(class_names: Sequence[str], index: int) -> str:
    """The name of class ``index``, or its number when a model predicts more classes than are named."""
    return str(class_names[index]) if index < len(class_names) else str(index)


def class_labels(class_names: Sequence[str], count: int) -> list[str]:
    """``count`` labels: the class names, then numbers for outputs beyond the named classes."""
    return [class_label(class_names, index) for index in range(count)]
