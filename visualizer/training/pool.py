"""A process-wide limit on concurrent trainings, with a first-come queue. No TensorFlow here."""

from __future__ import annotations

import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable

from visualizer.errors import InputError
from visualizer.model.checks import counted

QUEUE_VARIABLE = "CNN_VISUALIZER_MAX_QUEUE"
DEFAULT_MAX_QUEUE = 20
ASSUMED_RUN_SECONDS = 60.0
"""How long a run is taken to last before the pool has seen one end (for the wait a full queue announces)."""


def default_max_queue() -> int:
    """How many jobs may wait at once: ``CNN_VISUALIZER_MAX_QUEUE``, else 20."""
    configured = os.environ.get(QUEUE_VARIABLE)
    return max(0, int(configured)) if configured else DEFAULT_MAX_QUEUE


class TrainingPool:
    """A process-wide limit on concurrent trainings, with a first-come queue.

    Args:
        max_concurrent: How many jobs may train at once.
        max_queue: How many may wait for a slot; more are refused (``admit``). ``default_max_queue()`` if None.
    """

    def __init__(self, max_concurrent: int, max_queue: int | None = None) -> None:
        self.max_concurrent = max(1, int(max_concurrent))
        self.max_queue = default_max_queue() if max_queue is None else max(0, int(max_queue))
        self._condition = threading.Condition()
        self._running: set[int] = set()
        self._waiting: list[int] = []
        self._admitted = 0
        self._started: dict[int, float] = {}
        self._durations: deque[float] = deque(maxlen=10)

    def admit(self) -> None:
        """Reserves a place for a job about to start (its ``acquire`` takes it); refuses when the queue is full.

        Raises:
            InputError: as many jobs wait as the queue holds, with the wait to expect.
        """
        with self._condition:
            waiting = len(self._waiting) + self._admitted
            if len(self._running) + waiting >= self.max_concurrent + self.max_queue:
                typical = sum(self._durations) / len(self._durations) if self._durations else ASSUMED_RUN_SECONDS
                minutes = max(1, math.ceil(typical * (waiting / self.max_concurrent + 1) / 60))
                raise InputError(
                    f"The class queue is full: {counted(waiting, 'training')} {'is' if waiting == 1 else 'are'} "
                    "waiting for a free core. "
                    f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}."
                )
            self._admitted += 1

    def acquire(self, job_id: int, cancelled: Callable[[], bool]) -> bool:
        """Waits for a slot; returns False if ``cancelled()`` turns true first."""
        with self._condition:
            self._admitted = max(0, self._admitted - 1)
            self._waiting.append(job_id)
            try:
                while True:
                    if cancelled():
                        return False
                    first = self._waiting[0] == job_id
                    if first and len(self._running) < self.max_concurrent:
                        self._running.add(job_id)
                        self._started[job_id] = time.monotonic()
                        return True
                    self._condition.wait(timeout=0.2)
            finally:
                self._waiting.remove(job_id)
                self._condition.notify_all()

    def release(self, job_id: int) -> None:
        """Frees the slot of a job that has ended."""
        with self._condition:
            self._running.discard(job_id)
            started = self._started.pop(job_id, None)
            if started is not None:
                self._durations.append(time.monotonic() - started)
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
