"""The lesson "Why skip connections?" in numbers: gradients at epoch 0 and accuracy after training, both networks.

The deep residual preset (17 convolutions, 8 residual blocks) against the same layers as a plain stack
(``variants.variant(spec, "remove_skips")``), built with the same seeds and trained on the same digits
as the Compare page trains them (the lesson's settings by default). Reported as ratios of one to the other.

    python -m bench.skip_connections --seeds 0 1 2 --epochs 3 --subset 800
"""

from __future__ import annotations

import argparse
import statistics

from visualizer import runtime


def main(argv: list[str] | None = None) -> int:
    """Measures and prints both networks' gradients and accuracies; returns the exit code."""
    runtime.configure()
    parser = argparse.ArgumentParser(prog="python -m bench.skip_connections", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--subset", type=int, default=800)
    args = parser.parse_args(argv)

    from visualizer.backend.evaluation import evaluate
    from visualizer.backend.gradients import skip_comparison
    from visualizer.data.catalog import load_dataset
    from visualizer.data.dataset import training_subset
    from visualizer.model.presets import PRESETS
    from visualizer.model.variants import variant
    from visualizer.training.config import TrainingConfig
    from visualizer.training.job import TrainingJob

    digits = load_dataset("digits")
    residual = PRESETS["deep_residual"]
    plain = variant(residual, "remove_skips")
    ratios, accuracies = [], {"residual": [], "plain": []}
    for seed in args.seeds:
        measured = skip_comparison(residual, digits.x_train[:256], digits.y_train[:256], seed)
        ratios.append(measured.first_layer_ratio)
        print(
            f"seed {seed}: first layer gradient {measured.residual[0].rms:.2e} with skips, "
            f"{measured.plain[0].rms:.2e} without ({measured.first_layer_ratio:,.0f}x)"
        )
        data = training_subset(digits, args.subset, seed)
        config = TrainingConfig(epochs=args.epochs, seed=seed)
        for name, spec in (("residual", residual), ("plain", plain)):
            job = TrainingJob(spec, data, config).start()
            job.wait()
            accuracy = evaluate(job.model, data).accuracy
            accuracies[name].append(accuracy)
            curve = ", ".join(f"{value:.0%}" for value in job.status().history["val_accuracy"])
            print(f"  {name}: test accuracy {accuracy:.1%} after {args.epochs} epochs (per epoch: {curve})")
    print(
        f"median first-layer gradient ratio {statistics.median(ratios):,.0f}x; median test accuracy "
        f"{statistics.median(accuracies['residual']):.1%} with skips, {statistics.median(accuracies['plain']):.1%} "
        "without"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
