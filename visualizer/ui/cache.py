"""The only st.cache_resource / st.cache_data wrappers of the app.

Named datasets are shared by every session (they are read-only); each
session's training job sits in a session-scoped resource whose release hook
stops the job a short while after the browser tab goes away.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from visualizer.datasets import Dataset, load_dataset
from visualizer.errors import InputError

ABANDON_GRACE_SECONDS = 30.0


@st.cache_resource(show_spinner="Loading the dataset...", max_entries=8)
def named_dataset(name: str) -> Dataset:
    """A named dataset, loaded once per process (errors are not cached, so a retry can succeed)."""
    return load_dataset(name)


@st.cache_resource(show_spinner="Loading the shipped model...", max_entries=4)
def shipped_run(name: str):
    """A shipped model with its epoch series and dataset, loaded once per process and shared read-only."""
    from visualizer.pretrained import manifest_entry, shipped_run

    run = shipped_run(name, named_dataset(manifest_entry(name)["dataset"]))
    run.warm_up()  # every epoch's views compiled in the background: the epoch slider never waits
    return run


@st.cache_data(show_spinner=False, ttl=60)
def shipped_models() -> list[dict]:
    """The manifest's entries (name, title, dataset...), or [] when nothing is shipped."""
    from visualizer.pretrained import manifest

    try:
        return [{key: entry[key] for key in ("name", "title", "dataset", "test_accuracy")} for entry in manifest()]
    except InputError:
        return []


class SessionJobs:
    """Holds the job of one browser session so that its release can stop it."""

    def __init__(self) -> None:
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


def _release(holder: SessionJobs) -> None:
    for job in [holder.job, *holder.extra]:
        if job is not None:
            job.abandon(ABANDON_GRACE_SECONDS)


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def session_jobs() -> SessionJobs:
    """This session's job holder; released (and its job stopped after a grace period) on disconnect."""
    return SessionJobs()


@st.cache_resource(show_spinner=False, max_entries=16)
def sample_grid(_dataset: Dataset, dataset_key: str):
    """The figure of a few training images per class, built once per dataset (``dataset_key`` names it)."""
    from visualizer.figures import image_grid

    first = [int((_dataset.y_train == label).argmax()) for label in range(_dataset.num_classes)]
    picks = (first * 2)[:16]
    titles = [_dataset.class_names[_dataset.y_train[index]] for index in picks]
    return image_grid(_dataset.x_train[picks], titles, scale=2)
