"""How long Stop takes: from stop() until the job has ended, against the time of one training batch.

python -m bench.stop_latency --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import time

from visualizer.data.catalog import load_dataset
from visualizer.model.presets import PRESETS
from visualizer.training.config import TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.pool import TrainingPool


def one_round(dataset) -> tuple[float, float]:
    """Seconds from stop() to the end, and the mean seconds of one batch in that run."""
    job = TrainingJob(PRESETS["lenet5"], dataset, TrainingConfig(epochs=200), pool=TrainingPool(1)).start()
    while job.status().epoch < 1 or job.status().batch < 5:  # past tracing, mid-epoch
        time.sleep(0.01)
    status = job.status()
    batches = status.epoch * status.batches_per_epoch + status.batch
    per_batch = status.elapsed / batches
    start = time.perf_counter()
    job.stop()
    job.wait()
    return time.perf_counter() - start, per_batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    dataset = load_dataset("digits")
    rounds = [one_round(dataset) for _ in range(args.rounds)]
    stops = [stop for stop, _ in rounds]
    batch = statistics.median(batch for _, batch in rounds)
    print(f"LeNet-5 on digits, batch 64, {args.rounds} rounds, stopped mid-epoch")
    print(f"{'what':<24}{'median ms':>11}{'max ms':>9}{'ratio to a batch':>18}")
    print(f"{'one training batch':<24}{batch * 1000:>11.0f}{'':>9}{1.0:>18.2f}")
    print(
        f"{'stop() to ended':<24}{statistics.median(stops) * 1000:>11.0f}{max(stops) * 1000:>9.0f}"
        f"{statistics.median(stops) / batch:>18.2f}"
    )


if __name__ == "__main__":
    main()
