"""How to train: ``TrainingConfig``, checked when it is made. No TensorFlow here."""

from __future__ import annotations

import math
from dataclasses import dataclass

from visualizer.errors import InputError

OPTIMIZERS = ("adam", "sgd", "rmsprop")
MAX_EPOCHS = 200
MAX_BATCH_SIZE = 4096


@dataclass(frozen=True)
class TrainingConfig:
    """How to train.

    Attributes:
        epochs: Passes over the training data (1 to 200).
        batch_size: Images per gradient step.
        optimizer: ``"adam"``, ``"sgd"`` or ``"rmsprop"``.
        learning_rate: Step size of the optimizer (> 0).
        seed: Seeds the starting weights, the order of the data and dropout:
            the same seed gives the same run.
    """

    epochs: int = 10
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or not 1 <= self.epochs <= MAX_EPOCHS:
            raise InputError(f"epochs must be a whole number from 1 to {MAX_EPOCHS}, not {self.epochs!r}.")
        batch = self.batch_size
        if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH_SIZE:
            raise InputError(f"batch_size must be a whole number from 1 to {MAX_BATCH_SIZE}, not {batch!r}.")
        if self.optimizer not in OPTIMIZERS:
            raise InputError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not {self.optimizer!r}.")
        rate = self.learning_rate
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate <= 0:
            raise InputError(f"learning_rate must be a positive number such as 0.001, not {rate!r}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**31:
            raise InputError(f"seed must be a whole number from 0 to 2147483647, not {self.seed!r}.")
