"""Every dataset the app can load by name, with its title."""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.data import downloads
from visualizer.errors import InputError
from visualizer.model.checks import shown

if TYPE_CHECKING:
    from visualizer.data.dataset import Dataset

DATASET_TITLES: dict[str, str] = {
    "digits": "Digits (embedded, 1,797 real handwritten digits, 28x28)",
    "shapes": "Shapes (embedded, generated, 64x64 colour)",
    **{name: f"{info['title']} (download)" for name, info in downloads.KERAS_DATASETS.items()},
}
"""Every named dataset with a title for the app."""

EMBEDDED: tuple[str, ...] = ("digits", "shapes")
"""The datasets that ship with the app and work offline."""


def load_dataset(name: str) -> Dataset:
    """Loads a named dataset.

    Args:
        name: ``digits`` or ``shapes`` (embedded, offline), or ``mnist``,
            ``fashion_mnist``, ``cifar10`` (through ``keras.datasets``: need a
            network or a cached copy).

    Raises:
        InputError: an unknown name, or a download that is not possible.
    """
    if name in EMBEDDED:
        from visualizer.data import embedded  # NumPy and Pillow: loaded when data is, not with the titles

        return embedded.digits() if name == "digits" else embedded.shapes()
    if name in downloads.KERAS_DATASETS:
        downloads.check_available(name)
        from visualizer.backend.downloads import load_keras_dataset  # Keras reads its own files

        return load_keras_dataset(name)
    known = ", ".join(DATASET_TITLES)
    raise InputError(f"There is no dataset called {shown(name, 40)!r}: choose one of {known}.")
