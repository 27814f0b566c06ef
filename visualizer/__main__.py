"""Command line: train a network without the browser, as teachers do before class.

python -m visualizer train --preset lenet5 --dataset digits --epochs 5 --out model.keras
python -m visualizer train --spec my_stack.json --dataset shapes --epochs 8 --out shapes.keras
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from visualizer import runtime
from visualizer.data.catalog import DATASET_TITLES, load_dataset
from visualizer.errors import InputError, SpecError
from visualizer.model.checks import format_shape
from visualizer.model.plan import total_params
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import OPTIMIZERS, TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.pool import TrainingPool
from visualizer.training.status import history_csv


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m visualizer", description="CNN Visualizer from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train a preset or a spec file on a dataset and save the model")
    source = train.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", choices=sorted(PRESETS), help="a named architecture")
    source.add_argument("--spec", type=Path, help="a spec file saved from the Build page (.json)")
    train.add_argument("--dataset", choices=list(DATASET_TITLES), default="digits")
    train.add_argument("--epochs", type=int, default=10)
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
    train.add_argument("--learning-rate", type=float, default=1e-3)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", type=Path, help="where to save the trained model (must end in .keras)")
    train.add_argument("--history", type=Path, help="where to save the per-epoch history (.csv)")
    return parser


def _load_spec(args: argparse.Namespace) -> ModelSpec:
    if args.preset:
        return PRESETS[args.preset]
    try:
        text = args.spec.read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {args.spec}: {error.strerror}.") from None
    return ModelSpec.from_json(text)


def train(args: argparse.Namespace) -> int:
    """Runs one training job in the foreground, printing progress; returns the exit code."""
    if args.out is not None and args.out.suffix != ".keras":
        raise InputError(f"--out must end in .keras (Keras' archive format), not {args.out.name!r}.")
    spec = _load_spec(args)
    dataset = load_dataset(args.dataset)
    if spec.input_shape != dataset.image_shape or spec.num_classes != dataset.num_classes:
        print(
            f"Adapting the network to {dataset.name}: input {format_shape(spec.input_shape)} -> "
            f"{format_shape(dataset.image_shape)}, classes {spec.num_classes} -> {dataset.num_classes}."
        )
        spec = spec.adapted_to(dataset.image_shape, dataset.num_classes)
    config = TrainingConfig(args.epochs, args.batch_size, args.optimizer, args.learning_rate, args.seed)
    print(
        f"Training {total_params(spec):,} parameters on {len(dataset.y_train):,} {dataset.name} images "
        f"({len(dataset.y_test):,} for testing), {config.epochs} epochs, {config.optimizer} at "
        f"{config.learning_rate:g}, batch {config.batch_size}, seed {config.seed}."
    )
    job = TrainingJob(spec, dataset, config, pool=TrainingPool(1))
    started = time.monotonic()
    job.start()
    reported = 0
    while True:
        finished = job.wait(0.5)
        status = job.status()
        history = status.history
        while reported < len(history["loss"]):
            print(
                f"epoch {reported + 1:>3}/{config.epochs}  loss {history['loss'][reported]:.4f}  "
                f"accuracy {history['accuracy'][reported]:.4f}  val_loss {history['val_loss'][reported]:.4f}  "
                f"val_accuracy {history['val_accuracy'][reported]:.4f}",
                flush=True,
            )
            reported += 1
        if finished:
            break
    if status.state == "failed":
        print(f"Failed: {status.error}", file=sys.stderr)
        return 1
    from visualizer.backend.evaluation import evaluate

    result = evaluate(job.model, dataset)
    print(
        f"Done in {time.monotonic() - started:.1f} s: test accuracy {result.accuracy:.4f}, test loss {result.loss:.4f}."
    )
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        job.model.save(args.out)
        print(f"Saved the model to {args.out}.")
    if args.history is not None:
        args.history.write_text(history_csv(status.history))
        print(f"Saved the history to {args.history}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m visualizer``."""
    runtime.configure()
    args = _parser().parse_args(argv)
    try:
        return train(args)
    except (InputError, SpecError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
