"""Memory of the server process across trainings in a row: does anything pile up?

Each training runs as the Train page runs it (a ``TrainingJob`` in a worker process), then its network is
evaluated and looked at an earlier epoch, as the results and the views do, and dropped. The server's
resident memory after each: the difference between the 4th and the 16th is the growth (goal: under 60 MB;
before the workers, about 9 MB per training stayed: 108 MB from the 4th to the 16th).

    python -m bench.memory_growth --trainings 16 --epochs 2
"""

from __future__ import annotations

import argparse
import gc

from visualizer import runtime


def resident_mb() -> float:
    """This process's resident memory in MB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


def main(argv: list[str] | None = None) -> int:
    """Trains in a row and prints the memory after each; returns the exit code."""
    runtime.configure()
    parser = argparse.ArgumentParser(prog="python -m bench.memory_growth", description=__doc__.split("\n")[0])
    parser.add_argument("--trainings", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args(argv)

    from visualizer.backend.evaluation import evaluate
    from visualizer.data.catalog import load_dataset
    from visualizer.model.presets import PRESETS
    from visualizer.training.config import TrainingConfig
    from visualizer.training.job import TrainingJob

    digits = load_dataset("digits")
    after = []
    for _ in range(args.trainings):
        job = TrainingJob(PRESETS["lenet5"], digits, TrainingConfig(epochs=args.epochs)).start()
        job.wait()
        evaluate(job.model, digits)
        job.model_at(1)
        del job
        gc.collect()
        after.append(resident_mb())
    print("server memory after each training (MB):", ", ".join(f"{value:.0f}" for value in after))
    if len(after) >= 16:
        print(f"growth from the 4th to the 16th: {after[15] - after[3]:+.1f} MB (goal: under 60 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
