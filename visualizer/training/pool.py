"""A process-wide limit on concurrent trainings, with a first-come queue. No TensorFlow here."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable


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
