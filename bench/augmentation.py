"""The lesson "Augmentation against overfitting" in numbers: the train/test gap with and without augmentation.

LeNet-5 on a small subset of the training digits, trained as the Compare page trains it (Adam, batch 64,
the same seed for both), once plainly and once with the "augmentation" variant (random turns, zooms and
shifts of every training batch). Both final networks are measured the same way (dropout off, images
unchanged): accuracy on their training images and on the test images. Reported per seed and as medians.

    python -m bench.augmentation --seeds 0 1 2 --epochs 40 --subset 200
"""

from __future__ import annotations

import argparse
import statistics
import time

from visualizer import runtime


def main(argv: list[str] | None = None) -> int:
    """Measures and prints both networks' accuracies and gaps; returns the exit code."""
    runtime.configure()
    parser = argparse.ArgumentParser(prog="python -m bench.augmentation", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--subset", type=int, default=200)
    parser.add_argument("--preset", default="lenet5")
    args = parser.parse_args(argv)

    from visualizer.backend.evaluation import evaluate
    from visualizer.data.catalog import load_dataset
    from visualizer.data.dataset import training_subset
    from visualizer.model.presets import PRESETS
    from visualizer.training.config import TrainingConfig, config_variant
    from visualizer.training.job import TrainingJob
    from visualizer.training.pool import TrainingPool

    digits = load_dataset("digits")
    spec = PRESETS[args.preset]
    found: dict[str, dict[str, list[float]]] = {
        name: {"train": [], "test": [], "gap": [], "seconds": []} for name in ("plain", "augmented")
    }
    for seed in args.seeds:
        data = training_subset(digits, args.subset, seed)
        plain = TrainingConfig(epochs=args.epochs, seed=seed)
        for name, config in (("plain", plain), ("augmented", config_variant(plain, "augmentation"))):
            started = time.perf_counter()
            job = TrainingJob(spec, data, config, pool=TrainingPool(1)).start()
            job.wait()
            seconds = time.perf_counter() - started
            train = evaluate(job.model, data, split="training").accuracy
            test = evaluate(job.model, data).accuracy
            for key, value in (("train", train), ("test", test), ("gap", train - test), ("seconds", seconds)):
                found[name][key].append(value)
            print(
                f"seed {seed} {name:9s}: training {train:.1%}, test {test:.1%}, gap {100 * (train - test):+.1f} "
                f"points ({seconds:.1f} s)"
            )
    for name, values in found.items():
        print(
            f"median {name:9s}: training {statistics.median(values['train']):.1%}, test "
            f"{statistics.median(values['test']):.1%}, gap {100 * statistics.median(values['gap']):+.1f} points, "
            f"{statistics.median(values['seconds']):.1f} s per run"
        )
    ratio = statistics.median(found["augmented"]["seconds"]) / statistics.median(found["plain"]["seconds"])
    print(f"training time with augmentation: {ratio:.2f}x without")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
