"""Training in the background, without TensorFlow at import.

- ``config``: ``TrainingConfig``. ``status``: ``TrainingStatus``, ``history_csv``.
- ``compatibility``: ``check_compatible`` (the same image shape and classes as the data).
- ``pool``: ``TrainingPool``, the process-wide limit and queue.
- ``job``: ``TrainingJob``, one training in its own thread.
- ``fit``: the Keras side of a job (compile, fit, progress callback), imported by the job's thread.
- ``sessions``: ``SessionJobs``, the jobs of one browser session, stopped when it goes away.
- ``shipped``: the models in ``pretrained/`` as finished jobs (``ShippedRun``).

Lessons and pages import the TF-free names from here; TensorFlow loads when a job starts or a
shipped model is loaded.
"""

from visualizer.training.compatibility import check_compatible
from visualizer.training.config import MAX_EPOCHS, OPTIMIZERS, TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.pool import DEFAULT_POOL, TrainingPool, default_trainings
from visualizer.training.sessions import SessionJobs, release
from visualizer.training.shipped import ShippedRun, load_checkpoints, load_pretrained, manifest, shipped_run
from visualizer.training.status import HISTORY_KEYS, TrainingStatus, history_csv

__all__ = [
    "DEFAULT_POOL",
    "HISTORY_KEYS",
    "MAX_EPOCHS",
    "OPTIMIZERS",
    "SessionJobs",
    "ShippedRun",
    "TrainingConfig",
    "TrainingJob",
    "TrainingPool",
    "TrainingStatus",
    "check_compatible",
    "default_trainings",
    "history_csv",
    "load_checkpoints",
    "load_pretrained",
    "manifest",
    "release",
    "shipped_run",
]
