"""Networks to and from Keras' ``.keras`` archives (Keras needs a path that ends in ``.keras``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from visualizer.backend.engine import keras


def model_to_bytes(model: keras.Model) -> bytes:
    """The model as the bytes of a ``.keras`` archive."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def load_archive(path: Path) -> keras.Model:
    """A ``.keras`` archive loaded without compiling and in safe mode (no stored code is ever run)."""
    return keras.saving.load_model(path, compile=False, safe_mode=True)


def load_archive_bytes(data: bytes) -> keras.Model:
    """``load_archive`` for bytes (an upload), through a temporary file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uploaded.keras"
        path.write_bytes(data)
        return load_archive(path)
