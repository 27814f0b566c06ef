"""Background training: a job object a page can poll, stop at any batch, and read from.

A ``TrainingJob`` trains one spec on one dataset in its own thread. The page
never waits on it: it polls ``status()`` from a fragment. Jobs wait for a slot
in a process-wide ``TrainingPool`` (by default one slot per core), so a
classroom of sessions shares the machine fairly; a queued job knows its
position. Nothing here imports Streamlit.
"""

from __future__ import annotations

import copy
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from visualizer.datasets import Dataset
from visualizer.errors import InputError
from visualizer.shapes import format_shape
from visualizer.spec import ModelSpec

OPTIMIZERS = ("adam", "sgd", "rmsprop")
MAX_EPOCHS = 200
MAX_BATCH_SIZE = 4096
EXPLOSION_FACTOR = 100.0
"""A running loss this many times the first (or ln(classes)) counts as divergence."""
STATES = ("queued", "running", "finished", "stopped", "failed")
ACTIVE_STATES = ("queued", "running")
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


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


@dataclass(frozen=True)
class TrainingStatus:
    """A snapshot of a job, safe to read from any thread.

    Attributes:
        state: ``queued``, ``running``, ``finished``, ``stopped`` or ``failed``.
        epoch: Epochs completed so far.
        batch: Batches completed in the current epoch.
        epochs: Epochs asked for.
        batches_per_epoch: Gradient steps in one epoch.
        history: Keras-style lists per epoch: loss, accuracy, val_loss,
            val_accuracy (validation is the dataset's test split).
        error: What went wrong, for a person, when ``state == "failed"``.
        queue_position: 1 for the next job to start, while queued.
        elapsed: Seconds spent running.
        seconds_left: Estimated seconds to the end, once it can be estimated.
        batch_loss: Running mean loss of the current epoch.
        batch_accuracy: Running mean accuracy of the current epoch.
    """

    state: str
    epoch: int
    batch: int
    epochs: int
    batches_per_epoch: int
    history: dict[str, list[float]]
    error: str | None = None
    queue_position: int | None = None
    elapsed: float = 0.0
    seconds_left: float | None = None
    batch_loss: float | None = None
    batch_accuracy: float | None = None

    @property
    def active(self) -> bool:
        """Whether the job is queued or running."""
        return self.state in ACTIVE_STATES

    @property
    def progress(self) -> float:
        """Fraction of all batches done, in [0, 1]."""
        total = self.epochs * max(self.batches_per_epoch, 1)
        done = self.epoch * self.batches_per_epoch + self.batch
        return 1.0 if self.state == "finished" else min(done / total, 1.0)


class TrainingPool:
    """A process-wide limit on concurrent trainings, with a first-come queue.

    Args:
        max_concurrent: How many jobs may train at once.
    """

    def __init__(self, max_concurrent: int) -> None:
        self.max_concurrent = max(1, int(max_concurrent))
        self._condition = threading.Condition()
        self._running: set[int] = set()
        self._waiting: list[int] = []

    def acquire(self, job_id: int, cancelled: Callable[[], bool]) -> bool:
        """Waits for a slot; returns False if ``cancelled()`` turns true first."""
        with self._condition:
            self._waiting.append(job_id)
            try:
                while True:
                    if cancelled():
                        return False
                    first = self._waiting[0] == job_id
                    if first and len(self._running) < self.max_concurrent:
                        self._running.add(job_id)
                        return True
                    self._condition.wait(timeout=0.2)
            finally:
                self._waiting.remove(job_id)
                self._condition.notify_all()

    def release(self, job_id: int) -> None:
        """Frees the slot of a job that has ended."""
        with self._condition:
            self._running.discard(job_id)
            self._condition.notify_all()

    def position(self, job_id: int) -> int | None:
        """1-based position of a waiting job, or None when it is not waiting."""
        with self._condition:
            return self._waiting.index(job_id) + 1 if job_id in self._waiting else None

    @property
    def running(self) -> int:
        """How many jobs hold a slot now."""
        with self._condition:
            return len(self._running)


def default_trainings(cores: int | None = None) -> int:
    """How many jobs may train at once: ``CNN_VISUALIZER_MAX_TRAININGS``, else all cores but one.

    One core stays free for the pages of everyone else (measured by ``bench/classroom.py``).
    """
    configured = os.environ.get("CNN_VISUALIZER_MAX_TRAININGS")
    if configured:
        return max(1, int(configured))
    return max(1, (cores if cores is not None else os.cpu_count() or 1) - 1)


DEFAULT_POOL = TrainingPool(default_trainings())
"""Shared by every session of the process."""

_job_ids = iter(range(1, 2**62))
_job_ids_lock = threading.Lock()


def _next_job_id() -> int:
    with _job_ids_lock:
        return next(_job_ids)


def check_compatible(spec: ModelSpec, dataset: Dataset) -> None:
    """Raises ``InputError`` when the dataset cannot train this network, saying how to fix it."""
    if tuple(spec.input_shape) != dataset.image_shape:
        raise InputError(
            f"The {dataset.name} images are {format_shape(dataset.image_shape)} but the network expects "
            f"{format_shape(spec.input_shape)}: adopt the dataset's shape on the Train page (one click) or "
            "change the input on the Build page."
        )
    if spec.num_classes < dataset.num_classes:
        raise InputError(
            f"The {dataset.name} dataset has {dataset.num_classes} classes but the network predicts "
            f"{spec.num_classes}: set Classes to {dataset.num_classes} on the Build page, or adopt the dataset."
        )


def make_optimizer(config: TrainingConfig):
    """The Keras optimizer a config names."""
    import keras

    classes = {
        "adam": keras.optimizers.Adam,
        "sgd": keras.optimizers.SGD,
        "rmsprop": keras.optimizers.RMSprop,
    }
    return classes[config.optimizer](learning_rate=config.learning_rate)


def compile_model(model, config: TrainingConfig) -> None:
    """Compiles for integer labels with the configured optimizer."""
    model.compile(optimizer=make_optimizer(config), loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def _shuffled_batches(dataset: Dataset, config: TrainingConfig):
    """A tf.data pipeline over all epochs: the order of each epoch comes from the seed alone."""
    import tensorflow as tf

    count = len(dataset.y_train)
    rng = np.random.RandomState(config.seed)
    orders = np.stack([rng.permutation(count) for _ in range(config.epochs)]).astype(np.int64)
    images = tf.constant(dataset.x_train)
    labels = tf.constant(dataset.y_train)
    batch_size = config.batch_size
    epochs = tf.data.Dataset.from_tensor_slices(orders)
    batches = epochs.flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
    return batches.map(
        lambda indices: (tf.gather(images, indices), tf.gather(labels, indices)),
        num_parallel_calls=1,
        deterministic=True,
    ).prefetch(2)


class TrainingJob:
    """Trains ``spec`` on ``dataset`` in a background thread.

    Args:
        spec: The architecture.
        dataset: Training and test data; the test split validates each epoch.
        config: Epochs, batch size, optimizer, learning rate and seed.
        pool: Where to wait for a slot (the process-wide pool by default).
    """

    def __init__(
        self,
        spec: ModelSpec,
        dataset: Dataset,
        config: TrainingConfig | None = None,
        pool: TrainingPool | None = None,
    ) -> None:
        self.spec = spec
        self.dataset = dataset
        self.config = config or TrainingConfig()
        self.pool = pool or DEFAULT_POOL
        self.id = _next_job_id()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = "queued"
        self._epoch = 0
        self._batch = 0
        self._batch_logs: dict[str, float] = {}
        self._history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS}
        self._error: str | None = None
        self._started_running: float | None = None
        self._ended: float | None = None
        self._epoch_started: float | None = None
        self._epoch_seconds: list[float] = []
        self._model = None
        self._checkpoints: list[list[np.ndarray]] = []
        self._abandon_timer: threading.Timer | None = None
        count = len(dataset.y_train)
        self.batches_per_epoch = max(1, math.ceil(count / self.config.batch_size))

    # Control.

    def start(self) -> TrainingJob:
        """Starts the job's thread (once); returns the job."""
        with self._lock:
            if self._thread is not None:
                return self
            self._thread = threading.Thread(target=self._run, name=f"training-job-{self.id}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Asks the job to stop: a queued job leaves the queue, a running one ends at the next batch."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits for the job to end; returns whether it has."""
        thread = self._thread
        if thread is None:
            return False
        thread.join(timeout)
        return not thread.is_alive()

    def abandon(self, grace_seconds: float = 30.0) -> None:
        """Stops the job unless ``adopt()`` is called within ``grace_seconds`` (a browser tab went away)."""
        with self._lock:
            if self._abandon_timer is not None:
                self._abandon_timer.cancel()
            self._abandon_timer = threading.Timer(grace_seconds, self.stop)
            self._abandon_timer.daemon = True
            self._abandon_timer.start()

    def adopt(self) -> None:
        """Cancels a pending ``abandon()``: the session came back."""
        with self._lock:
            if self._abandon_timer is not None:
                self._abandon_timer.cancel()
                self._abandon_timer = None

    # Reading.

    def status(self) -> TrainingStatus:
        """A consistent snapshot of the job."""
        with self._lock:
            state = self._state
            now = time.monotonic()
            elapsed = 0.0
            if self._started_running is not None:
                elapsed = (self._ended or now) - self._started_running
            seconds_left = self._estimate_left(now) if state == "running" else None
            return TrainingStatus(
                state=state,
                epoch=self._epoch,
                batch=self._batch,
                epochs=self.config.epochs,
                batches_per_epoch=self.batches_per_epoch,
                history=copy.deepcopy(self._history),
                error=self._error,
                queue_position=self.pool.position(self.id) if state == "queued" else None,
                elapsed=elapsed,
                seconds_left=seconds_left,
                batch_loss=self._batch_logs.get("loss"),
                batch_accuracy=self._batch_logs.get("accuracy"),
            )

    @property
    def model(self):
        """The trained Keras model once the job has ended (finished, stopped or failed), else None."""
        with self._lock:
            return self._model if self._state not in ACTIVE_STATES else None

    @property
    def checkpoints(self) -> list[list[np.ndarray]]:
        """Weights at epoch 0 (before training) and after every completed epoch."""
        with self._lock:
            return list(self._checkpoints)

    # The worker.

    def _estimate_left(self, now: float) -> float | None:
        done_batches = self._epoch * self.batches_per_epoch + self._batch
        if self._started_running is None or done_batches == 0:
            return None
        total = self.config.epochs * self.batches_per_epoch
        rate = (now - self._started_running) / done_batches
        return max(0.0, (total - done_batches) * rate)

    def _set(self, **values) -> None:
        with self._lock:
            for key, value in values.items():
                setattr(self, f"_{key}", value)

    def _run(self) -> None:
        if not self.pool.acquire(self.id, self._stop.is_set):
            self._set(state="stopped", ended=time.monotonic())
            return
        try:
            self._set(state="running", started_running=time.monotonic())
            self._train()
        except InputError as error:
            self._fail(str(error))
        except Exception as error:
            self._fail(f"Training stopped with an error: {type(error).__name__}: {error}")
        finally:
            self.pool.release(self.id)
            with self._lock:
                if self._state == "running":
                    self._state = "stopped" if self._stop.is_set() else "finished"
                self._ended = time.monotonic()
                if self._abandon_timer is not None:
                    self._abandon_timer.cancel()

    def _fail(self, message: str) -> None:
        self._set(state="failed", error=message)

    def _train(self) -> None:
        from visualizer.building import build_model

        check_compatible(self.spec, self.dataset)
        model = build_model(self.spec, seed=self.config.seed)
        compile_model(model, self.config)
        self._set(model=model)
        with self._lock:
            self._checkpoints.append([weights.copy() for weights in model.get_weights()])
        if self._stop.is_set():
            return
        callback = _ProgressCallback(self)
        model.fit(
            _shuffled_batches(self.dataset, self.config),
            epochs=self.config.epochs,
            steps_per_epoch=self.batches_per_epoch,
            validation_data=(self.dataset.x_test, self.dataset.y_test),
            validation_batch_size=256,
            callbacks=[callback],
            shuffle=False,  # the pipeline already shuffles, from the seed
            verbose=0,
        )
        if callback.divergence is not None:
            self._fail(callback.divergence)

    def _on_batch(self, batch: int, logs: dict) -> None:
        with self._lock:
            self._batch = batch + 1
            self._batch_logs = {key: float(value) for key, value in logs.items() if key in ("loss", "accuracy")}

    def _on_epoch(self, epoch: int, logs: dict, weights: list[np.ndarray]) -> None:
        with self._lock:
            for key in HISTORY_KEYS:
                self._history[key].append(float(logs.get(key, float("nan"))))
            self._checkpoints.append(weights)
            self._epoch = epoch + 1
            self._batch = 0


def _divergence_message(epoch: int, batch: int, what: str, learning_rate: float) -> str:
    return (
        f"Training diverged in epoch {epoch + 1}, batch {batch + 1}: {what}. The learning rate "
        f"{learning_rate:g} is too high for this network and data: lower it (try {learning_rate / 10:g}) "
        "and train again."
    )


def _all_finite(arrays: list[np.ndarray]) -> bool:
    return all(np.isfinite(array).all() for array in arrays)


try:  # A base class is needed at import time; Keras loads lazily only when training is used.
    import keras as _keras

    _CallbackBase = _keras.callbacks.Callback
except ImportError:  # pragma: no cover
    _CallbackBase = object


class _ProgressCallback(_CallbackBase):  # type: ignore[misc, valid-type]
    """Reports progress to the job, honours stop requests, and catches divergence."""

    def __init__(self, job: TrainingJob) -> None:
        super().__init__()
        self.job = job
        self.epoch = 0
        self.divergence: str | None = None
        self.first_loss: float | None = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self.job._on_batch(batch, logs)
        loss = float(logs.get("loss", 0.0))
        if self.first_loss is None and math.isfinite(loss):
            self.first_loss = loss
        ceiling = EXPLOSION_FACTOR * max(self.first_loss or 0.0, math.log(max(self.job.spec.num_classes, 2)))
        if not math.isfinite(loss):
            self._diverged(batch, f"the loss became {loss}")
        elif loss > ceiling:
            # Cross-entropy starts near ln(classes); a hundredfold jump is an explosion, not learning.
            self._diverged(batch, f"the loss exploded to {loss:.3g}")
        elif not _all_finite([variable.numpy() for variable in self.model.layers[-1].weights]):
            # Fused kernels can keep the loss finite while weights are already NaN.
            self._diverged(batch, "the weights became NaN")
        if self.job._stop.is_set():
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.divergence is not None:
            return
        weights = [weights.copy() for weights in self.model.get_weights()]
        if not _all_finite(weights):
            self._diverged(self.job.batches_per_epoch - 1, "the weights became NaN")
            return
        self.job._on_epoch(epoch, logs or {}, weights)

    def _diverged(self, batch: int, what: str) -> None:
        if self.divergence is None:
            self.divergence = _divergence_message(self.epoch, batch, what, self.job.config.learning_rate)
        self.model.stop_training = True


@dataclass(frozen=True)
class Evaluation:
    """How a trained model does on the test split.

    Attributes:
        loss: Mean cross-entropy on the test split.
        accuracy: Fraction of test images classified correctly.
        probabilities: (M, num_classes) softmax outputs per test image.
        predictions: (M,) predicted class per test image.
        confusion: (C, C) counts, rows are true classes, columns predictions.
        per_class_accuracy: (C,) accuracy per true class (NaN for a class with no test image).
    """

    loss: float
    accuracy: float
    probabilities: np.ndarray
    predictions: np.ndarray
    confusion: np.ndarray
    per_class_accuracy: np.ndarray = field(repr=False)


def evaluate(model, dataset: Dataset) -> Evaluation:
    """Test loss, accuracy, per-class accuracy and the confusion matrix of ``model``."""
    probabilities = np.asarray(model.predict(dataset.x_test, batch_size=256, verbose=0), dtype=np.float64)
    labels = dataset.y_test
    picked = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
    predictions = probabilities.argmax(axis=1)
    classes = max(dataset.num_classes, probabilities.shape[1])
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (labels, predictions), 1)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(totals > 0, np.diag(confusion) / totals, np.nan)
    return Evaluation(
        loss=float(-np.log(picked).mean()),
        accuracy=float((predictions == labels).mean()),
        probabilities=probabilities.astype(np.float32),
        predictions=predictions,
        confusion=confusion,
        per_class_accuracy=per_class,
    )


def history_csv(history: dict[str, list[float]]) -> str:
    """The history as CSV text: one row per epoch, columns epoch, loss, accuracy, val_loss, val_accuracy."""
    rows = ["epoch," + ",".join(HISTORY_KEYS)]
    epochs = max((len(values) for values in history.values()), default=0)
    for epoch in range(epochs):
        values = [history.get(key, [])[epoch] if epoch < len(history.get(key, [])) else "" for key in HISTORY_KEYS]
        rows.append(",".join([str(epoch + 1), *(f"{value:.6g}" if value != "" else "" for value in values)]))
    return "\n".join(rows) + "\n"


def model_to_bytes(model) -> bytes:
    """The model as the bytes of a ``.keras`` archive (Keras needs a path ending in .keras)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()
