"""What a page may read of a training run, whether trained here (``TrainingJob``) or shipped (``ShippedRun``).

Both implement ``Run``; every page that reads a run types it so. ``shipped`` tells the two
apart where it matters (a shipped run's training recorded no gradients: the Weights tab
measures them instead).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from visualizer.data.dataset import Dataset
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.training.status import TrainingStatus

if TYPE_CHECKING:  # types only: this module imports no TensorFlow
    from visualizer.backend.engine import keras


@runtime_checkable
class Run(Protocol):
    """A training run's network at every epoch, its data and its progress.

    Attributes:
        id: Tells runs apart (a results cache is keyed by it).
        shipped: Whether it came with the app (its epochs were recorded when it was made).
        spec: Its architecture.
        dataset: The data it learned.
        config: How it was trained.
        checkpoints: Its weights at every epoch, from epoch 0.
        gradients: The gradients of each epoch's last batch (epoch e at ``e - 1``); empty when not recorded.
    """

    id: Any
    shipped: bool
    spec: ModelSpec
    dataset: Dataset
    config: TrainingConfig

    @property
    def model(self) -> keras.Model | None:
        """The network at its last epoch (None while a job has finished no epoch)."""
        ...

    @property
    def checkpoints(self) -> list[list[np.ndarray]]:
        """Its weights at every epoch, from epoch 0."""
        ...

    @property
    def gradients(self) -> list[list[np.ndarray]]:
        """The recorded gradients per epoch (empty when not recorded)."""
        ...

    def model_at(self, epoch: int) -> keras.Model:
        """The network after ``epoch`` epochs (0 = untrained)."""
        ...

    def status(self) -> TrainingStatus:
        """Where it is: state, epoch, batch, history."""
        ...
