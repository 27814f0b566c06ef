"""The messages between a training job (in the server) and its worker process, one frozen dataclass each.

The server sends ``Train`` (a job), ``Load`` (an uploaded model to try) or ``Quit``; the worker
answers ``Ready`` once when it starts, then per job ``Built``, a ``Batch`` per batch and an
``Epoch`` per epoch, ending with ``Done`` or ``Failed``; per trial load ``Loaded`` or ``Failed``.
They cross the pipe pickled (a spawned worker imports this module too); each side matches them
in one ``match`` statement (``worker.worker_main``, ``job.TrainingJob._follow``,
``worker.trial_load``). No TensorFlow here: weights travel as NumPy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# To the worker.


@dataclass(frozen=True)
class Train:
    """Train one network: its spec as JSON, the folder of its dataset's arrays, ``TrainingConfig`` fields."""

    spec_json: str
    folder: str
    config: dict
    batches_per_epoch: int


@dataclass(frozen=True)
class Load:
    """Try loading an uploaded ``.keras`` archive (its bytes) under the worker's limits."""

    data: bytes


@dataclass(frozen=True)
class Quit:
    """End the worker."""


ToWorker = Train | Load | Quit


# From the worker.


@dataclass(frozen=True)
class Ready:
    """The worker has started (TensorFlow imported); ``flops``: the training speed it measured, if asked."""

    flops: float | None


@dataclass(frozen=True)
class Built:
    """The network is built: its starting weights (epoch 0's checkpoint)."""

    weights: list[np.ndarray]


@dataclass(frozen=True)
class Batch:
    """Batch ``index`` (from 0) of the current epoch is done; ``logs``: its running loss and accuracy."""

    index: int
    logs: dict[str, float]


@dataclass(frozen=True)
class Epoch:
    """Epoch ``index`` (from 0) is done: its logs, every weight, and its last batch's gradients."""

    index: int
    logs: dict[str, float]
    weights: list[np.ndarray]
    gradients: list[np.ndarray]


@dataclass(frozen=True)
class Done:
    """The job ended (finished, or stopped when asked); ``divergence``: why it stopped early, or None."""

    divergence: str | None


@dataclass(frozen=True)
class Failed:
    """The job (or the trial load) failed; ``message`` says why, for a person."""

    message: str


@dataclass(frozen=True)
class Loaded:
    """The uploaded model loaded: its parameter count."""

    parameters: int


FromWorker = Ready | Built | Batch | Epoch | Done | Failed | Loaded
