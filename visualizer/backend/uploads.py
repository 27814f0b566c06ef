"""A person's own uploaded ``.keras`` model, checked before Keras reads it.

Uploaded archives can carry code (Lambda layers, custom objects: CVE-2025-1550,
CVE-2025-9906), so ``load_user_model`` reads the archive's ``config.json`` first and
accepts only plain Keras classes from Keras' own modules, then loads with
``safe_mode=True``. The layers of the app's own stacks (the registry) are always
accepted; a few more plain Keras layers are too.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from typing import Any

from visualizer.backend.engine import keras
from visualizer.backend.saving import load_archive_bytes
from visualizer.errors import InputError
from visualizer.model.layers import ACTIVATIONS, LAYERS, OUTPUT_ACTIVATION

MAX_MODEL_BYTES = 25 * 1024 * 1024
MAX_CONFIG_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
ARCHIVE_FILES = ("config.json", "metadata.json", "model.weights.h5")

ALLOWED_LAYERS = frozenset(
    {
        "InputLayer",
        *(cls.keras_class for cls in LAYERS.values()),
        "DepthwiseConv2D",
        "SeparableConv2D",
        "SpatialDropout2D",
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
        *ACTIVATIONS,
        OUTPUT_ACTIVATION,
        "relu6",
        "hard_sigmoid",
        "log_softmax",
        "silu",
        "hard_swish",
        "mish",
        "softsign",
        "exponential",
    }
)
"""Keras' built-in activation names an uploaded model may use: the app's own and a few more."""


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


MAX_UPLOAD_LAYERS = 300
MAX_UPLOAD_SIDE = 512
MAX_UPLOAD_UNITS = 8192
MAX_UPLOAD_FILTERS = 2048
MAX_UPLOAD_KERNEL = 31
MAX_UPLOAD_PADDING = 64
MAX_UPLOAD_PARAMS = 20_000_000
MAX_DECLARED_BYTES = 100 * 2**20
"""What an uploaded model may ask for, checked in its config and its weight file's headers before Keras builds
anything: a 102 KB file declaring Dense(100_000) or ZeroPadding2D(5000) must not cost gigabytes."""


def _numbers(value: Any) -> list[int]:
    """Every whole number in a config value (an int, or nested lists of them)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)):
        return [number for item in value for number in _numbers(item)]
    return []


def _too_big(what: str, value: int, limit: int, node: dict) -> InputError:
    return InputError(
        f"The model's {_layer_label(node)} asks for {what} {value:,}; this app takes at most {limit:,}, "
        "enough for any network it teaches. A model this size would cost the whole class's server."
    )


def check_model_cost(config: dict) -> None:
    """Refuses a model whose config asks for more than a classroom server should build.

    Checked before Keras reads anything: the number of layers, the input's sides, units, filters, kernel
    sizes, padding and cropping amounts.

    Raises:
        InputError: naming the layer and the number that is too big.
    """
    layers = [node for node in _walk(config) if node.get("class_name") in ALLOWED_LAYERS]
    if len(layers) > MAX_UPLOAD_LAYERS:
        raise InputError(
            f"The model has {len(layers):,} layers; this app takes at most {MAX_UPLOAD_LAYERS}, more than any "
            "network it teaches."
        )
    for node in layers:
        settings = node.get("config")
        if not isinstance(settings, dict):
            continue
        for key in ("batch_shape", "batch_input_shape"):
            sides = _numbers(settings.get(key))[1:3] if settings.get(key) else []
            for side in sides:
                if side > MAX_UPLOAD_SIDE:
                    raise _too_big("an input side of", side, MAX_UPLOAD_SIDE, node)
        for key, limit in (
            ("units", MAX_UPLOAD_UNITS),
            ("filters", MAX_UPLOAD_FILTERS),
            ("kernel_size", MAX_UPLOAD_KERNEL),
            ("pool_size", MAX_UPLOAD_KERNEL),
            ("padding", MAX_UPLOAD_PADDING),
            ("cropping", MAX_UPLOAD_SIDE),
            ("depth_multiplier", 64),
            ("target_shape", MAX_UPLOAD_SIDE * MAX_UPLOAD_SIDE),
        ):
            for number in _numbers(settings.get(key)):
                if number > limit:
                    raise _too_big(f"a {key.replace('_', ' ')} of", number, limit, node)


def check_model_weights(data: bytes) -> None:
    """Refuses a weight file whose headers declare more than a small model holds, or links elsewhere.

    Read with h5py from the archive's ``model.weights.h5`` before Keras opens it: every dataset's declared
    shape is summed (a dataset may declare a gigabyte while storing a few bytes), and soft, external links
    and virtual datasets (which read other files) are refused.

    Raises:
        InputError: the declared size, a link or a virtual dataset, or a damaged file.
    """
    import h5py

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "model.weights.h5" not in archive.namelist():
            return
        raw = archive.read("model.weights.h5")
    declared = 0
    values = 0

    def walk(group) -> None:
        nonlocal declared, values
        for name in group:
            link = group.get(name, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise InputError("The model's weight file links to other data, which this app refuses.")
            item = group[name]
            if isinstance(item, h5py.Group):
                walk(item)
            elif isinstance(item, h5py.Dataset):
                if item.is_virtual:
                    raise InputError("The model's weight file has a virtual dataset (it reads other files): refused.")
                count = math.prod(item.shape or ())
                values += count
                declared += count * item.dtype.itemsize
                if declared > MAX_DECLARED_BYTES or values > MAX_UPLOAD_PARAMS:
                    raise InputError(
                        f"The model's weight file declares more than {MAX_DECLARED_BYTES // 2**20} MB of weights "
                        f"(or {MAX_UPLOAD_PARAMS:,} values): more than any network this app teaches."
                    )

    try:
        with h5py.File(io.BytesIO(raw), "r") as weights:
            walk(weights)
    except InputError:
        raise
    except Exception as error:
        raise InputError(f"The model's weight file is damaged ({type(error).__name__}).") from None


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


def load_user_model(data: bytes) -> keras.Model:
    """A person's ``.keras`` model, checked against the allow-list before Keras reads it.

    Args:
        data: The uploaded file's bytes.

    Returns:
        The Keras model (not compiled).

    Raises:
        InputError: the archive is refused (naming the offending layer) or cannot be loaded.
    """
    config = read_model_config(data)
    check_model_config(config)
    check_model_cost(config)
    check_model_weights(data)
    try:
        model = load_archive_bytes(data)
    except Exception as error:  # any failure of a hostile or broken file is the person's to read
        raise InputError(f"The model could not be loaded: {type(error).__name__}: {str(error)[:300]}") from None
    shape = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else ()
    if len(model.inputs) != 1 or len(shape) != 3 or shape[2] not in (1, 3):
        raise InputError(
            f"This app shows image models with one input of shape (height, width, 1 or 3 channels); this model's "
            f"input is {shape or 'unknown'}."
        )
    return model
