"""The training jobs of one browser session, so that a tab that goes away stops them. No Streamlit here.

``ui.cache.session_jobs`` keeps one ``SessionJobs`` per session in a session-scoped
resource whose release hook is ``release``: when the browser disconnects, each job
gets a grace period to be adopted by a reconnecting tab, then stops.
"""

from __future__ import annotations

from typing import Any

ABANDON_GRACE_SECONDS = 30.0


class SessionJobs:
    """Holds the jobs of one browser session.

    Args:
        grace_seconds: How long a released session's jobs wait for the tab to come back before stopping.
    """

    def __init__(self, grace_seconds: float = ABANDON_GRACE_SECONDS) -> None:
        self.grace_seconds = grace_seconds
        self.job: Any = None
        self.extra: list[Any] = []

    def track(self, job: Any) -> None:
        """Remembers ``job`` as this session's, re-adopting it after a reconnect."""
        if job is not None and self.job is not job:
            job.adopt()
        self.job = job

    def track_extra(self, jobs: list[Any]) -> None:
        """Remembers more jobs of this session (the Compare page's pair), replacing the previous ones."""
        self.extra = list(jobs)

    def jobs(self) -> list[Any]:
        """Every job this session holds."""
        return [job for job in [self.job, *self.extra] if job is not None]


def release(holder: SessionJobs) -> None:
    """The session is gone: each of its jobs stops unless adopted within the holder's grace period."""
    for job in holder.jobs():
        job.abandon(holder.grace_seconds)
