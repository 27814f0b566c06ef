"""Cost of training through TrainingJob (a worker process, live progress, checkpoints, recorded gradients, seeded
pipeline, the network rebuilt in the server at the end) against a plain model.fit in this process.

Both train the same preset on the same data with the same settings, alternating,
in one process; the ratio of medians is the overhead.

    python -m bench.training_overhead --preset lenet5 --dataset digits --epochs 5 --rounds 3
"""

from __future__ import annotations

import argparse
import statistics
import time

from visualizer.backend.building import build_model
from visualizer.data.catalog import load_dataset
from visualizer.model.presets import PRESETS
from visualizer.training.config import TrainingConfig
from visualizer.training.fit import compile_model
from visualizer.training.job import TrainingJob
from visualizer.training.pool import TrainingPool


def plain_fit(spec, dataset, config: TrainingConfig) -> float:
    """Seconds for build + compile + model.fit with Keras' own shuffling and validation."""
    start = time.perf_counter()
    model = build_model(spec, seed=config.seed)
    compile_model(model, config)
    model.fit(
        dataset.x_train,
        dataset.y_train,
        batch_size=config.batch_size,
        epochs=config.epochs,
        validation_data=(dataset.x_test, dataset.y_test),
        validation_batch_size=256,
        shuffle=True,
        verbose=0,
    )
    return time.perf_counter() - start


def job_fit(spec, dataset, config: TrainingConfig) -> float:
    """Seconds for the same training through a TrainingJob, from start() to the end of wait()."""
    start = time.perf_counter()
    job = TrainingJob(spec, dataset, config, pool=TrainingPool(1)).start()
    job.wait()
    elapsed = time.perf_counter() - start
    assert job.status().state == "finished", job.status().error
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="lenet5", choices=sorted(PRESETS))
    parser.add_argument("--dataset", default="digits")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    spec = PRESETS[args.preset].adapted_to(dataset.image_shape, dataset.num_classes)
    config = TrainingConfig(epochs=args.epochs)
    plain_fit(spec, dataset, TrainingConfig(epochs=1))  # warm up TensorFlow once for both: here,
    job_fit(spec, dataset, TrainingConfig(epochs=1))  # and in a warm worker process, as a server keeps one
    plain, job = [], []
    for _ in range(args.rounds):
        plain.append(plain_fit(spec, dataset, config))
        job.append(job_fit(spec, dataset, config))
    print(f"{args.preset} on {args.dataset}, {args.epochs} epochs, batch {config.batch_size}, {args.rounds} rounds")
    print(f"{'method':<28}{'median s':>10}{'min s':>10}{'ratio':>8}")
    base = statistics.median(plain)
    for name, times in (("plain model.fit", plain), ("TrainingJob", job)):
        print(f"{name:<28}{statistics.median(times):>10.2f}{min(times):>10.2f}{statistics.median(times) / base:>8.3f}")


if __name__ == "__main__":
    main()
