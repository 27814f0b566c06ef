"""Training in worker processes: one student's network cannot take the server down.

Each job trains in a process of its own, spawned (a fresh interpreter, TensorFlow's threads set there by
``runtime.configure``), never in the server's interpreter: the server's pages do not share its
interpreter lock, a worker that runs out of memory or is killed ends its job and nothing else, and the
memory a training leaves behind goes when the worker goes.

The server side (``Worker``) sends a job's spec, settings and the path of its data; the worker streams
back what the pages show: the starting weights, each batch's running numbers, and at each epoch's end
the logs, a copy of every weight and the last batch's gradients. Workers are kept warm between jobs (a
new one costs seconds: Python and TensorFlow start) and recycled: after ``MAX_JOBS_PER_WORKER`` jobs or
once its memory has grown ``RECYCLE_GROWTH_MB`` past what it held after its first job, a worker is
closed and the next job gets a fresh one.

Nothing here imports TensorFlow in the server; the worker imports it when it starts.
"""

from __future__ import annotations

import atexit
import gc
import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from visualizer.data.dataset import Dataset
from visualizer.errors import InputError
from visualizer.training.protocol import Batch, Built, Done, Epoch, Failed, FromWorker, Load, Loaded, Quit, Ready, Train

SPAWN = multiprocessing.get_context("spawn")
MEMORY_VARIABLE = "CNN_VISUALIZER_WORKER_MEMORY_MB"
MINUTES_VARIABLE = "CNN_VISUALIZER_JOB_MINUTES"
DEFAULT_JOB_MINUTES = 30.0
MAX_JOBS_PER_WORKER = 25
RECYCLE_GROWTH_MB = 200
ARRAYS = ("x_train", "y_train", "x_test", "y_test")


def _physical_memory_mb() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20)
    except (ValueError, OSError, AttributeError):
        return 8192


def memory_limit_mb() -> int:
    """The most resident memory one worker may hold, in MB.

    ``CNN_VISUALIZER_WORKER_MEMORY_MB``, else a quarter of the machine's memory between 1 GB and 6 GB
    (6 GB on a 24 GB machine, 2 GB on an 8 GB laptop).
    """
    configured = os.environ.get(MEMORY_VARIABLE)
    if configured:
        return max(256, int(configured))
    return int(min(6144, max(1024, _physical_memory_mb() // 4)))


def job_minutes() -> float:
    """The longest one job may train: ``CNN_VISUALIZER_JOB_MINUTES``, else 30 minutes."""
    configured = os.environ.get(MINUTES_VARIABLE)
    return max(0.01, float(configured)) if configured else DEFAULT_JOB_MINUTES


def resident_mb(pid: int) -> float | None:
    """The memory a process allocated itself and holds, in MB, or None where that cannot be read.

    ``/proc``'s ``RssAnon``: the dataset files a worker maps from the server's shared memory are not its own.
    """
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


# The worker process.


def _numbers(logs: dict) -> dict[str, float]:
    return {key: float(value) for key, value in (logs or {}).items() if isinstance(value, (int, float, np.number))}


def _load(folder: str) -> Dataset:
    arrays = {name: np.load(Path(folder) / f"{name}.npy", mmap_mode="r") for name in ARRAYS}
    names = tuple(json.loads((Path(folder) / "classes.json").read_text()))
    return Dataset("worker", arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"], names)


def measure_flops() -> float:
    """Floating-point operations per second a training step reaches here.

    Four 'same' convolutions of 64 filters on 32x32x3 images, batch 64, through Keras' ``train_on_batch``
    (three steps timed after one).
    """
    from visualizer.backend.engine import keras

    model = keras.Sequential(
        [keras.Input((32, 32, 3))]
        + [keras.layers.Conv2D(64, 3, padding="same", activation="relu") for _ in range(4)]
        + [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax")]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    images = np.random.RandomState(0).rand(64, 32, 32, 3).astype(np.float32)
    labels = np.zeros(64, dtype=np.int64)
    model.train_on_batch(images, labels)
    started = time.perf_counter()
    for _ in range(3):
        model.train_on_batch(images, labels)
    step = (time.perf_counter() - started) / 3
    forward = 2 * 32 * 32 * 64 * 27 + 3 * 2 * 32 * 32 * 64 * 576  # multiply-adds of the four convolutions
    return 3 * forward * 64 / step


def worker_main(connection, stop_event, measure: bool = False) -> None:
    """The worker process: imports TensorFlow once, then trains one job per ``train`` message until told to quit.

    Messages (``training.protocol``): ``Ready`` once (``measure``: time a training step first); per ``Train``
    ``Built``, ``Batch`` per batch, ``Epoch`` per epoch, then ``Done`` or ``Failed``; per ``Load`` ``Loaded`` or
    ``Failed``; ``Quit`` (or the server gone) ends it.
    """
    from visualizer import runtime

    runtime.configure()
    connection.send(Ready(measure_flops() if measure else None))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return  # the server went away
        match message:
            case Load(data=data):
                connection.send(_trial_load(data))
            case Train():
                connection.send(_train_job(message, stop_event, connection))
            case _:
                return


def _train_job(job: Train, stop_event, connection) -> Done | Failed:
    """Trains one job, streaming ``Built``, ``Batch`` and ``Epoch`` messages; returns how it ended."""
    from visualizer.model.spec import ModelSpec
    from visualizer.training.config import TrainingConfig
    from visualizer.training.fit import Hooks, train

    hooks = Hooks(
        built=lambda model: connection.send(Built([np.array(w) for w in model.get_weights()])),
        batch_done=lambda batch, logs: connection.send(Batch(batch, _numbers(logs))),
        epoch_done=lambda epoch, logs, weights, gradients: connection.send(
            Epoch(epoch, _numbers(logs), weights, gradients)
        ),
        stop_requested=stop_event.is_set,
    )
    try:
        spec = ModelSpec.from_json(job.spec_json)
        return Done(train(spec, _load(job.folder), TrainingConfig(**job.config), job.batches_per_epoch, hooks))
    except InputError as error:
        return Failed(str(error))
    except Exception as error:  # one job's failure, not the worker's
        return Failed(f"Training stopped with an error: {type(error).__name__}: {error}")


def _trial_load(data: bytes) -> Loaded | Failed:
    """Loads an uploaded model here, in the worker: its parameter count, or why it failed."""
    from visualizer.backend.uploads import load_user_model

    try:
        return Loaded(int(load_user_model(data).count_params()))
    except InputError as error:
        return Failed(str(error))
    except Exception as error:
        return Failed(f"The model could not be loaded: {type(error).__name__}: {str(error)[:300]}")
    finally:
        gc.collect()


# The server side.


class WorkerLostError(Exception):
    """A worker went over its memory limit (``over_memory``), or ended on its own (``exit_code``)."""

    def __init__(self, over_memory: bool, exit_code: int | None) -> None:
        super().__init__("over its memory limit" if over_memory else f"ended with exit code {exit_code}")
        self.over_memory = over_memory
        self.exit_code = exit_code


class Worker:
    """One worker process and the pipe to it (see the module's docstring)."""

    def __init__(self) -> None:
        self.connection, child = SPAWN.Pipe()
        self.stop_event = SPAWN.Event()
        measure = _MEASURED["flops"] is None and not _MEASURED["asked"]
        _MEASURED["asked"] = _MEASURED["asked"] or measure
        self.process = SPAWN.Process(target=worker_main, args=(child, self.stop_event, measure), daemon=True)
        self.process.start()
        child.close()
        self.jobs = 0
        self.baseline_mb: float | None = None

    @property
    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.is_alive()

    @property
    def exit_code(self) -> int | None:
        """The process's exit code once it has ended (negative: the signal that ended it)."""
        return self.process.exitcode

    def resident_mb(self) -> float | None:
        """The process's resident memory in MB, when it can be read."""
        return resident_mb(self.process.pid) if self.process.pid else None

    def receive(self, limit_mb: int, wait: float = 0.1) -> FromWorker | None:
        """The worker's next message within ``wait`` seconds, or None; its start-up ``ready`` is taken in passing.

        Raises:
            WorkerLostError: the worker holds more than ``limit_mb`` of its own memory, or has ended on its own.
        """
        used = self.resident_mb()
        if used is not None and used > limit_mb:
            raise WorkerLostError(over_memory=True, exit_code=None)
        try:
            if not self.connection.poll(wait):
                if not self.alive:
                    raise WorkerLostError(over_memory=False, exit_code=self.exit_code)
                return None
            message = self.connection.recv()
        except (EOFError, OSError):
            self.process.join(timeout=2)
            raise WorkerLostError(over_memory=False, exit_code=self.exit_code) from None
        if isinstance(message, Ready):
            note_ready(message)
            return None
        return message

    def send_job(self, spec_json: str, folder: str, config: dict, batches_per_epoch: int) -> None:
        """Starts a job in the worker (its stop flag cleared first)."""
        self.stop_event.clear()
        self.connection.send(Train(spec_json, folder, config, batches_per_epoch))
        self.jobs += 1

    def kill(self) -> None:
        """Ends the process at once (SIGKILL) and waits for it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.connection.close()

    def close(self) -> None:
        """Asks the process to end, and kills it if it does not within a few seconds."""
        with suppress(OSError, ValueError):
            self.connection.send(Quit())
        self.process.join(timeout=5)
        self.kill()

    def reusable(self) -> bool:
        """Whether it may take another job: alive, not too old, and its memory not grown past the recycle mark."""
        if not self.alive or self.jobs >= MAX_JOBS_PER_WORKER:
            return False
        now = self.resident_mb()
        if now is None:
            return True
        if self.baseline_mb is None:
            self.baseline_mb = now  # what a worker holds once TensorFlow has trained one network
            return True
        return now - self.baseline_mb <= RECYCLE_GROWTH_MB


_MEASURED: dict[str, Any] = {"flops": None, "asked": False}
"""The machine's training speed, measured once by the first worker this process starts."""


def measured_flops() -> float | None:
    """Operations per second the first worker measured at its start, once it has (else None)."""
    return _MEASURED["flops"]


def note_ready(message: Ready) -> None:
    """Keeps the speed a worker's ``Ready`` message reports."""
    if message.flops:
        _MEASURED["flops"] = float(message.flops)


_IDLE: list[Worker] = []
_IDLE_LOCK = threading.Lock()


def max_idle() -> int:
    """How many warm workers wait for the next jobs: as many as may train at once, at least two."""
    from visualizer.training.pool import default_trainings

    return max(2, default_trainings())


def take_worker() -> Worker:
    """A warm worker if one waits, else a new one (it starts in the background; messages queue meanwhile)."""
    with _IDLE_LOCK:
        while _IDLE:
            worker = _IDLE.pop()
            if worker.alive:
                return worker
            worker.kill()
    return Worker()


def give_back(worker: Worker) -> None:
    """Keeps a worker that ended its job cleanly for the next job, or closes it when it should be recycled."""
    if worker.reusable():
        with _IDLE_LOCK:
            if len(_IDLE) < max_idle():
                _IDLE.append(worker)
                return
    worker.close()


@atexit.register
def close_idle_workers() -> None:
    """Ends every waiting worker (at exit, and for tests)."""
    with _IDLE_LOCK:
        waiting = list(_IDLE)
        _IDLE.clear()
    for worker in waiting:
        worker.close()


def _data_root() -> str | None:
    shared = Path("/dev/shm")
    return str(shared) if shared.is_dir() and os.access(shared, os.W_OK) else None


@contextmanager
def dataset_files(dataset: Dataset) -> Iterator[str]:
    """The dataset's arrays as .npy files in a temporary folder, removed afterwards.

    In memory where the system has ``/dev/shm``; a worker maps them instead of receiving a copy through the pipe.
    """
    folder = tempfile.mkdtemp(prefix="cnn-visualizer-job-", dir=_data_root())
    try:
        for name in ARRAYS:
            np.save(Path(folder) / f"{name}.npy", np.ascontiguousarray(getattr(dataset, name)))
        (Path(folder) / "classes.json").write_text(json.dumps([str(name) for name in dataset.class_names]))
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def config_message(config: Any) -> dict:
    """A ``TrainingConfig`` as the plain dict the worker rebuilds it from."""
    return asdict(config)


LOAD_SECONDS = 60.0
"""The longest loading an uploaded model may take in a worker before it is refused."""


def trial_load(data: bytes, seconds: float = LOAD_SECONDS) -> int:
    """Loads an uploaded ``.keras`` model in a worker process first, under its memory limit and ``seconds``.

    A model that passes every check and still explodes ends as a refusal, not as the server's memory or
    minutes. Returns its parameter count.

    Raises:
        InputError: the checks refused it, or loading it needed too much memory or time, or killed the worker.
    """
    limit_mb = memory_limit_mb()
    worker = take_worker()
    clean = False
    try:
        worker.connection.send(Load(data))
        deadline = time.monotonic() + seconds
        while True:
            if time.monotonic() > deadline:
                raise InputError(f"Loading this model took longer than {seconds:g} s: it was refused.")
            try:
                message = worker.receive(limit_mb)
            except WorkerLostError as lost:
                if lost.over_memory:
                    raise InputError(
                        f"Loading this model needed more than {limit_mb / 1024:.1f} GB of memory, the limit for "
                        "one model on this server: it was refused."
                    ) from None
                raise InputError("Loading this model ended the process that tried it: it was refused.") from None
            if message is None:
                continue
            clean = True
            match message:
                case Loaded(parameters=parameters):
                    return parameters
                case Failed(message=text):
                    raise InputError(text)
                case _:
                    raise InputError(f"The process that tried the model answered {type(message).__name__}.")
    finally:
        if clean:
            give_back(worker)
        else:
            worker.kill()
