"""Shipped models (``pretrained/``) and a person's own uploaded ``.keras`` model.

Shipped models load offline: ``load_pretrained(name)`` gives the trained network,
``load_checkpoints(name)`` its weights at every epoch, ``shipped_run(name, dataset)``
both wrapped like a finished training job, so every view (and the epoch scrubber)
works on them before anyone has trained.

Uploaded archives can carry code (Lambda layers, custom objects: CVE-2025-1550,
CVE-2025-9906), so ``load_user_model`` reads the archive's ``config.json`` first and
accepts only plain Keras classes from Keras' own modules, then loads with
``safe_mode=True``.
"""

from __future__ import annotations

import io
import json
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from visualizer.datasets import Dataset
from visualizer.errors import InputError
from visualizer.spec import ModelSpec

PRETRAINED_DIR = Path(__file__).resolve().parents[1] / "pretrained"
MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model.keras"
CHECKPOINTS_FILE = "checkpoints.npz"
DEFAULT_MODEL = "lenet5_digits"
"""The shipped model the app starts with."""

# Uploaded models.

MAX_MODEL_BYTES = 25 * 1024 * 1024
MAX_CONFIG_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
ARCHIVE_FILES = ("config.json", "metadata.json", "model.weights.h5")

ALLOWED_LAYERS = frozenset(
    {
        "InputLayer",
        "Conv2D",
        "DepthwiseConv2D",
        "SeparableConv2D",
        "MaxPooling2D",
        "AveragePooling2D",
        "GlobalAveragePooling2D",
        "GlobalMaxPooling2D",
        "Flatten",
        "Dense",
        "Dropout",
        "SpatialDropout2D",
        "BatchNormalization",
        "LayerNormalization",
        "Activation",
        "ReLU",
        "LeakyReLU",
        "ELU",
        "Softmax",
        "Reshape",
        "ZeroPadding2D",
        "Cropping2D",
        "Rescaling",
        "Add",
        "Concatenate",
        "Multiply",
        "Average",
        "Maximum",
        "Minimum",
    }
)
"""Layer classes an uploaded model may use: plain Keras layers that run no code of the archive's."""

ALLOWED_CLASSES: dict[str | None, frozenset[str]] = {
    "keras.layers": ALLOWED_LAYERS,
    "keras": frozenset({"Sequential", "Functional", "Model", "DTypePolicy", "FloatDTypePolicy"}),
    "keras.src.models.functional": frozenset({"Functional"}),
    "keras.initializers": frozenset(
        {
            "GlorotUniform",
            "GlorotNormal",
            "HeUniform",
            "HeNormal",
            "LecunUniform",
            "LecunNormal",
            "RandomUniform",
            "RandomNormal",
            "TruncatedNormal",
            "VarianceScaling",
            "Zeros",
            "Ones",
            "Constant",
            "Orthogonal",
        }
    ),
    "keras.regularizers": frozenset({"L1", "L2", "L1L2"}),
    "keras.constraints": frozenset({"MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"}),
    None: frozenset({"__keras_tensor__"}),
}
"""(module -> class names) accepted anywhere in an uploaded model's config."""

ALLOWED_ACTIVATIONS = frozenset(
    {
        "linear",
        "relu",
        "relu6",
        "sigmoid",
        "hard_sigmoid",
        "tanh",
        "softmax",
        "log_softmax",
        "elu",
        "selu",
        "gelu",
        "swish",
        "silu",
        "hard_swish",
        "mish",
        "softplus",
        "softsign",
        "leaky_relu",
        "exponential",
    }
)


# Shipped models.


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
            f"No shipped models: {path} is missing. Regenerate them with `python -m visualizer.pretrain`."
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(f"{path} is damaged ({error}); regenerate it with `python -m visualizer.pretrain`.") from None


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
    raise InputError(f"No shipped model called {name!r}: the shipped models are {names}.")


def _file(name: str, kind: str, root: Path) -> Path:
    path = root / manifest_entry(name, root)["files"][kind]
    if not path.is_file():
        raise InputError(f"The shipped model {name} is missing {path.name}; run `python -m visualizer.pretrain`.")
    return path


def load_pretrained(name: str, root: Path = PRETRAINED_DIR):
    """The shipped model ``name``, trained, loaded offline from ``pretrained/``.

    Raises:
        InputError: unknown name or missing files.
    """
    import keras

    return keras.saving.load_model(_file(name, "model", root), compile=False, safe_mode=True)


def load_checkpoints(name: str, root: Path = PRETRAINED_DIR) -> list[list[np.ndarray]]:
    """The shipped model's weights at epoch 0 (before training), 1, 2, ... final, for the epoch scrubber."""
    with np.load(_file(name, "checkpoints", root)) as archive:
        keys = sorted(archive.files)
        epochs: dict[int, list[np.ndarray]] = {}
        for key in keys:  # "epoch003_w05"
            epoch = int(key[5:8])
            epochs.setdefault(epoch, []).append(archive[key])
    return [epochs[epoch] for epoch in sorted(epochs)]


@dataclass(frozen=True)
class _Status:
    """The part of ``TrainingStatus`` the pages read, for a run that finished long ago."""

    state: str
    epoch: int
    epochs: int
    history: dict[str, list[float]]
    error: str | None = None
    active: bool = False


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
    """

    shipped = True

    def __init__(self, entry: dict, model, checkpoints: list[list[np.ndarray]], dataset: Dataset) -> None:
        self.entry = entry
        self.name = entry["name"]
        self.title = entry["title"]
        self.id = f"shipped:{self.name}"
        self.spec = ModelSpec.from_dict(entry["spec"])
        self.dataset = dataset
        self.model = model
        self.checkpoints = checkpoints
        self._epoch_models: dict[int, Any] = {}
        self._lock = threading.Lock()

    def model_at(self, epoch: int):
        """The network after ``epoch`` epochs (0 = untrained): one copy per epoch, shared and never changed."""
        if epoch >= len(self.checkpoints) - 1:
            return self.model
        with self._lock:
            if epoch not in self._epoch_models:
                from visualizer.introspection import model_at

                self._epoch_models[epoch] = model_at(self.model, self.checkpoints[epoch])
            return self._epoch_models[epoch]

    def warm_up(self) -> threading.Thread:
        """Builds and compiles every epoch's views in a background thread, so scrubbing never waits."""

        def work() -> None:
            from visualizer.introspection import feature_maps, predict

            blank = np.zeros(tuple(int(size) for size in self.model.inputs[0].shape[1:]), dtype=np.float32)
            for epoch in range(len(self.checkpoints)):
                model = self.model_at(epoch)
                feature_maps(model, blank)
                predict(model, blank)

        thread = threading.Thread(target=work, name=f"warm-up-{self.name}", daemon=True)
        thread.start()
        return thread

    def status(self) -> _Status:
        """Finished, with its recorded history: what the pages read from a training job."""
        epochs = len(self.checkpoints) - 1
        return _Status("finished", epochs, epochs, self.entry.get("history", {}))


def shipped_run(name: str, dataset: Dataset, root: Path = PRETRAINED_DIR) -> ShippedRun:
    """The shipped model ``name`` with everything the views need (``dataset`` is the one it learned)."""
    entry = manifest_entry(name, root)
    if dataset.name != entry["dataset"]:
        raise InputError(f"{name} learned {entry['dataset']}, not {dataset.name}.")
    return ShippedRun(entry, load_pretrained(name, root), load_checkpoints(name, root), dataset)


# A person's own model.


def _walk(node: Any):
    """Yields every dict of a config tree."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _layer_label(node: dict) -> str:
    config = node.get("config")
    name = config.get("name") if isinstance(config, dict) else None
    return f"{node.get('class_name')!s} layer{f' {name!r}' if name else ''}"


def check_model_config(config: dict) -> None:
    """Refuses a model config that uses anything but plain Keras classes (see ``ALLOWED_CLASSES``).

    The optimizer and loss settings (``compile_config``) are skipped: the model is loaded
    without compiling, so they are never read.

    Raises:
        InputError: naming the first offending class, layer or activation.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise InputError("config.json does not describe a Keras model.")
    tree = {key: value for key, value in config.items() if key != "compile_config"}
    for node in _walk(tree):
        if "class_name" in node:
            class_name, module = node.get("class_name"), node.get("module")
            registered = node.get("registered_name")
            if class_name == "Lambda":
                raise InputError(
                    f"The model has a Lambda layer ({_layer_label(node)}): Lambda layers run code stored in the "
                    "file, so they are refused. Rebuild the model with plain Keras layers."
                )
            allowed = ALLOWED_CLASSES.get(module) if isinstance(module, str) or module is None else None
            if allowed is None or class_name not in allowed or registered not in (None, class_name):
                origin = f"from {module}" if module else "of unknown origin"
                raise InputError(
                    f"The model uses {_layer_label(node)} {origin}, which is not a plain Keras layer this app "
                    "accepts (custom classes can run code). Supported layers: "
                    + ", ".join(sorted(ALLOWED_LAYERS))
                    + "."
                )
        for key in ("activation", "recurrent_activation"):
            value = node.get(key)
            if value is not None and not (isinstance(value, str) and value in ALLOWED_ACTIVATIONS):
                raise InputError(
                    f"The model uses the activation {value!r}, which is not one of Keras' built-in activations."
                )
        if "function" in node:
            raise InputError("The model stores a Python function in its config, which this app refuses.")


def read_model_config(data: bytes) -> dict:
    """The ``config.json`` of a ``.keras`` archive, after checking the archive itself.

    Raises:
        InputError: too large, not a zip archive, truncated, unexpected members, or bad JSON.
    """
    if len(data) > MAX_MODEL_BYTES:
        raise InputError(
            f"The model file is {len(data) / 1e6:.1f} MB; the limit is {MAX_MODEL_BYTES / 1e6:.0f} MB. "
            "This app is for small CNNs."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(
            "This is not a Keras model file: a .keras file is a zip archive (saved with model.save('x.keras'))."
        ) from None
    names = [member.filename for member in members]
    if "config.json" not in names:
        raise InputError("This zip archive has no config.json, so it is not a Keras 3 .keras model.")
    unexpected = [name for name in names if name not in ARCHIVE_FILES and not name.startswith("assets/")]
    if unexpected:
        raise InputError(
            f"Unexpected file {unexpected[0]!r} in the model archive: a .keras file holds only "
            f"{', '.join(ARCHIVE_FILES)}."
        )
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise InputError("The model archive unpacks to more than 200 MB, which this app refuses.")
    config_info = archive.getinfo("config.json")
    if config_info.file_size > MAX_CONFIG_BYTES:
        raise InputError("The model's config.json is larger than 2 MB, which no small CNN needs.")
    try:
        with archive.open(config_info) as handle:
            text = handle.read(MAX_CONFIG_BYTES + 1)
        return json.loads(text)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as error:
        raise InputError(f"The model archive is damaged or truncated ({type(error).__name__}).") from None


def load_user_model(data: bytes):
    """A person's ``.keras`` model, checked against the allow-list before Keras reads it.

    Args:
        data: The uploaded file's bytes.

    Returns:
        The Keras model (not compiled).

    Raises:
        InputError: the archive is refused (naming the offending layer) or cannot be loaded.
    """
    check_model_config(read_model_config(data))
    import keras

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uploaded.keras"  # Keras requires the suffix
        path.write_bytes(data)
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # any failure of a hostile or broken file is the person's to read
            raise InputError(f"The model could not be loaded: {type(error).__name__}: {str(error)[:300]}") from None
    shape = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else ()
    if len(model.inputs) != 1 or len(shape) != 3 or shape[2] not in (1, 3):
        raise InputError(
            f"This app shows image models with one input of shape (height, width, 1 or 3 channels); this model's "
            f"input is {shape or 'unknown'}."
        )
    return model


def is_plain_stack(model) -> bool:
    """Whether every view applies: a Sequential model of the layers the app's own stacks use."""
    import keras

    plain = (
        keras.layers.InputLayer,
        keras.layers.Conv2D,
        keras.layers.MaxPooling2D,
        keras.layers.AveragePooling2D,
        keras.layers.GlobalAveragePooling2D,
        keras.layers.Flatten,
        keras.layers.Dense,
        keras.layers.Dropout,
        keras.layers.BatchNormalization,
    )
    return (
        isinstance(model, keras.Sequential)
        and all(type(layer) in plain for layer in model.layers)
        and isinstance(model.layers[-1], keras.layers.Dense)
    )
