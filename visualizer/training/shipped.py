"""Shipped models (``pretrained/``), presented like finished training jobs.

Shipped models load offline: ``load_pretrained(name)`` gives the trained network,
``load_checkpoints(name)`` its weights at every epoch, ``shipped_run(name, dataset)``
both wrapped with the same protocol as a ``TrainingJob`` (``spec``, ``dataset``,
``config``, ``model``, ``checkpoints``, ``status()``, ``model_at(epoch)``), so every
view and the epoch scrubber work on them before anyone has trained.
TensorFlow is imported only when a model is loaded.
"""

from __future__ import annotations

import atexit
import json
import math
import threading
from pathlib import Path
from typing import Any

import numpy as np

from visualizer.data.dataset import Dataset
from visualizer.errors import InputError
from visualizer.model.checks import shown
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.training.status import TrainingStatus

PRETRAINED_DIR = Path(__file__).resolve().parents[2] / "pretrained"
MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model.keras"
CHECKPOINTS_FILE = "checkpoints.npz"
DEFAULT_MODEL = "lenet5_digits"
"""The shipped model the app starts with."""


def manifest(root: Path = PRETRAINED_DIR) -> list[dict]:
    """The shipped models' entries from ``manifest.json``.

    Raises:
        InputError: the manifest is missing or unreadable.
    """
    path = root / MANIFEST_FILE
    try:
        return list(json.loads(path.read_text())["models"])
    except FileNotFoundError:
        raise InputError(
            f"No shipped models: {path} is missing. Regenerate them with `python -m tools.pretrain`."
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(f"{path} is damaged ({error}); regenerate it with `python -m tools.pretrain`.") from None


def manifest_entry(name: str, root: Path = PRETRAINED_DIR) -> dict:
    """One shipped model's manifest entry.

    Raises:
        InputError: no shipped model has that name.
    """
    entries = manifest(root)
    for entry in entries:
        if entry["name"] == name:
            return entry
    names = ", ".join(entry["name"] for entry in entries)
    raise InputError(f"No shipped model called {shown(name, 40)!r}: the shipped models are {names}.")


def _file(name: str, kind: str, root: Path) -> Path:
    path = root / manifest_entry(name, root)["files"][kind]
    if not path.is_file():
        raise InputError(f"The shipped model {name} is missing {path.name}; run `python -m tools.pretrain`.")
    return path


def load_pretrained(name: str, root: Path = PRETRAINED_DIR):
    """The shipped model ``name``, trained, loaded offline from ``pretrained/``.

    Raises:
        InputError: unknown name or missing files.
    """
    from visualizer.backend.saving import load_archive

    return load_archive(_file(name, "model", root))


def load_checkpoints(name: str, root: Path = PRETRAINED_DIR) -> list[list[np.ndarray]]:
    """The shipped model's weights at epoch 0 (before training), 1, 2, ... final, for the epoch scrubber."""
    with np.load(_file(name, "checkpoints", root)) as archive:
        keys = sorted(archive.files)
        epochs: dict[int, list[np.ndarray]] = {}
        for key in keys:  # "epoch003_w05"
            epoch = int(key[5:8])
            epochs.setdefault(epoch, []).append(archive[key])
    return [epochs[epoch] for epoch in sorted(epochs)]


_EXITING = threading.Event()
_WARMING: list[threading.Thread] = []


@atexit.register
def _finish_warming_up() -> None:
    """At exit, stops the warm-up threads after the epoch each is compiling.

    TensorFlow aborts the process when the interpreter ends under a thread that is inside it.
    """
    _EXITING.set()
    for thread in _WARMING:
        thread.join(timeout=60)


class ShippedRun:
    """A shipped model presented as a finished training job: model, checkpoints, dataset, history.

    Attributes:
        name: The manifest name (``lenet5_digits``).
        title: What the app calls it.
        entry: Its manifest entry.
        spec: Its architecture.
        dataset: The data it learned.
        model: The trained network.
        checkpoints: Its weights at every epoch, from epoch 0.
        gradients: Empty: its training's gradients were not recorded (a job records them).
    """

    shipped: bool = True

    def __init__(self, entry: dict, model, checkpoints: list[list[np.ndarray]], dataset: Dataset) -> None:
        self.entry = entry
        self.name = entry["name"]
        self.title = entry["title"]
        self.id = f"shipped:{self.name}"
        self.spec = ModelSpec.from_dict(entry["spec"])
        self.config = TrainingConfig(
            epochs=entry["epochs"],
            batch_size=entry["batch_size"],
            optimizer=entry["optimizer"],
            learning_rate=entry["learning_rate"],
            seed=entry["seed"],
        )
        self.dataset = dataset
        self.model = model
        self.checkpoints = checkpoints
        self.gradients: list[list[np.ndarray]] = []
        self._epoch_models: dict[int, Any] = {}
        self._lock = threading.Lock()

    def model_at(self, epoch: int):
        """The network after ``epoch`` epochs (0 = untrained): one copy per epoch, shared and never changed."""
        if epoch >= len(self.checkpoints) - 1:
            return self.model
        with self._lock:
            if epoch not in self._epoch_models:
                from visualizer.backend.surgery import model_at

                self._epoch_models[epoch] = model_at(self.model, self.checkpoints[epoch])
            return self._epoch_models[epoch]

    def warm_up(self) -> threading.Thread:
        """Builds and compiles every epoch's views in a background thread, so scrubbing never waits."""

        def work() -> None:
            from visualizer.backend.forward import feature_maps, predict

            blank = np.zeros(self.spec.input_shape, dtype=np.float32)
            try:
                for epoch in range(len(self.checkpoints)):
                    if _EXITING.is_set():
                        return
                    model = self.model_at(epoch)
                    feature_maps(model, blank)
                    predict(model, blank)
            except Exception:  # only a head start: a view compiles what it needs itself
                return

        thread = threading.Thread(target=work, name=f"warm-up-{self.name}", daemon=True)
        _WARMING.append(thread)
        thread.start()
        return thread

    def status(self) -> TrainingStatus:
        """Finished, with its recorded history, as a training job reports it."""
        epochs = len(self.checkpoints) - 1
        return TrainingStatus(
            state="finished",
            epoch=epochs,
            batch=0,
            epochs=epochs,
            batches_per_epoch=max(1, math.ceil(len(self.dataset.y_train) / self.config.batch_size)),
            history={key: list(values) for key, values in self.entry.get("history", {}).items()},
        )


def shipped_run(name: str, dataset: Dataset, root: Path = PRETRAINED_DIR) -> ShippedRun:
    """The shipped model ``name`` with everything the views need (``dataset`` is the one it learned)."""
    entry = manifest_entry(name, root)
    if dataset.name != entry["dataset"]:
        raise InputError(f"{name} learned {entry['dataset']}, not {dataset.name}.")
    return ShippedRun(entry, load_pretrained(name, root), load_checkpoints(name, root), dataset)
