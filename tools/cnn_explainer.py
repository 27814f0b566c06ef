"""Converts CNN Explainer's Tiny VGG into a network of this app: ``python -m tools.cnn_explainer``.

CNN Explainer (Polo Club of Data Science, MIT License) ships its network as a TensorFlow.js
"layers-model": ``model.json`` (a Keras ``Sequential`` config and the weights' manifest) and one
binary file of little-endian float32 weights in the manifest's order. This reads both with NumPy
alone, writes the network as the app's own ``ModelSpec`` (each layer a registry type; the last
Flatten and Dense are the spec's classifier head), builds it with ``build_model``, sets the weights
in the manifest's order and writes, in ``pretrained/tinyvgg_photos/``:

- ``model.keras``: the converted network;
- ``original/``: the two source files, unchanged (the tests' oracle computes the original network
  from them), with CNN Explainer's ``LICENSE``;
- ``images/``: CNN Explainer's example photos (64x64 RGB JPEGs named by class).

    python -m tools.cnn_explainer                          # from ../shared/anchors/cnn-explainer
    python -m tools.cnn_explainer --source DIR --target DIR
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from visualizer import runtime
from visualizer.errors import InputError
from visualizer.model.spec import ModelSpec
from visualizer.training.shipped import MODEL_FILE, PRETRAINED_DIR

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "anchors" / "cnn-explainer"
TARGET = PRETRAINED_DIR / "tinyvgg_photos"
TOPOLOGY_FILE = "model.json"
LICENSE_FILE = "LICENSE"
CLASS_NAMES = (
    "lifeboat",
    "ladybug",
    "pizza",
    "bell pepper",
    "school bus",
    "koala",
    "espresso",
    "red panda",
    "orange",
    "sport car",
)
"""The network's ten outputs, in its order (CNN Explainer's classes of Tiny ImageNet)."""
PHOTO_CLASSES = {
    "boat": "lifeboat",
    "bug": "ladybug",
    "pizza": "pizza",
    "pepper": "bell pepper",
    "bus": "school bus",
    "koala": "koala",
    "espresso": "espresso",
    "panda": "red panda",
    "orange": "orange",
    "car": "sport car",
}
"""An example photo's file name stem (``boat_1``) -> its class."""


class LayersModel(NamedTuple):
    """A TensorFlow.js layers-model as read: its layers' configs, its weights by name, its input shape, its files."""

    layers: list[dict[str, Any]]
    weights: dict[str, np.ndarray]
    input_shape: tuple[int, ...]
    files: tuple[str, ...]


def read_layers_model(folder: Path) -> LayersModel:
    """A TensorFlow.js layers-model: its layers' configs, weights by name, input shape and file names.

    Raises:
        InputError: not a Sequential layers-model, or a weights file that does not hold what the manifest says.
    """
    topology = json.loads((folder / TOPOLOGY_FILE).read_text())
    config = topology["modelTopology"]["model_config"]
    if config.get("class_name") != "Sequential":
        raise InputError(f"Expected a Sequential model, found {config.get('class_name')!r}.")
    layers = config["config"]["layers"] if isinstance(config["config"], dict) else config["config"]
    weights: dict[str, np.ndarray] = {}
    for group in topology["weightsManifest"]:
        data = b"".join((folder / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            if spec["dtype"] != "float32":
                raise InputError(f"Weight {spec['name']} is {spec['dtype']}, not float32.")
            count = int(np.prod(spec["shape"]))
            values = np.frombuffer(data, dtype="<f4", count=count, offset=offset)
            weights[spec["name"]] = values.reshape(spec["shape"]).astype(np.float32)
            offset += 4 * count
        if offset != len(data):
            raise InputError(f"The weights file holds {len(data)} bytes; the manifest describes {offset}.")
    input_shape = tuple(int(size) for size in layers[0]["config"]["batch_input_shape"][1:])
    files = (TOPOLOGY_FILE, *(path for group in topology["weightsManifest"] for path in group["paths"]))
    return LayersModel(layers, weights, input_shape, files)


def _layer(layer: dict[str, Any]) -> dict[str, Any]:
    """One TensorFlow.js (Keras 2) layer config as the app's layer JSON."""
    kind, config = layer["class_name"], layer["config"]
    if kind == "Conv2D":
        return {
            "type": "conv2d",
            "filters": config["filters"],
            "kernel_size": list(config["kernel_size"]),
            "strides": list(config["strides"]),
            "padding": config["padding"],
            "activation": config["activation"],
        }
    if kind == "Activation":
        return {"type": "activation", "activation": config["activation"]}
    if kind == "MaxPooling2D":
        return {
            "type": "maxpool2d",
            "pool_size": list(config["pool_size"]),
            "strides": list(config["strides"]),
            "padding": config["padding"],
        }
    raise InputError(
        f"Layer {config.get('name')!r} is a {kind}: this converter knows Conv2D, Activation, MaxPooling2D."
    )


def to_spec(layers: list[dict[str, Any]], input_shape: tuple[int, ...]) -> ModelSpec:
    """The app's spec of the network: every layer but the last Flatten and softmax Dense (the spec's head).

    Raises:
        InputError: the network does not end in Flatten and a softmax Dense, or holds another layer type.
    """
    *body, flatten, output = layers
    if flatten["class_name"] != "Flatten" or output["class_name"] != "Dense":
        raise InputError("Expected the network to end in Flatten and Dense, as the app's classifier head does.")
    if output["config"]["activation"] != "softmax":
        raise InputError("Expected the last Dense layer to be a softmax of class scores.")
    return ModelSpec.from_dict(
        {
            "input_shape": list(input_shape),
            "num_classes": int(output["config"]["units"]),
            "layers": [_layer(layer) for layer in body],
        }
    )


def ordered_weights(layers: list[dict[str, Any]], weights: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The weights in the order of the layers (kernel, then bias), as the built network holds them."""
    found = []
    for layer in layers:
        name = layer["config"]["name"]
        for part in ("kernel", "bias"):
            if f"{name}/{part}" in weights:
                found.append(weights[f"{name}/{part}"])
    return found


def convert(source: Path = SOURCE, target: Path = TARGET) -> Path:
    """Writes the converted network, the source files and the example photos into ``target``; returns its model."""
    from visualizer.backend.building import build_model

    found = read_layers_model(source)
    layers, weights = found.layers, found.weights
    spec = to_spec(layers, found.input_shape)
    model = build_model(spec, seed=0)
    ordered = ordered_weights(layers, weights)
    if [array.shape for array in ordered] != [array.shape for array in model.get_weights()]:
        raise InputError("The converted network's weights do not have the original's shapes.")
    model.set_weights(ordered)
    target.mkdir(parents=True, exist_ok=True)
    model.save(target / MODEL_FILE)
    original = target / "original"
    original.mkdir(exist_ok=True)
    for name in found.files:
        shutil.copyfile(source / name, original / name)
    shutil.copyfile(source / LICENSE_FILE, target / LICENSE_FILE)
    images = target / "images"
    images.mkdir(exist_ok=True)
    for photo in sorted((source / "images").glob("*.jpeg")):
        if photo.stem.split("_")[0] in PHOTO_CLASSES:
            shutil.copyfile(photo, images / photo.name)
    return target / MODEL_FILE


def main(argv: list[str] | None = None) -> int:
    """The command line: convert, and say what was written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="CNN Explainer's model.json, weights and images")
    parser.add_argument("--target", type=Path, default=TARGET, help="where to write the converted network")
    arguments = parser.parse_args(argv)
    runtime.configure()
    try:
        path = convert(arguments.source, arguments.target)
    except (InputError, OSError, KeyError, ValueError) as error:
        print(f"Could not convert: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {path} and {len(list((arguments.target / 'images').glob('*.jpeg')))} example photos.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
