"""How to train: ``TrainingConfig``, checked when it is made. No TensorFlow here."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from visualizer.errors import InputError
from visualizer.model.checks import counted

OPTIMIZER_CLASSES: dict[str, str] = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}
"""Each optimizer's name -> its class in ``keras.optimizers`` (``fit`` makes it; the notebook writes it)."""
OPTIMIZERS = tuple(OPTIMIZER_CLASSES)
VALIDATION_BATCH = 256
"""Images per batch when the test split is measured after each epoch."""
MAX_EPOCHS = 200
MAX_BATCH_SIZE = 4096
AUGMENTATIONS: dict[str, str] = {
    "flip": "mirror left to right",
    "rotate": "turn by up to 30 degrees",
    "zoom": "zoom in or out by up to 15%",
    "translate": "shift by up to a tenth of the side",
    "contrast": "change the contrast by up to 30%",
}
"""Random changes to training images, by name: what each does to an image."""
ROTATION_DEGREES = 30
ZOOM = 0.15
SHIFT = 0.1
CONTRAST = 0.3
"""How far each change goes (``backend.augmentation`` makes the layers; the notebook writes the same ones)."""

TRAINING_VARIANTS: dict[str, str] = {
    "augmentation": "trained with augmentation (random turns, zooms and shifts of its training images)",
}
"""Compare-page variants that change how the network trains rather than the network, as they read after
"the same network ..." (the network's own variants are ``model.variants.VARIANTS``)."""
VARIANT_AUGMENTATION = ("rotate", "zoom", "translate")
"""The changes of the "augmentation" variant: they keep a digit a digit and a shape a shape (a flip would not)."""


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
        augmentation: Names from ``AUGMENTATIONS``: random changes made to every training batch (never to
            the test images, nor when the network is evaluated or used), in ``AUGMENTATIONS`` order.
    """

    epochs: int = 10
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    seed: int = 0
    augmentation: tuple[str, ...] = ()

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
        names = self.augmentation
        if isinstance(names, str) or not isinstance(names, (tuple, list)):
            raise InputError(
                f"augmentation must be a list of names from {', '.join(AUGMENTATIONS)}, not {str(names)[:40]!r}."
            )
        unknown = [name for name in names if not isinstance(name, str) or name not in AUGMENTATIONS]
        if unknown:
            raise InputError(f"Unknown augmentation {str(unknown[0])[:40]!r}: choose from {', '.join(AUGMENTATIONS)}.")
        # One order, each name once: the same choice is the same config (and the same run).
        object.__setattr__(self, "augmentation", tuple(name for name in AUGMENTATIONS if name in names))

    def summary(self) -> str:
        """The settings in a line: ``10 epochs, batch 64, adam at 0.001, seed 0`` (then the augmentation)."""
        augmented = f", augmented ({', '.join(self.augmentation)})" if self.augmentation else ""
        return (
            f"{counted(self.epochs, 'epoch')}, batch {self.batch_size}, {self.optimizer} at "
            f"{self.learning_rate:g}, seed {self.seed}{augmented}"
        )


def config_variant(config: TrainingConfig, name: str) -> TrainingConfig:
    """``config`` with the one change ``name`` (a key of ``TRAINING_VARIANTS``).

    Raises:
        InputError: an unknown variant.
    """
    if name not in TRAINING_VARIANTS:
        raise InputError(f"Unknown training variant {str(name)[:40]!r}: choose one of {', '.join(TRAINING_VARIANTS)}.")
    return replace(config, augmentation=VARIANT_AUGMENTATION)
