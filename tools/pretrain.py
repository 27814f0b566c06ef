"""Regenerates every model shipped in ``pretrained/``: ``python -m tools.pretrain``.

Each recipe trains a preset on an embedded dataset with a fixed seed and
deterministic TensorFlow ops, then writes, in ``pretrained/<name>/``:

- ``model.keras``: the trained network (Keras' own archive format);
- ``checkpoints.npz``: its weights at epoch 0 (before training), 1, 2, ... final,
  for the Inspect page's epoch scrubber;

and one entry per model in ``pretrained/manifest.json`` with the recipe, the
history and the measured test accuracy. Run it on one core for the same bytes:
``CNN_VISUALIZER_TF_THREADS=1`` (the default).

    python -m tools.pretrain                 # all of them
    python -m tools.pretrain --only lenet5_digits
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from visualizer import runtime
from visualizer.data.catalog import load_dataset
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.pool import TrainingPool
from visualizer.training.shipped import CHECKPOINTS_FILE, MANIFEST_FILE, MODEL_FILE, PRETRAINED_DIR


@dataclass(frozen=True)
class Recipe:
    """How one shipped model is made.

    Attributes:
        name: Folder and manifest name (``lenet5_digits``).
        title: What the app calls it.
        preset: The architecture, from ``visualizer.model.presets``.
        dataset: The embedded dataset it learns.
        config: Epochs, batch size, optimizer, learning rate and seed.
        description: One sentence for the app.
    """

    name: str
    title: str
    preset: str
    dataset: str
    config: TrainingConfig
    description: str


RECIPES: tuple[Recipe, ...] = (
    Recipe(
        name="lenet5_digits",
        title="LeNet-5 trained on digits",
        preset="lenet5",
        dataset="digits",
        config=TrainingConfig(epochs=13, batch_size=32, optimizer="adam", learning_rate=1e-3, seed=0),
        description="LeCun's 1998 network (ReLU and average pooling) on scikit-learn's real handwritten digits.",
    ),
    Recipe(
        name="tinyvgg_shapes",
        title="Tiny VGG trained on shapes",
        preset="tinyvgg",
        dataset="shapes",
        config=TrainingConfig(epochs=30, batch_size=64, optimizer="adam", learning_rate=1e-3, seed=0),
        description="CNN Explainer's Tiny VGG on six generated shapes (circle, square, triangle, star, cross, ring).",
    ),
    Recipe(
        name="resnet_shapes",
        title="Small ResNet trained on shapes",
        preset="resnet_small",
        dataset="shapes",
        config=TrainingConfig(epochs=20, batch_size=64, optimizer="adam", learning_rate=1e-3, seed=0),
        description="Two residual blocks (skip connections, batch normalisation) on the same six generated shapes.",
    ),
)


def train_recipe(recipe: Recipe, dataset=None) -> tuple[object, list[list[np.ndarray]], dict]:
    """Trains one recipe in the foreground; returns the model, its checkpoints and its manifest entry.

    Args:
        recipe: What to train.
        dataset: The data (loaded from ``recipe.dataset`` when None; tests pass a small one).

    Raises:
        RuntimeError: the training failed or diverged.
    """
    from visualizer.backend.engine import tf
    from visualizer.backend.evaluation import evaluate

    tf.config.experimental.enable_op_determinism()
    data = dataset if dataset is not None else load_dataset(recipe.dataset)
    spec = PRESETS[recipe.preset].adapted_to(data.image_shape, data.num_classes)
    job = TrainingJob(spec, data, recipe.config, pool=TrainingPool(1)).start()
    job.wait()
    status = job.status()
    if status.state != "finished":
        raise RuntimeError(f"{recipe.name}: training {status.state}: {status.error}")
    evaluation = evaluate(job.model, data)
    config = recipe.config
    entry = {
        "name": recipe.name,
        "title": recipe.title,
        "description": recipe.description,
        "preset": recipe.preset,
        "dataset": recipe.dataset,
        "spec": spec.to_dict(),
        "seed": config.seed,
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "optimizer": config.optimizer,
        "learning_rate": config.learning_rate,
        "test_accuracy": round(float(evaluation.accuracy), 4),
        "test_loss": round(float(evaluation.loss), 4),
        "history": {key: [round(float(value), 5) for value in values] for key, values in status.history.items()},
        "command": f"python -m tools.pretrain --only {recipe.name}",
        "files": {"model": f"{recipe.name}/{MODEL_FILE}", "checkpoints": f"{recipe.name}/{CHECKPOINTS_FILE}"},
    }
    return job.model, job.checkpoints, entry


def save(model, checkpoints: list[list[np.ndarray]], entry: dict, root: Path) -> None:
    """Writes a model's files under ``root / entry['name']``."""
    from visualizer.backend.building import build_model

    folder = root / entry["name"]
    folder.mkdir(parents=True, exist_ok=True)
    # The same network, uncompiled: the archive then holds no optimizer state (a third of the size).
    plain = build_model(ModelSpec.from_dict(entry["spec"]), seed=entry["seed"])
    plain.set_weights(model.get_weights())
    plain.save(folder / MODEL_FILE)
    arrays = {
        f"epoch{epoch:03d}_w{index:02d}": np.asarray(weight, dtype=np.float32)
        for epoch, weights in enumerate(checkpoints)
        for index, weight in enumerate(weights)
    }
    np.savez_compressed(folder / CHECKPOINTS_FILE, **arrays)


def write_manifest(entries: list[dict], root: Path) -> None:
    """Writes ``manifest.json``, keeping entries of models not regenerated this time."""
    path = root / MANIFEST_FILE
    previous = json.loads(path.read_text())["models"] if path.exists() else []
    names = {entry["name"] for entry in entries}
    merged = [entry for entry in previous if entry["name"] not in names] + entries
    order = [recipe.name for recipe in RECIPES]
    merged.sort(key=lambda entry: order.index(entry["name"]) if entry["name"] in order else len(order))
    path.write_text(json.dumps({"models": merged}, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Trains the chosen recipes, writes their files and the manifest; returns the exit code."""
    runtime.configure()
    parser = argparse.ArgumentParser(prog="python -m tools.pretrain", description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=[recipe.name for recipe in RECIPES], action="append")
    parser.add_argument("--out", type=Path, default=PRETRAINED_DIR)
    args = parser.parse_args(argv)
    chosen = [recipe for recipe in RECIPES if not args.only or recipe.name in args.only]
    entries = []
    for recipe in chosen:
        started = time.monotonic()
        print(f"Training {recipe.name}: {recipe.preset} on {recipe.dataset}, {recipe.config.epochs} epochs...")
        model, checkpoints, entry = train_recipe(recipe)
        save(model, checkpoints, entry, args.out)
        entries.append(entry)
        print(f"  test accuracy {entry['test_accuracy']:.2%} in {time.monotonic() - started:.0f} s")
    write_manifest(entries, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
