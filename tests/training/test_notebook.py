"""The notebook to take home: valid nbformat 4, and its code cells run without the project and repeat the app's run.

The oracles: the app's own dataset loader (the same images), ``build_model`` with the run's seed (the same
starting weights), the plan's parameter count, the app's own training job (the same one-epoch history),
``backend.augmentation`` (the same random changes) and the nbformat schema.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from tests.helpers import ROOT
from visualizer.backend.augmentation import augmentation_layers
from visualizer.backend.building import build_model
from visualizer.data.catalog import CLASS_NAMES, IMAGE_SHAPES, datasets_for, load_dataset
from visualizer.errors import InputError
from visualizer.model.plan import summarize
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.training.notebook import notebook_script, script_cells, to_notebook

LENET = PRESETS["lenet5"]
TINY_VGG = ModelSpec.from_dict({**PRESETS["tinyvgg"].to_dict(), "num_classes": 6})
ONE_EPOCH = TrainingConfig(epochs=1, batch_size=64, seed=3)


def code_cells(text: str) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(text)["cells"] if cell["cell_type"] == "code"]


RUNNING: list[tuple[int, Path, subprocess.Popen]] = []
"""The two notebooks' runners, once started: (index, folder, process)."""


def start_runners(root: Path) -> None:
    """Starts LeNet-5 on digits (index 0) and Tiny VGG on shapes (index 1), one epoch each, in ``notebook_runner``
    processes side by side (one TensorFlow thread each, as the app trains), in folders under ``root``.

    Once per session: ``tests/conftest.py`` calls it as soon as the tests are collected, so the two runs use the
    core the rest of the suite leaves idle; the ``runs`` fixture calls it in case nothing did.
    """
    if RUNNING:
        return
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment |= {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    runner = ROOT / "tests" / "training" / "notebook_runner.py"
    for index, (spec, dataset) in enumerate(((LENET, "digits"), (TINY_VGG, "shapes"))):
        folder = root / f"notebook_{dataset}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{dataset}.ipynb"
        path.write_text(to_notebook(spec, dataset, ONE_EPOCH), encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, str(runner), str(folder / "out.npz"), str(path)],
            cwd=folder,  # the project is not importable from here: only its dependencies are
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        RUNNING.append((index, folder, process))


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, np.ndarray]:
    """What both notebooks' runs recorded, keyed ``k0_...`` (LeNet-5 on digits) and ``k1_...`` (Tiny VGG)."""
    start_runners(tmp_path_factory.mktemp("notebooks"))
    records: dict[str, np.ndarray] = {}
    for index, folder, process in RUNNING:
        _, errors = process.communicate(timeout=400)
        assert process.returncode == 0, errors[-3000:]
        assert (folder / "cnn_model.keras").stat().st_size > 10_000  # the last cell saved the trained network
        with np.load(folder / "out.npz") as found:
            records |= {key.replace("k0_", f"k{index}_", 1): value for key, value in found.items()}
    return records


def starting_weights(records: dict, index: int) -> list[np.ndarray]:
    count = sum(1 for key in records if key.startswith(f"k{index}_weight_"))
    return [records[f"k{index}_weight_{number}"] for number in range(count)]


@pytest.mark.parametrize(("index", "spec", "name"), [(0, LENET, "digits"), (1, TINY_VGG, "shapes")])
def test_the_notebook_runs_on_its_own_with_the_apps_data_model_and_seeds(runs, index, spec, name):
    assert not runs[f"k{index}_project_imported"]  # the dependencies alone
    assert int(runs[f"k{index}_params"]) == sum(row.params for row in summarize(spec)) > 0
    # The same starting weights as the app's build_model with the run's seed, exactly.
    expected = build_model(spec, seed=ONE_EPOCH.seed).get_weights()
    got = starting_weights(runs, index)
    assert len(got) == len(expected) > 0
    for ours, theirs in zip(got, expected):
        np.testing.assert_array_equal(ours, theirs)
    # The same images and labels as the app's loader.
    dataset = load_dataset(name)
    np.testing.assert_array_equal(runs[f"k{index}_x_train_head"], dataset.x_train[:3])
    np.testing.assert_array_equal(runs[f"k{index}_x_train_last"], dataset.x_train[-1])
    np.testing.assert_array_equal(runs[f"k{index}_x_test_last"], dataset.x_test[-1])
    sums = [dataset.x_train.astype(np.float64).sum(), dataset.x_test.astype(np.float64).sum()]
    np.testing.assert_array_equal(runs[f"k{index}_x_sums"], sums)
    np.testing.assert_array_equal(runs[f"k{index}_y_train"], dataset.y_train)
    np.testing.assert_array_equal(runs[f"k{index}_y_test"], dataset.y_test)
    assert list(runs[f"k{index}_class_names"]) == list(dataset.class_names)
    # One epoch trained, then evaluated; the curves and the predictions shown with their classes.
    history = json.loads(str(runs[f"k{index}_history"]))
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 1 for values in history.values())
    assert float(runs[f"k{index}_test_accuracy"]) == pytest.approx(history["val_accuracy"][0])
    figures = json.loads(str(runs[f"k{index}_figures"]))
    assert len(figures) == 3  # the data, the curves, the predictions
    assert figures[0]["titles"] == [dataset.class_names[label] for label in dataset.y_train[:8]]
    assert figures[1]["traces"] == ["scatter"] * 4 and figures[1]["titles"] == ["Loss", "Accuracy"]
    for title, label in zip(figures[2]["titles"], dataset.y_test[:8], strict=True):
        assert f"(true: {dataset.class_names[label]})" in title
    printed = str(runs[f"k{index}_printed"])
    assert f"{len(dataset.y_train):,} training and {len(dataset.y_test):,} test images" in printed
    assert "Test accuracy" in printed


def test_the_notebooks_run_is_the_apps_run(runs):
    # LeNet-5 on the digits for one epoch through the app's own training function (what a job's worker runs,
    # here in this process: it has one TensorFlow thread too): the same numbers.
    from visualizer.training.fit import Hooks, train

    dataset = load_dataset("digits")
    logs: list[dict] = []
    hooks = Hooks(
        built=lambda model: None,
        batch_done=lambda batch, values: None,
        epoch_done=lambda epoch, values, weights, gradients: logs.append(dict(values)),
        stop_requested=lambda: False,
    )
    batches = math.ceil(len(dataset.y_train) / ONE_EPOCH.batch_size)
    assert train(LENET, dataset, ONE_EPOCH, batches, hooks) is None
    notebook = json.loads(str(runs["k0_history"]))
    assert len(logs) == 1
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert notebook[key] == pytest.approx([logs[0][key]], rel=1e-5), key


def test_the_tiny_vgg_notebook_learns_something_in_one_epoch(runs):
    history = json.loads(str(runs["k1_history"]))
    assert history["val_accuracy"][0] > 2 / 6  # chance is 1 in 6


@pytest.mark.parametrize(
    ("spec", "name", "config"),
    [
        (LENET, "digits", TrainingConfig()),
        (TINY_VGG, "shapes", TrainingConfig(epochs=30, optimizer="sgd", learning_rate=0.05, augmentation=("rotate",))),
        (LENET, "mnist", TrainingConfig(optimizer="rmsprop")),
        (ModelSpec.from_dict({**PRESETS["resnet_small"].to_dict(), "num_classes": 6}), "shapes", TrainingConfig()),
        (ModelSpec.from_dict({**LENET.to_dict(), "input_shape": [32, 32, 3]}), "cifar10", TrainingConfig(seed=7)),
    ],
)
def test_the_notebook_is_valid_nbformat_4_with_prose_and_code_that_compiles(spec, name, config):
    text = to_notebook(spec, name, config)
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds[0] == "markdown" and notebook.cells[0].source.startswith("# Training a convolutional network")
    assert kinds.count("markdown") >= 8 and kinds.count("code") >= 8
    for number, source in enumerate(code_cells(text)):
        compile(source, f"cell {number}", "exec")
    code = "\n".join(code_cells(text))
    assert f"SEED = {config.seed}\nEPOCHS = {config.epochs}\nBATCH_SIZE = {config.batch_size}" in code
    assert f"LEARNING_RATE = {config.learning_rate!r}" in code
    assert "from visualizer" not in code and "import visualizer" not in code


def test_a_graph_network_gets_functional_code_with_seeded_layers():
    spec = ModelSpec.from_dict(
        {
            "input_shape": [28, 28, 1],
            "num_classes": 10,
            "layers": [
                {"type": "conv2d", "filters": 8},
                {"type": "residual", "layers": [{"type": "conv2d", "filters": 8, "padding": "same"}]},
                {"type": "dropout", "rate": 0.2},
            ],
        }
    )
    code = "\n".join(code_cells(to_notebook(spec, "digits", TrainingConfig(seed=5))))
    assert "def residual_1_block(x):" in code and "keras.Model(inputs, outputs" in code
    assert code.count("**seeded_weights(") == 3 and code.count("**seeded_mask(") == 1
    # The model section alone, with the two helpers, builds build_model's starting weights.
    import keras
    from keras import layers

    namespace = {"keras": keras, "layers": layers, "SEED": 5}
    start = code.index("def seeded_weights")
    exec(code[start : code.index("model.summary()")], namespace)
    for ours, theirs in zip(namespace["model"].get_weights(), build_model(spec, seed=5).get_weights()):
        np.testing.assert_array_equal(ours, theirs)


def test_the_notebooks_augmentation_is_the_apps():
    config = TrainingConfig(seed=4, augmentation=("flip", "rotate", "zoom", "translate", "contrast"))
    code = "\n".join(code_cells(to_notebook(TINY_VGG, "shapes", config)))
    start = code.index("augment = keras.Sequential(")
    import keras
    from keras import layers

    namespace = {"keras": keras, "layers": layers, "SEED": config.seed}
    exec(code[start : code.index("def training_batches")], namespace)
    images = load_dataset("shapes").x_train[:6]
    ours = np.asarray(namespace["augment"](images, training=True))
    theirs = np.asarray(augmentation_layers(config.augmentation, config.seed)(images, training=True))
    assert not np.allclose(ours, images)  # it changes the images...
    np.testing.assert_array_equal(ours, theirs)  # ...exactly as the app's layers do


def test_prose_and_code_split_like_keras_io():
    cells = script_cells('"""\n# Title\n"""\n\nx = 1\n\n"""\n## Part\n\nWords.\n"""\n\ndef f():\n    """Doc."""\n')
    assert cells == [
        ("markdown", "# Title"),
        ("code", "x = 1"),
        ("markdown", "## Part\n\nWords."),
        ("code", 'def f():\n    """Doc."""'),
    ]


@pytest.mark.parametrize(
    ("spec", "name", "message"),
    [
        (LENET, "shapes", "The shapes images are 64x64x3 in 6 classes but the network takes 28x28x1 in 10"),
        (TINY_VGG, "cifar10", "The cifar10 images are 32x32x3 in 10 classes"),
        (LENET, "<b>nope</b>", "There is no dataset called '<b>nope</b>'"),
    ],
)
def test_a_dataset_the_network_does_not_fit_is_a_clear_message(spec, name, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        notebook_script(spec, name, TrainingConfig())


def test_the_datasets_for_a_network_are_those_of_its_shape_and_classes():
    assert datasets_for(LENET) == ["digits", "mnist", "fashion_mnist"]
    assert datasets_for(TINY_VGG) == ["shapes"]
    assert datasets_for(ModelSpec.from_dict({**LENET.to_dict(), "num_classes": 7})) == []
    for name in ("digits", "shapes"):  # known without loading: equal to the loaded ones
        dataset = load_dataset(name)
        assert IMAGE_SHAPES[name] == dataset.image_shape and CLASS_NAMES[name] == dataset.class_names
