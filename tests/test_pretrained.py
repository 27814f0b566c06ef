"""Shipped models load offline and reach their stated accuracy; uploads pass the allow-list or are refused."""

import io
import json
import zipfile

import keras
import numpy as np
import pytest

from visualizer.building import build_model
from visualizer.datasets import Dataset, load_dataset
from visualizer.errors import InputError
from visualizer.presets import PRESETS
from visualizer.pretrain import RECIPES, Recipe, train_recipe
from visualizer.pretrained import (
    PRETRAINED_DIR,
    check_model_config,
    is_plain_stack,
    load_checkpoints,
    load_pretrained,
    load_user_model,
    manifest,
    manifest_entry,
    shipped_run,
)
from visualizer.spec import ModelSpec
from visualizer.training import TrainingConfig, evaluate, model_to_bytes

REQUIRED = {"name", "dataset", "spec", "seed", "epochs", "test_accuracy", "command"}
MINIMUM_ACCURACY = {"lenet5_digits": 0.97, "tinyvgg_shapes": 0.95}


def test_the_manifest_lists_every_recipe_with_its_contract_keys():
    entries = manifest()
    assert [entry["name"] for entry in entries] == [recipe.name for recipe in RECIPES]
    for entry in entries:
        assert set(entry) >= REQUIRED, entry["name"]
        assert entry["command"] == f"python -m visualizer.pretrain --only {entry['name']}"
        ModelSpec.from_dict(entry["spec"])  # a valid stack
    assert json.loads((PRETRAINED_DIR / "manifest.json").read_text())["models"] == entries


def test_pretrained_stays_under_10_mb():
    total = sum(path.stat().st_size for path in PRETRAINED_DIR.rglob("*") if path.is_file())
    assert total < 10 * 1024 * 1024, f"{total / 1e6:.1f} MB"


@pytest.mark.parametrize("name", ["lenet5_digits", "tinyvgg_shapes"])
def test_every_shipped_model_reaches_its_stated_accuracy_with_its_epoch_series(name):
    entry = manifest_entry(name)
    dataset = load_dataset(entry["dataset"])
    model = load_pretrained(name)
    result = evaluate(model, dataset)
    assert result.accuracy == pytest.approx(entry["test_accuracy"], abs=1e-4)
    assert result.accuracy >= MINIMUM_ACCURACY[name]
    checkpoints = load_checkpoints(name)
    assert len(checkpoints) == entry["epochs"] + 1
    for saved, final in zip(checkpoints[-1], model.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, final)
    # epoch 0 is the untrained network: the stack built with the recipe's seed
    spec = ModelSpec.from_dict(entry["spec"])
    for saved, initial in zip(checkpoints[0], build_model(spec, seed=entry["seed"]).get_weights(), strict=True):
        np.testing.assert_array_equal(saved, initial)
    assert not np.array_equal(checkpoints[0][0], checkpoints[1][0])  # it learned something each epoch
    run = shipped_run(name, dataset)
    assert run.status().state == "finished" and run.status().epoch == entry["epochs"]
    assert len(run.status().history["val_accuracy"]) == entry["epochs"]


def test_unknown_shipped_model_and_wrong_dataset_are_clear_errors():
    with pytest.raises(InputError, match="No shipped model called 'nope'"):
        load_pretrained("nope")
    with pytest.raises(InputError, match="learned digits"):
        shipped_run("lenet5_digits", load_dataset("shapes"))


def test_the_recipe_is_deterministic():
    digits = load_dataset("digits")
    tiny = Dataset(
        "digits", digits.x_train[:96], digits.y_train[:96], digits.x_test[:32], digits.y_test[:32], digits.class_names
    )
    recipe = Recipe("tiny", "tiny", "starter", "digits", TrainingConfig(epochs=2, batch_size=32, seed=3), "")
    _, first_checkpoints, first_entry = train_recipe(recipe, tiny)
    _, second_checkpoints, second_entry = train_recipe(recipe, tiny)
    for a, b in zip(first_checkpoints[-1], second_checkpoints[-1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert first_entry["test_accuracy"] == second_entry["test_accuracy"]
    assert len(first_checkpoints) == 3


# Uploaded models.


def plain_model() -> keras.Model:
    return build_model(PRESETS["starter"], seed=5)


def test_a_plain_model_loads_unchanged():
    model = plain_model()
    loaded = load_user_model(model_to_bytes(model))
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    x = np.random.RandomState(0).rand(2, 28, 28, 1).astype(np.float32)
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)
    assert is_plain_stack(loaded)


def test_a_functional_model_is_accepted_but_not_a_plain_stack():
    inputs = keras.Input((16, 16, 3))
    left = keras.layers.Conv2D(4, 3, padding="same", name="left")(inputs)
    right = keras.layers.Conv2D(4, 1, name="right")(inputs)
    merged = keras.layers.Add(name="add")([left, right])
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(keras.layers.GlobalAveragePooling2D()(merged))
    model = keras.Model(inputs, outputs)
    loaded = load_user_model(model_to_bytes(model))
    assert not is_plain_stack(loaded)


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


def test_a_shipped_run_shares_one_model_per_epoch_and_warms_them_up():
    run = shipped_run("lenet5_digits", load_dataset("digits"))
    assert run.model_at(run.status().epoch) is run.model
    first = run.model_at(3)
    assert run.model_at(3) is first
    for saved, weights in zip(run.checkpoints[3], first.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, weights)
    run.warm_up().join(120)
    assert len(run._epoch_models) == run.status().epoch  # every epoch but the last (the model itself)
