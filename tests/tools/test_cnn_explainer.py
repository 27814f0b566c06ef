"""CNN Explainer's Tiny VGG, converted by ``tools.cnn_explainer``: every layer equals the original network's.

The oracle is the original network computed here from its own files (``original/model.json`` and the
weights file, read byte by byte with the manifest's offsets) in float64 NumPy: cross-correlation,
ReLU, 2x2 max pooling, a channels-last flatten and a softmax dense layer, the arithmetic TensorFlow.js
does. The converted network runs in Keras (``feature_maps``), layer by layer, on every example photo.
"""

import json

import numpy as np
import pytest
from PIL import Image

from tools.cnn_explainer import CLASS_NAMES, PHOTO_CLASSES, TARGET, convert, read_layers_model, to_spec
from visualizer.errors import InputError

ORIGINAL = TARGET / "original"


def original_weights() -> dict[str, np.ndarray]:
    topology = json.loads((ORIGINAL / "model.json").read_text())
    found, offset = {}, 0
    for group in topology["weightsManifest"]:
        raw = np.fromfile(ORIGINAL / group["paths"][0], dtype="<f4")
        for spec in group["weights"]:
            size = int(np.prod(spec["shape"]))
            found[spec["name"]] = raw[offset : offset + size].reshape(spec["shape"]).astype(np.float64)
            offset += size
    return found


def original_outputs(x: np.ndarray) -> list[np.ndarray]:
    """Every layer's output of the original network for one image, in float64 (the oracle)."""
    topology = json.loads((ORIGINAL / "model.json").read_text())
    weights, value, outputs = original_weights(), x.astype(np.float64), []
    for layer in topology["modelTopology"]["model_config"]["config"]["layers"]:
        kind, name = layer["class_name"], layer["config"]["name"]
        if kind == "Conv2D":
            kernel, bias = weights[f"{name}/kernel"], weights[f"{name}/bias"]
            windows = np.lib.stride_tricks.sliding_window_view(value, kernel.shape[:2], axis=(0, 1))
            value = np.einsum("ijcab,abcf->ijf", windows, kernel) + bias  # valid, stride 1
        elif kind == "Activation":
            value = np.maximum(value, 0.0)
        elif kind == "MaxPooling2D":
            h, w, c = value.shape
            value = value[: h // 2 * 2, : w // 2 * 2].reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))
        elif kind == "Flatten":
            value = value.reshape(-1)
        elif kind == "Dense":
            logits = value @ weights[f"{name}/kernel"] + weights[f"{name}/bias"]
            value = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
        outputs.append(value)
    return outputs


def photos() -> list[tuple[str, np.ndarray]]:
    found = sorted((TARGET / "images").glob("*.jpeg"))
    return [(path.stem, np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0) for path in found]


def test_the_shipped_files_are_there_with_the_licence():
    assert (TARGET / "model.keras").is_file() and (TARGET / "LICENSE").is_file()
    assert "MIT License" in (TARGET / "LICENSE").read_text()
    assert len(photos()) == 20 and {stem.split("_")[0] for stem, _ in photos()} == set(PHOTO_CLASSES)


def test_every_layer_of_the_converted_network_equals_the_original_on_every_example_photo():
    from visualizer.backend.forward import feature_maps
    from visualizer.backend.saving import load_archive

    model = load_archive(TARGET / "model.keras")
    assert model.count_params() == 19_920 == sum(array.size for array in original_weights().values())
    for stem, x in photos():
        ours = list(feature_maps(model, x).values())
        theirs = original_outputs(x)
        assert len(ours) == len(theirs) == 12
        for index, (mine, original) in enumerate(zip(ours, theirs, strict=True)):
            np.testing.assert_allclose(mine, original, rtol=1e-5, atol=1e-5, err_msg=f"{stem}, layer {index}")


def test_the_example_photos_are_mostly_read_as_their_class():
    from visualizer.backend.forward import predict
    from visualizer.backend.saving import load_archive

    model = load_archive(TARGET / "model.keras")
    predicted = [int(predict(model, x).argmax()) for _, x in photos()]
    truth = [CLASS_NAMES.index(PHOTO_CLASSES[stem.split("_")[0]]) for stem, _ in photos()]
    right = sum(p == t for p, t in zip(predicted, truth, strict=True))
    shifted = sum((p + 1) % 10 == t for p, t in zip(predicted, truth, strict=True))
    # 14 of the 20 (the original network's own accuracy on them); the class order is the network's:
    # read one class off, almost none would be right.
    assert right >= 12 and shifted <= 4, (right, shifted)


def test_the_spec_is_the_app_s_own_and_a_second_conversion_writes_the_same_network(tmp_path):
    from visualizer.backend.saving import load_archive

    found = read_layers_model(ORIGINAL)
    assert found.files == ("model.json", "group1-shard1of1.bin")
    spec = to_spec(found.layers, found.input_shape)
    assert spec.input_shape == (64, 64, 3) and spec.num_classes == 10
    assert [layer.type for layer in spec.layers] == ["conv2d", "activation", "conv2d", "activation", "maxpool2d"] * 2
    (tmp_path / "source").mkdir()
    for name in ("model.json", "group1-shard1of1.bin"):
        (tmp_path / "source" / name).write_bytes((ORIGINAL / name).read_bytes())
    (tmp_path / "source" / "LICENSE").write_text((TARGET / "LICENSE").read_text())
    (tmp_path / "source" / "images").mkdir()
    again = load_archive(convert(tmp_path / "source", tmp_path / "out"))
    shipped = load_archive(TARGET / "model.keras")
    for mine, theirs in zip(again.get_weights(), shipped.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_a_network_the_converter_does_not_know_is_refused():
    found = read_layers_model(ORIGINAL)
    layers, shape = found.layers, found.input_shape
    with pytest.raises(InputError, match="BatchNormalization"):
        to_spec([{"class_name": "BatchNormalization", "config": {"name": "bn"}}, *layers], shape)
    with pytest.raises(InputError, match="end in Flatten and Dense"):
        to_spec(layers[:-1], shape)
