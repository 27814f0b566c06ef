"""How a trained network does on a dataset: loss, accuracy, per-class accuracy, the confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from visualizer.backend.engine import keras
from visualizer.data.dataset import Dataset
from visualizer.errors import InputError

SPLITS = ("test", "training")


@dataclass(frozen=True)
class Evaluation:
    """How a model does on one split of a dataset.

    Attributes:
        loss: Mean cross-entropy.
        accuracy: Fraction of images classified correctly.
        probabilities: (M, num_classes) softmax outputs per image.
        predictions: (M,) predicted class per image.
        confusion: (C, C) counts, rows are true classes, columns predictions.
        per_class_accuracy: (C,) accuracy per true class (NaN for a class with no image in the split).
        labels: (M,) the true classes.
    """

    loss: float
    accuracy: float
    probabilities: np.ndarray
    predictions: np.ndarray
    confusion: np.ndarray
    per_class_accuracy: np.ndarray = field(repr=False)
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)

    def picked(self, cell: tuple[int, int] | None = None) -> np.ndarray:
        """Indices of the images of one confusion-matrix cell (true, predicted), or of every mistake."""
        if cell is None:
            return np.flatnonzero(self.predictions != self.labels)
        true, predicted = cell
        return np.flatnonzero((self.labels == true) & (self.predictions == predicted))


def evaluate(model: keras.Model, dataset: Dataset, split: str = "test") -> Evaluation:
    """Loss, accuracy, per-class accuracy and the confusion matrix of ``model`` on a split of ``dataset``.

    Args:
        model: A trained network (dropout is off: this is inference).
        dataset: The data.
        split: ``"test"`` (the default) or ``"training"``, to see how well the training images were learned.
    """
    if split not in SPLITS:
        raise InputError(f"split must be one of {', '.join(SPLITS)}, not {split!r}.")
    images, labels = (dataset.x_test, dataset.y_test) if split == "test" else (dataset.x_train, dataset.y_train)
    probabilities = np.asarray(model.predict(images, batch_size=256, verbose=0), dtype=np.float64)
    picked = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
    predictions = probabilities.argmax(axis=1)
    classes = max(dataset.num_classes, probabilities.shape[1])
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (labels, predictions), 1)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(totals > 0, np.diag(confusion) / totals, np.nan)
    return Evaluation(
        loss=float(-np.log(picked).mean()),
        accuracy=float((predictions == labels).mean()),
        probabilities=probabilities.astype(np.float32),
        predictions=predictions,
        confusion=confusion,
        per_class_accuracy=per_class,
        labels=np.asarray(labels, dtype=np.int64),
    )
