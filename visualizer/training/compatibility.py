"""Whether a dataset can train a network: the same image shape and the same number of classes."""

from __future__ import annotations

from visualizer.data.dataset import Dataset
from visualizer.errors import InputError
from visualizer.model.checks import format_shape
from visualizer.model.spec import ModelSpec


def check_compatible(spec: ModelSpec, dataset: Dataset) -> None:
    """Raises ``InputError`` when the dataset cannot train this network, saying how to fix it.

    The input must be the dataset's image shape, and the network must predict exactly the
    dataset's classes: fewer outputs leave classes out, more outputs stand for classes no image
    belongs to (they would show up at 0% in every result).
    """
    if tuple(spec.input_shape) != dataset.image_shape:
        raise InputError(
            f"The {dataset.name} images are {format_shape(dataset.image_shape)} but the network expects "
            f"{format_shape(spec.input_shape)}: adopt the dataset's shape on the Train page (one click) or "
            "change the input on the Build page."
        )
    if spec.num_classes != dataset.num_classes:
        why = (
            "some classes would have no output"
            if spec.num_classes < dataset.num_classes
            else f"{spec.num_classes - dataset.num_classes} outputs would stand for classes that have no images"
        )
        raise InputError(
            f"The {dataset.name} dataset has {dataset.num_classes} classes but the network predicts "
            f"{spec.num_classes}: {why}. Adopt the dataset's classes (one click), or set Classes to "
            f"{dataset.num_classes} on the Build page."
        )
