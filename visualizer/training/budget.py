"""Cost budgets before work: a training over this server's memory or time limit is refused before it starts.

The refusal says which number is too big and what to change. No TensorFlow here.

The estimate is ``model.cost``'s; the limits are the worker's (``training.worker.memory_limit_mb`` and
``job_minutes``); the machine's speed is measured once, by the first training worker when it starts
(``worker.measure_flops``: four 'same' convolutions of 64 filters on 32x32 images, batch 64, through
Keras' ``train_on_batch``), ``CNN_VISUALIZER_GFLOPS`` overrides it, and until a worker has measured it
is taken as 100 GFLOP/s (what that reached on this 2-core machine).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from visualizer.errors import InputError
from visualizer.model.checks import counted
from visualizer.model.cost import Cost, estimate
from visualizer.model.spec import ModelSpec
from visualizer.training.config import VALIDATION_BATCH, TrainingConfig
from visualizer.training.worker import job_minutes, measured_flops, memory_limit_mb

SPEED_VARIABLE = "CNN_VISUALIZER_GFLOPS"
DEFAULT_GFLOPS = 100.0
STEP_SECONDS = 0.012
"""What a training step costs besides its arithmetic (Keras' loop, the callbacks, the pipeline): a small
network's epoch is mostly this (LeNet-5 on the 1,438 digits: 23 steps, 0.28 s an epoch here)."""


def machine_flops() -> float:
    """Floating-point operations per second a training reaches here.

    ``CNN_VISUALIZER_GFLOPS`` if set; else what the first training worker measured when it started
    (``worker.measure_flops``); else, before any worker has, ``DEFAULT_GFLOPS`` (measured so on this machine).
    """
    configured = os.environ.get(SPEED_VARIABLE)
    if configured:
        return max(0.1, float(configured)) * 1e9
    return measured_flops() or DEFAULT_GFLOPS * 1e9


@dataclass(frozen=True)
class Budget:
    """A training's estimated cost against the limits of this server.

    Attributes:
        cost: The network's estimate.
        memory_bytes: Memory the training process would hold at this batch size.
        memory_limit_bytes: What one training may hold.
        seconds_per_epoch: Estimated time of one epoch here.
        seconds_limit: The longest one training may take.
    """

    cost: Cost
    memory_bytes: int
    memory_limit_bytes: int
    seconds_per_epoch: float
    seconds_limit: float


def budget(spec: ModelSpec, training_images: int, test_images: int, batch_size: int, data_bytes: int = 0) -> Budget:
    """The estimate for training ``spec`` on that many images at ``batch_size`` (raises ``SpecError`` as the plan).

    ``data_bytes``: the dataset's own size, which the training process holds a copy of.
    """
    cost = estimate(spec)
    return Budget(
        cost=cost,
        memory_bytes=cost.training_bytes(batch_size) + data_bytes,
        memory_limit_bytes=memory_limit_mb() * 2**20,
        seconds_per_epoch=cost.epoch_flops(training_images, test_images) / machine_flops()
        + STEP_SECONDS * (math.ceil(training_images / batch_size) + math.ceil(test_images / VALIDATION_BATCH)),
        seconds_limit=job_minutes() * 60,
    )


def _size(value: float) -> str:
    return f"{value / 2**30:.1f} GB" if value >= 2**30 else f"{value / 2**20:.0f} MB"


def duration(seconds: float) -> str:
    """Seconds as a person says them: "40 s", "12 minutes", "3.5 hours"."""
    if seconds < 90:
        return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:.1f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def check_budget(
    spec: ModelSpec, training_images: int, test_images: int, config: TrainingConfig, data_bytes: int = 0
) -> Budget:
    """The training's budget, or a refusal that says which number is too big and what to change.

    Raises:
        InputError: the memory at this batch size, or the time of all the epochs, is over this server's limit.
    """
    found = budget(spec, training_images, test_images, config.batch_size, data_bytes)
    if found.memory_bytes > found.memory_limit_bytes:
        largest = found.cost.largest_batch(found.memory_limit_bytes - data_bytes)
        fix = (
            f"lower the batch size to {largest} or fewer"
            if largest >= 1
            else "use fewer filters, fewer layers or smaller images (not even one image fits)"
        )
        raise InputError(
            f"A batch of {config.batch_size} would need about {_size(found.memory_bytes)} of memory to train, "
            f"more than the {_size(found.memory_limit_bytes)} one training may use here: {fix}."
        )
    total = found.seconds_per_epoch * config.epochs
    if total > found.seconds_limit:
        epochs = int(found.seconds_limit // found.seconds_per_epoch)
        fix = (
            f"train for at most {counted(epochs, 'epoch')}, or make the network smaller"
            if epochs >= 1
            else "make the network smaller (fewer filters or layers, or smaller images): one epoch alone is too long"
        )
        raise InputError(
            f"{counted(config.epochs, 'epoch')} would take about {duration(total)} here "
            f"({duration(found.seconds_per_epoch)} per epoch), over the {duration(found.seconds_limit)} one "
            f"training may take: {fix}."
        )
    return found
