"""Background training: a job object a page can poll, stop at any batch, and read from.

A ``TrainingJob`` trains one spec on one dataset in its own thread. The page
never waits on it: it polls ``status()`` from a fragment. Jobs wait for a slot
in a process-wide ``TrainingPool``, so a classroom of sessions shares the
machine fairly; a queued job knows its position. Nothing here imports Streamlit,
and TensorFlow is imported by the job's thread (``fit``), not by this module.
"""

from __future__ import annotations

import copy
import math
import threading
import time

import numpy as np

from visualizer.data.dataset import Dataset
from visualizer.errors import InputError
from visualizer.model.spec import ModelSpec
from visualizer.training.compatibility import check_compatible
from visualizer.training.config import TrainingConfig
from visualizer.training.pool import DEFAULT_POOL, TrainingPool
from visualizer.training.status import ACTIVE_STATES, HISTORY_KEYS, TrainingStatus

_job_ids = iter(range(1, 2**62))
_job_ids_lock = threading.Lock()


def _next_job_id() -> int:
    with _job_ids_lock:
        return next(_job_ids)


class TrainingJob:
    """Trains ``spec`` on ``dataset`` in a background thread.

    Args:
        spec: The architecture.
        dataset: Training and test data; the test split validates each epoch.
        config: Epochs, batch size, optimizer, learning rate and seed.
        pool: Where to wait for a slot (the process-wide pool by default).

    Raises:
        InputError: the dataset cannot train this network (another image shape, or another number of
            classes, in either direction): no job is made, so nothing a person had is replaced.
    """

    def __init__(
        self,
        spec: ModelSpec,
        dataset: Dataset,
        config: TrainingConfig | None = None,
        pool: TrainingPool | None = None,
    ) -> None:
        check_compatible(spec, dataset)
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
        self._model = None
        self._checkpoints: list[list[np.ndarray]] = []
        self._gradients: list[list[np.ndarray]] = []
        self._abandon_timer: threading.Timer | None = None
        self._copies_lock = threading.Lock()
        self._scrub_copy = None
        self._live_copy = None
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

    @property
    def gradients(self) -> list[list[np.ndarray]]:
        """The gradients of each completed epoch's last batch (one per trainable weight): ``[e - 1]`` is epoch e's."""
        with self._lock:
            return list(self._gradients)

    def model_at(self, epoch: int):
        """The trained network after ``epoch`` epochs (0 = before training), or None while the job is active.

        One copy per job is kept and its weights swapped, so its compiled views are reused at every epoch.
        """
        model, checkpoints = self.model, self.checkpoints
        if model is None or epoch >= len(checkpoints) - 1:
            return model
        with self._copies_lock:
            if self._scrub_copy is None:
                from visualizer.backend.surgery import model_at

                self._scrub_copy = model_at(model, checkpoints[epoch])
            copy_ = self._scrub_copy
        copy_.set_weights(checkpoints[epoch])
        return copy_

    def live_model(self):
        """A copy of the network holding the weights of its last finished epoch, to follow training live.

        Built once per job; its weights are swapped as epochs end. None before the first weights exist.
        """
        checkpoints = self.checkpoints
        if not checkpoints:
            return None
        with self._copies_lock:
            if self._live_copy is None:
                from visualizer.backend.building import build_model

                self._live_copy = build_model(self.spec, seed=self.config.seed)
            live = self._live_copy
        live.set_weights(checkpoints[-1])
        return live

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
        from visualizer.training.fit import Hooks, train  # TensorFlow loads here, in the job's thread

        hooks = Hooks(self._on_built, self._on_batch, self._on_epoch, self._stop.is_set)
        divergence = train(self.spec, self.dataset, self.config, self.batches_per_epoch, hooks)
        if divergence is not None:
            self._fail(divergence)

    def _on_built(self, model) -> None:
        with self._lock:
            self._model = model
            self._checkpoints.append([weights.copy() for weights in model.get_weights()])

    def _on_batch(self, batch: int, logs: dict) -> None:
        with self._lock:
            self._batch = batch + 1
            self._batch_logs = {key: float(value) for key, value in logs.items() if key in ("loss", "accuracy")}

    def _on_epoch(self, epoch: int, logs: dict, weights: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        with self._lock:
            self._gradients.append(gradients)
            for key in HISTORY_KEYS:
                self._history[key].append(float(logs.get(key, float("nan"))))
            self._checkpoints.append(weights)
            self._epoch = epoch + 1
            self._batch = 0
