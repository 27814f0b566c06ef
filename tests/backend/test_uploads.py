"""A person's .keras file: plain Keras models load, anything that could run code is refused by name."""

import io
import json
import zipfile

import keras
import numpy as np
import pytest

from visualizer.backend.building import build_model
from visualizer.backend.info import describe
from visualizer.backend.saving import model_to_bytes
from visualizer.backend.uploads import ALLOWED_LAYERS, check_model_config, load_user_model
from visualizer.errors import InputError
from visualizer.model.layers import LAYERS
from visualizer.model.presets import PRESETS


def plain_model() -> keras.Model:
    return build_model(PRESETS["starter"], seed=5)


def test_a_plain_model_loads_unchanged():
    model = plain_model()
    loaded = load_user_model(model_to_bytes(model))
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    x = np.random.RandomState(0).rand(2, 28, 28, 1).astype(np.float32)
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)
    assert describe(loaded).supported


def test_a_functional_model_of_known_layers_gets_every_view():
    inputs = keras.Input((16, 16, 3))
    left = keras.layers.Conv2D(4, 3, padding="same", name="left")(inputs)
    right = keras.layers.Conv2D(4, 1, name="right")(inputs)
    merged = keras.layers.Add(name="add")([left, right])
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(keras.layers.GlobalAveragePooling2D()(merged))
    model = keras.Model(inputs, outputs)
    loaded = load_user_model(model_to_bytes(model))
    info = describe(loaded)
    assert info.supported and info.graph
    assert [layer.kind for layer in info.layers] == ["conv2d", "conv2d", "add", "globalavgpool2d", "dense"]
    assert info.layer("add").inputs == ("left", "right")


def test_a_lambda_layer_is_refused_whatever_it_wraps():
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Lambda(lambda x: x * 2.0, name="double")])
    with pytest.raises(InputError, match="Lambda layer 'double'"):
        load_user_model(model_to_bytes(model))


@keras.saving.register_keras_serializable(package="Sneaky")
class Sneaky(keras.layers.Layer):
    def call(self, x):
        return x


def test_a_class_from_outside_keras_is_refused_by_name():
    model = keras.Sequential([keras.Input((28, 28, 1)), Sneaky(name="sneaky"), keras.layers.Flatten()])
    with pytest.raises(InputError, match="Sneaky layer 'sneaky'"):
        load_user_model(model_to_bytes(model))


def rewrite_config(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "config.json":
                config = json.loads(content)
                change(config)
                content = json.dumps(config).encode()
            target.writestr(member.filename, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c["config"]["layers"][1].update(module="os", class_name="system"), "from os"),
        (lambda c: c["config"]["layers"][1].update(module="keras.layers", class_name="TFSMLayer"), "TFSMLayer"),
        (lambda c: c["config"]["layers"][1]["config"].update(activation="custom>evil"), "activation 'custom>evil'"),
        (lambda c: c["config"]["layers"][1].update(registered_name="Custom>Conv2D"), "Conv2D layer"),
        (lambda c: c["config"]["layers"][1]["config"].update(function={"class_name": "__lambda__"}), "Python function"),
    ],
)
def test_hand_edited_configs_are_refused(change, message):
    hostile = rewrite_config(model_to_bytes(plain_model()), change)
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        load_user_model(hostile)


def test_truncated_non_archive_and_oversized_files_are_refused():
    data = model_to_bytes(plain_model())
    for broken in (data[: len(data) // 2], data[:100], b"", b"not a zip at all", b"PK\x03\x04" + b"\0" * 50):
        with pytest.raises(InputError):
            load_user_model(broken)
    with pytest.raises(InputError, match="limit"):
        load_user_model(b"\0" * (26 * 1024 * 1024))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match=r"no config\.json"):
        load_user_model(buffer.getvalue())
    extra = rewrite_config(data, lambda c: None)
    buffer = io.BytesIO(extra)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("payload.py", "import os")
    with pytest.raises(InputError, match=r"payload\.py"):
        load_user_model(buffer.getvalue())


def test_non_image_models_are_refused_after_the_allow_list():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(2)])
    with pytest.raises(InputError, match="image models"):
        load_user_model(model_to_bytes(model))
    with pytest.raises(InputError):
        check_model_config({"no": "class"})


def test_every_layer_type_the_app_builds_is_accepted():
    assert {cls.keras_class for cls in LAYERS.values()} <= ALLOWED_LAYERS
    spec_layers = [{"type": "globalmaxpool2d"}]
    from tests.helpers import stack

    model = build_model(stack([{"type": "conv2d", "filters": 3}, *spec_layers], shape=(8, 8, 1)), seed=0)
    assert describe(load_user_model(model_to_bytes(model))).supported
