"""The training jobs of one browser session: one run at a time, and a tab that goes away stops them all.

``ui.cache.session_jobs`` keeps one ``SessionJobs`` per session in a session-scoped
resource whose release hook is ``release``: when the browser disconnects, each job
gets a grace period to be adopted by a reconnecting tab, then stops. No Streamlit here.
"""

from __future__ import annotations

import threading
from typing import Any

from visualizer.errors import InputError

ABANDON_GRACE_SECONDS = 30.0


class SessionJobs:
    """Holds the jobs of one browser session.

    A session runs one thing at a time: a training (the Train page) or a comparison (the Compare page's
    pair). ``start`` checks and starts under one lock, so no sequence of clicks, however fast or
    crafted, gets a second run going; every job it started is kept, so Stop and a closed tab reach all.

    Args:
        grace_seconds: How long a released session's jobs wait for the tab to come back before stopping.
    """

    def __init__(self, grace_seconds: float = ABANDON_GRACE_SECONDS) -> None:
        self.grace_seconds = grace_seconds
        self.job: Any = None
        self.extra: list[Any] = []
        self._started: list[Any] = []
        self._lock = threading.Lock()

    def active(self) -> list[Any]:
        """The jobs this session started that are still queued or running."""
        with self._lock:
            return [job for job in self._started if job.status().active]

    def start(self, jobs: list[Any], comparison: bool = False) -> None:
        """Starts ``jobs`` (one training, or a comparison's pair) unless one of this session's is still active.

        Raises:
            InputError: a run of this session is still queued or running, or the class queue is full
                (then nothing starts).
        """
        with self._lock:
            self._started = [job for job in self._started if job.status().active]
            if self._started:
                raise InputError("A training of yours is still queued or running: stop it, or wait for it to end.")
            started = []
            try:
                for job in jobs:
                    started.append(job.start())
            except InputError:
                for job in started:
                    job.stop()  # a comparison starts whole or not at all
                raise
            self._started = started
            if comparison:
                self.extra = started
            else:
                self.job = started[0]

    def track(self, job: Any) -> None:
        """Remembers ``job`` as this session's, re-adopting it after a reconnect."""
        if job is not None and self.job is not job:
            job.adopt()
        self.job = job

    def stop_all(self) -> None:
        """Stops every job this session holds."""
        for job in self.jobs():
            job.stop()

    def jobs(self) -> list[Any]:
        """Every job this session holds, each once."""
        with self._lock:
            found = [job for job in [self.job, *self.extra, *self._started] if job is not None]
        return list({id(job): job for job in found}.values())


def release(holder: SessionJobs) -> None:
    """The session is gone: each of its jobs stops unless adopted within the holder's grace period."""
    for job in holder.jobs():
        job.abandon(holder.grace_seconds)
