"""What a training job reports: ``TrainingStatus`` snapshots and its history as CSV. No TensorFlow here."""

from __future__ import annotations

from dataclasses import dataclass

STATES = ("queued", "running", "finished", "stopped", "failed")
ACTIVE_STATES = ("queued", "running")
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


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
        note: Why a job ended early without failing (the server's time limit for one training), if it did.
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
    note: str | None = None

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


def history_csv(history: dict[str, list[float]]) -> str:
    """The history as CSV text: one row per epoch, columns epoch, loss, accuracy, val_loss, val_accuracy."""
    rows = ["epoch," + ",".join(HISTORY_KEYS)]
    epochs = max((len(values) for values in history.values()), default=0)
    for epoch in range(epochs):
        values = [history.get(key, [])[epoch] if epoch < len(history.get(key, [])) else "" for key in HISTORY_KEYS]
        rows.append(",".join([str(epoch + 1), *(f"{value:.6g}" if value != "" else "" for value in values)]))
    return "\n".join(rows) + "\n"
