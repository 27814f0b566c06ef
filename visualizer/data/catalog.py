"""Every dataset the app can load by name, with its title."""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.data import downloads
from visualizer.data.shapes import SHAPE_CLASSES
from visualizer.errors import InputError
from visualizer.model.checks import shown

if TYPE_CHECKING:
    from visualizer.data.dataset import Dataset
    from visualizer.model.spec import ModelSpec

DATASET_TITLES: dict[str, str] = {
    "digits": "Digits (embedded, 1,797 real handwritten digits, 28x28)",
    "shapes": "Shapes (embedded, generated, 64x64 colour)",
    **{name: f"{info['title']} (download)" for name, info in downloads.KERAS_DATASETS.items()},
}
"""Every named dataset with a title for the app."""

EMBEDDED: tuple[str, ...] = ("digits", "shapes")
"""The datasets that ship with the app and work offline."""


IMAGE_SHAPES: dict[str, tuple[int, int, int]] = {
    "digits": (28, 28, 1),
    "shapes": (64, 64, 3),
    "mnist": (28, 28, 1),
    "fashion_mnist": (28, 28, 1),
    "cifar10": (32, 32, 3),
}
"""The (height, width, channels) of every named dataset's images, known without loading it."""

CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "digits": tuple(str(digit) for digit in range(10)),
    "shapes": SHAPE_CLASSES,
    **{name: tuple(info["class_names"]) for name, info in downloads.KERAS_DATASETS.items()},
}
"""Every named dataset's classes, known without loading it."""


def check_name(name: str) -> None:
    """Raises ``InputError`` for a name that is not one of ``DATASET_TITLES``, listing those that are."""
    if name not in DATASET_TITLES:
        known = ", ".join(DATASET_TITLES)
        raise InputError(f"There is no dataset called {shown(name, 40)!r}: choose one of {known}.")


def datasets_for(spec: ModelSpec) -> list[str]:
    """The named datasets whose images and classes ``spec`` takes as they are, embedded ones first."""
    return [
        name
        for name in DATASET_TITLES
        if IMAGE_SHAPES[name] == tuple(spec.input_shape) and len(CLASS_NAMES[name]) == spec.num_classes
    ]


def load_dataset(name: str) -> Dataset:
    """Loads a named dataset.

    Args:
        name: ``digits`` or ``shapes`` (embedded, offline), or ``mnist``,
            ``fashion_mnist``, ``cifar10`` (through ``keras.datasets``: need a
            network or a cached copy).

    Raises:
        InputError: an unknown name, or a download that is not possible.
    """
    check_name(name)
    if name in EMBEDDED:
        from visualizer.data import embedded  # NumPy and Pillow: loaded when data is, not with the titles

        return embedded.digits() if name == "digits" else embedded.shapes()
    downloads.check_available(name)
    from visualizer.backend.downloads import load_keras_dataset  # Keras reads its own files

    return load_keras_dataset(name)
