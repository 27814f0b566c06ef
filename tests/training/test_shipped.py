"""Shipped models load offline, reach their stated accuracy, and behave like finished training jobs."""

import json

import numpy as np
import pytest

from tools.pretrain import RECIPES, Recipe, train_recipe
from visualizer.backend.building import build_model
from visualizer.backend.evaluation import evaluate
from visualizer.data.catalog import load_dataset
from visualizer.errors import InputError
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.training.shipped import (
    PRETRAINED_DIR,
    load_checkpoints,
    load_pretrained,
    manifest,
    manifest_entry,
    shipped_run,
)

REQUIRED = {"name", "dataset", "spec", "seed", "epochs", "test_accuracy", "command"}
MINIMUM_ACCURACY = {"lenet5_digits": 0.97, "tinyvgg_shapes": 0.95, "resnet_shapes": 0.95}


def test_the_manifest_lists_every_recipe_with_its_contract_keys():
    entries = manifest()
    assert [entry["name"] for entry in entries] == [recipe.name for recipe in RECIPES]
    for entry in entries:
        assert set(entry) >= REQUIRED, entry["name"]
        assert entry["command"] == f"python -m tools.pretrain --only {entry['name']}"
        ModelSpec.from_dict(entry["spec"])  # a valid stack
    assert json.loads((PRETRAINED_DIR / "manifest.json").read_text())["models"] == entries


def test_pretrained_stays_under_10_mb():
    total = sum(path.stat().st_size for path in PRETRAINED_DIR.rglob("*") if path.is_file())
    assert total < 10 * 1024 * 1024, f"{total / 1e6:.1f} MB"


def test_the_shipped_residual_network_is_at_least_as_accurate_as_the_plain_tiny_vgg():
    assert manifest_entry("resnet_shapes")["test_accuracy"] >= manifest_entry("tinyvgg_shapes")["test_accuracy"]
    assert ModelSpec.from_dict(manifest_entry("resnet_shapes")["spec"]).is_graph


@pytest.mark.parametrize("name", ["lenet5_digits", "tinyvgg_shapes", "resnet_shapes"])
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
    status = run.status()
    assert status.state == "finished" and status.epoch == entry["epochs"] and not status.active
    assert status.progress == 1.0 and len(status.history["val_accuracy"]) == entry["epochs"]
    assert run.config == TrainingConfig(
        entry["epochs"], entry["batch_size"], entry["optimizer"], entry["learning_rate"], entry["seed"]
    )


def test_unknown_shipped_model_and_wrong_dataset_are_clear_errors():
    with pytest.raises(InputError, match="No shipped model called 'nope'"):
        load_pretrained("nope")
    with pytest.raises(InputError, match="learned digits"):
        shipped_run("lenet5_digits", load_dataset("shapes"))


def test_the_recipe_is_deterministic(tiny):
    recipe = Recipe("tiny", "tiny", "starter", "digits", TrainingConfig(epochs=2, batch_size=32, seed=3), "")
    _, first_checkpoints, first_entry = train_recipe(recipe, tiny)
    _, second_checkpoints, second_entry = train_recipe(recipe, tiny)
    for a, b in zip(first_checkpoints[-1], second_checkpoints[-1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert first_entry["test_accuracy"] == second_entry["test_accuracy"]
    assert len(first_checkpoints) == 3


def test_a_shipped_run_shares_one_model_per_epoch_and_warms_them_up():
    run = shipped_run("lenet5_digits", load_dataset("digits"))
    assert run.model_at(run.status().epoch) is run.model
    first = run.model_at(3)
    assert run.model_at(3) is first
    for saved, weights in zip(run.checkpoints[3], first.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, weights)
    warming = run.warm_up()
    warming.join(120)
    assert not warming.is_alive(), "the warm-up did not end in 120 s"
    assert len(run._epoch_models) == run.status().epoch  # every epoch but the last (the model itself)
