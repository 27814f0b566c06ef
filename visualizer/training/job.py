"""Background training: a job object a page can poll, stop at any batch, and read from.

A ``TrainingJob`` trains one spec on one dataset in a worker process
(``training.worker``), followed by a thread of its own in the server. The page
never waits on it: it polls ``status()`` from a fragment. Jobs wait for a slot
in a process-wide ``TrainingPool``, so a classroom of sessions shares the
machine fairly; a queued job knows its position. The worker runs under a memory
limit and the job under a time limit. Nothing here imports Streamlit, and
TensorFlow trains in the worker, never in this process (the finished network
is rebuilt here from its last weights, for the views).
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
from visualizer.training.budget import check_budget
from visualizer.training.compatibility import check_compatible
from visualizer.training.config import TrainingConfig
from visualizer.training.pool import DEFAULT_POOL, TrainingPool
from visualizer.training.protocol import Batch, Built, Done, Epoch, Failed
from visualizer.training.status import ACTIVE_STATES, HISTORY_KEYS, TrainingStatus
from visualizer.training.worker import Worker, WorkerLostError

_job_ids = iter(range(1, 2**62))
_job_ids_lock = threading.Lock()


def _next_job_id() -> int:
    with _job_ids_lock:
        return next(_job_ids)


def _died_message(exit_code: int | None) -> str:
    """What a person reads when the training process ended without a word (killed, out of memory)."""
    how = f"killed by signal {-exit_code}" if exit_code is not None and exit_code < 0 else f"exit code {exit_code}"
    return (
        f"The training process ended unexpectedly ({how}): the machine may have run out of memory, or someone "
        "stopped it. Nothing else was affected. Lower the batch size or make the network smaller, and train again."
    )


class TrainingJob:
    """Trains ``spec`` on ``dataset`` in a worker process, followed by a background thread.

    Args:
        spec: The architecture.
        dataset: Training and test data; the test split validates each epoch.
        config: Epochs, batch size, optimizer, learning rate and seed.
        pool: Where to wait for a slot (the process-wide pool by default).

    Raises:
        InputError: the dataset cannot train this network (another image shape, or another number of
            classes, in either direction), or the training is over this server's memory or time budget
            (``training.budget``): no job is made, so nothing a person had is replaced.
    """

    shipped: bool = False
    """A run trained here, not shipped (``training.run.Run``)."""

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
        data_bytes = sum(array.nbytes for array in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test))
        self.budget = check_budget(spec, len(dataset.y_train), len(dataset.y_test), self.config, data_bytes)
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
        self._note: str | None = None
        self._worker = None
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
        """Starts the job's thread (once); returns the job.

        Raises:
            InputError: the pool's queue is full (nothing starts; the message says how long to wait).
        """
        with self._lock:
            if self._thread is not None:
                return self
            self.pool.admit()
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
                note=self._note,
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
    def worker_pid(self) -> int | None:
        """The process id of the worker training this job, while it trains (for measurements and tests)."""
        worker = self._worker
        return worker.process.pid if worker is not None else None

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
            self._set(model=self._final_model())
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

    def _final_model(self):
        """The trained network, built in the server from the last weights the worker sent (None without any)."""
        with self._lock:
            checkpoints, failed = list(self._checkpoints), self._state == "failed"
        if not checkpoints or (failed and len(checkpoints) == 1):
            return None
        from visualizer.backend.building import build_model
        from visualizer.training.fit import compile_model

        model = build_model(self.spec, seed=self.config.seed)
        model.set_weights(checkpoints[-1])
        compile_model(model, self.config)
        model.optimizer.build(model.trainable_variables)  # so a saved copy loads without a warning
        return model

    def _train(self) -> None:
        """Trains in a worker process and follows it: progress in, stop out, memory and time watched."""
        from visualizer.training import worker as workers

        limit_mb, seconds = workers.memory_limit_mb(), workers.job_minutes() * 60
        with workers.dataset_files(self.dataset) as folder:
            worker = workers.take_worker()
            self._worker = worker
            worker.send_job(
                self.spec.to_json(indent=None), folder, workers.config_message(self.config), self.batches_per_epoch
            )
            deadline = time.monotonic() + seconds
            clean = False
            try:
                clean = self._follow(worker, limit_mb, deadline, seconds)
            finally:
                self._worker = None
                if clean:
                    workers.give_back(worker)
                else:
                    worker.kill()

    def _follow(self, worker: Worker, limit_mb: int, deadline: float, seconds: float) -> bool:
        """Reads the worker's messages until the job ends; returns whether the worker can take another job."""
        while True:
            if self._stop.is_set():
                worker.stop_event.set()
            if time.monotonic() > deadline and not worker.stop_event.is_set():
                self._set(note=f"Stopped at the limit of {seconds / 60:g} minutes for one training on this server.")
                self._stop.set()
                worker.stop_event.set()
            try:
                message = worker.receive(limit_mb)
            except WorkerLostError as lost:
                self._fail(
                    f"Training used more than {limit_mb / 1024:.1f} GB of memory, the limit for one training on "
                    "this server, and was ended. Lower the batch size, or use fewer filters, smaller images or "
                    "fewer layers."
                    if lost.over_memory
                    else _died_message(lost.exit_code)
                )
                return False
            if message is None:
                continue
            match message:
                case Built(weights=weights):
                    self._on_built(weights)
                case Batch(index=index, logs=logs):
                    self._on_batch(index, logs)
                case Epoch(index=index, logs=logs, weights=weights, gradients=gradients):
                    self._on_epoch(index, logs, weights, gradients)
                case Done(divergence=divergence):
                    if divergence is not None:
                        self._fail(divergence)
                    return True
                case Failed(message=text):
                    self._fail(text)
                    return True

    def _on_built(self, weights: list[np.ndarray]) -> None:
        with self._lock:
            self._checkpoints.append(weights)

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
