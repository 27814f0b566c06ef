"""The Keras side of a training job: build, compile and fit with progress, stop and divergence checks.

Imported by ``job.TrainingJob`` in its own thread, the first time a job runs, so
importing the training package never loads TensorFlow. The job and this module
talk through ``Hooks``: this module never reaches into the job.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from visualizer.backend.augmentation import augmentation_layers
from visualizer.backend.building import build_model
from visualizer.backend.engine import keras, tf
from visualizer.data.dataset import Dataset
from visualizer.model.spec import ModelSpec
from visualizer.training.config import OPTIMIZER_CLASSES, VALIDATION_BATCH, TrainingConfig

EXPLOSION_FACTOR = 100.0
"""A running loss this many times the first (or ln(classes)) counts as divergence."""


@dataclass(frozen=True)
class Hooks:
    """How a training run reports to its job.

    Attributes:
        built: Called once with the compiled model, before the first batch.
        batch_done: Called with (batch index in the epoch, running logs) after every batch.
        epoch_done: Called with (epoch index, logs, a copy of every weight, the gradients of the epoch's last
            batch, one per trainable weight) after every epoch.
        stop_requested: Polled after every batch; True ends the run at once.
    """

    built: Callable[[keras.Model], None]
    batch_done: Callable[[int, dict], None]
    epoch_done: Callable[[int, dict, list[np.ndarray], list[np.ndarray]], None]
    stop_requested: Callable[[], bool]


def make_optimizer(config: TrainingConfig) -> keras.optimizers.Optimizer:
    """The Keras optimizer a config names."""
    return getattr(keras.optimizers, OPTIMIZER_CLASSES[config.optimizer])(learning_rate=config.learning_rate)


def compile_model(model: keras.Model, config: TrainingConfig) -> None:
    """Compiles for integer labels with the configured optimizer."""
    model.compile(optimizer=make_optimizer(config), loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def shuffled_batches(dataset: Dataset, config: TrainingConfig) -> tf.data.Dataset:
    """A tf.data pipeline over all epochs: the order of each epoch comes from the seed alone.

    With ``config.augmentation``, each batch passes through the random layers (seeded too) on its way to
    the network: training sees changed images, the network never holds the layers.
    """
    count = len(dataset.y_train)
    rng = np.random.RandomState(config.seed)
    orders = np.stack([rng.permutation(count) for _ in range(config.epochs)]).astype(np.int64)
    images = tf.constant(dataset.x_train)
    labels = tf.constant(dataset.y_train)
    batch_size = config.batch_size
    epochs = tf.data.Dataset.from_tensor_slices(orders)
    batches = epochs.flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
    pipeline = batches.map(
        lambda indices: (tf.gather(images, indices), tf.gather(labels, indices)),
        num_parallel_calls=1,
        deterministic=True,
    )
    augment = augmentation_layers(config.augmentation, config.seed)
    if augment is not None:
        pipeline = pipeline.map(
            lambda x, y: (tf.clip_by_value(augment(x, training=True), 0.0, 1.0), y),
            num_parallel_calls=1,
            deterministic=True,
        )
    return pipeline.prefetch(2)


class GradientRecord:
    """Keeps the gradients of the last batch the optimizer applied, as it applies them.

    The optimizer's ``apply_gradients`` (which Keras' training step calls once per batch inside its compiled
    function) first copies each gradient into a variable of its own: one assignment per weight and batch,
    no second forward or backward pass. The optimizer stays the class it was (a saved model still loads).

    Args:
        optimizer: The compiled model's optimizer.
        variables: The model's trainable weights, in the order Keras passes their gradients.
    """

    def __init__(self, optimizer: keras.optimizers.Optimizer, variables: list) -> None:
        self.slots = [tf.Variable(tf.zeros(variable.shape, variable.dtype), trainable=False) for variable in variables]
        apply = optimizer.apply_gradients

        def recording(grads_and_vars):
            pairs = list(grads_and_vars)
            for slot, (gradient, _) in zip(self.slots, pairs, strict=True):
                slot.assign(gradient)
            return apply(pairs)

        optimizer.apply_gradients = recording

    def values(self) -> list[np.ndarray]:
        """The last applied batch's gradients, one copy per trainable weight."""
        return [slot.numpy() for slot in self.slots]


def _divergence_message(epoch: int, batch: int, what: str, learning_rate: float) -> str:
    return (
        f"Training diverged in epoch {epoch + 1}, batch {batch + 1}: {what}. The learning rate "
        f"{learning_rate:g} is too high for this network and data: lower it (try {learning_rate / 10:g}) "
        "and train again."
    )


def _all_finite(arrays: list[np.ndarray]) -> bool:
    return all(np.isfinite(array).all() for array in arrays)


class ProgressCallback(keras.callbacks.Callback):
    """Reports progress through the hooks, honours stop requests, and catches divergence.

    Args:
        hooks: Where to report.
        num_classes: The network's outputs (cross-entropy starts near ln of it).
        batches_per_epoch: Gradient steps in one epoch.
        learning_rate: Named in the divergence message.
        gradients: Where the last batch's gradients are kept, reported with each epoch (none without it).
    """

    def __init__(
        self,
        hooks: Hooks,
        num_classes: int,
        batches_per_epoch: int,
        learning_rate: float,
        gradients: GradientRecord | None = None,
    ) -> None:
        super().__init__()
        self.hooks = hooks
        self.gradients = gradients
        self.num_classes = num_classes
        self.batches_per_epoch = batches_per_epoch
        self.learning_rate = learning_rate
        self.epoch = 0
        self.divergence: str | None = None
        self.first_loss: float | None = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:  # noqa: ARG002 - Keras' signature
        """Remembers the epoch, for messages."""
        self.epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Reports the batch, checks the loss and the output weights, and stops when asked."""
        logs = logs or {}
        self.hooks.batch_done(batch, logs)
        loss = float(logs.get("loss", 0.0))
        if self.first_loss is None and math.isfinite(loss):
            self.first_loss = loss
        ceiling = EXPLOSION_FACTOR * max(self.first_loss or 0.0, math.log(max(self.num_classes, 2)))
        if not math.isfinite(loss):
            self._diverged(batch, f"the loss became {loss}")
        elif loss > ceiling:
            # Cross-entropy starts near ln(classes); a hundredfold jump is an explosion, not learning.
            self._diverged(batch, f"the loss exploded to {loss:.3g}")
        elif not _all_finite([variable.numpy() for variable in self.model.layers[-1].weights]):
            # Fused kernels can keep the loss finite while weights are already NaN.
            self._diverged(batch, "the weights became NaN")
        if self.hooks.stop_requested():
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Reports the epoch with a copy of every weight, unless they have become NaN."""
        if self.divergence is not None:
            return
        weights = [weights.copy() for weights in self.model.get_weights()]
        if not _all_finite(weights):
            self._diverged(self.batches_per_epoch - 1, "the weights became NaN")
            return
        gradients = self.gradients.values() if self.gradients is not None else []
        self.hooks.epoch_done(epoch, logs or {}, weights, gradients)

    def _diverged(self, batch: int, what: str) -> None:
        if self.divergence is None:
            self.divergence = _divergence_message(self.epoch, batch, what, self.learning_rate)
        self.model.stop_training = True


def train(
    spec: ModelSpec, dataset: Dataset, config: TrainingConfig, batches_per_epoch: int, hooks: Hooks
) -> str | None:
    """Builds ``spec`` with the config's seed and trains it, reporting through ``hooks``.

    The test split validates each epoch.

    Returns:
        A message for a person when training diverged, else None (finished or stopped).
    """
    model = build_model(spec, seed=config.seed)
    compile_model(model, config)
    hooks.built(model)
    if hooks.stop_requested():
        return None
    record = GradientRecord(model.optimizer, model.trainable_weights)
    callback = ProgressCallback(hooks, spec.num_classes, batches_per_epoch, config.learning_rate, record)
    model.fit(
        shuffled_batches(dataset, config),
        epochs=config.epochs,
        steps_per_epoch=batches_per_epoch,
        validation_data=(dataset.x_test, dataset.y_test),
        validation_batch_size=VALIDATION_BATCH,
        callbacks=[callback],
        shuffle=False,  # the pipeline already shuffles, from the seed
        verbose=0,
    )
    return callback.divergence
