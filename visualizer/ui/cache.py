"""The only st.cache_resource / st.cache_data wrappers of the app.

Named datasets and shipped models are shared by every session (they are
read-only); each session's training jobs sit in a session-scoped resource whose
release hook (``training.sessions.release``) stops them a short while after the
browser tab goes away.
"""

from __future__ import annotations

import streamlit as st

from visualizer.data.catalog import load_dataset
from visualizer.data.dataset import Dataset
from visualizer.errors import InputError
from visualizer.training.sessions import SessionJobs, release

MAX_SAMPLES = 32
SKIP_IMAGES = 256
"""Training images the skip-connection measure averages its backward pass over."""


@st.cache_resource(show_spinner="Loading the dataset...", max_entries=8)
def named_dataset(name: str) -> Dataset:
    """A named dataset, loaded once per process (errors are not cached, so a retry can succeed)."""
    return load_dataset(name)


@st.cache_resource(show_spinner="Loading the shipped model...", max_entries=4)
def shipped_run(name: str):
    """A shipped model with its epoch series and dataset, loaded once per process and shared read-only."""
    from visualizer.training.shipped import manifest_entry, shipped_run

    run = shipped_run(name, named_dataset(manifest_entry(name)["dataset"]))
    run.warm_up()  # every epoch's views compiled in the background: the epoch slider never waits
    return run


@st.cache_data(show_spinner=False, ttl=60)
def shipped_models() -> list[dict]:
    """The manifest's entries (name, title, dataset...), or [] when nothing is shipped."""
    from visualizer.training.shipped import manifest

    try:
        return [{key: entry[key] for key in ("name", "title", "dataset", "test_accuracy")} for entry in manifest()]
    except InputError:
        return []


@st.cache_resource(scope="session", on_release=release, show_spinner=False)
def session_jobs() -> SessionJobs:
    """This session's job holder; released (and its jobs stopped after a grace period) on disconnect."""
    return SessionJobs()


@st.cache_resource(show_spinner=False, max_entries=16)
def sample_grid(_dataset: Dataset, dataset_key: str):  # noqa: ARG001 - dataset_key is the cache key
    """The figure of a few training images per class, built once per dataset (``dataset_key`` names it)."""
    from visualizer.figures.maps import image_grid

    per_class = 2 if 2 * _dataset.num_classes <= MAX_SAMPLES else 1
    picks = _dataset.samples_per_class(per_class)[:MAX_SAMPLES]
    titles = [_dataset.class_names[_dataset.y_train[index]] for index in picks]
    return image_grid(_dataset.x_train[picks], titles, scale=2)


GRADIENT_IMAGES = 64
"""Training images a shipped network's gradients are measured on, at every epoch (its training did not record them)."""


@st.cache_resource(show_spinner="Measuring the gradients at every epoch...", max_entries=4)
def shipped_gradients(name: str) -> list[list]:
    """A shipped network's gradients on its first training images at each epoch, from 0: shared by every session."""
    from visualizer.backend.gradients import gradients_by_epoch

    run = shipped_run(name)
    images, labels = run.dataset.x_train[:GRADIENT_IMAGES], run.dataset.y_train[:GRADIENT_IMAGES]
    return gradients_by_epoch([run.model_at(epoch) for epoch in range(len(run.checkpoints))], images, labels)


AUGMENTED_IMAGES = 6
AUGMENTED_COPIES = 4


@st.cache_resource(show_spinner="Changing a few training images...", max_entries=8)
def augmentation_preview(_dataset: Dataset, dataset_key: str, names: tuple[str, ...], seed: int):  # noqa: ARG001
    """A grid of a few training images, each beside random versions of it as training would see them."""
    import numpy as np

    from visualizer.backend.augmentation import augmented_examples
    from visualizer.figures.maps import image_grid

    picks = _dataset.samples_per_class(1)[:AUGMENTED_IMAGES]
    originals = _dataset.x_train[picks]
    changed = augmented_examples(originals, names, copies=AUGMENTED_COPIES, seed=seed)
    images = np.concatenate([originals[:, None], changed], axis=1).reshape(-1, *originals.shape[1:])
    titles = [title for _ in picks for title in ["original", *[f"changed {n + 1}" for n in range(AUGMENTED_COPIES)]]]
    return image_grid(images, titles, columns=2 * (1 + AUGMENTED_COPIES), scale=max(1, 64 // _dataset.image_shape[0]))


@st.cache_resource(show_spinner=False, max_entries=8)
def data_reference(_dataset: Dataset, dataset_key: str):  # noqa: ARG001 - dataset_key is the cache key
    """What a dataset's images look like (``data.familiarity.Reference``), built once per dataset."""
    from visualizer.data.familiarity import reference_of

    return reference_of(_dataset.x_train, _dataset.x_test)


@st.cache_resource(show_spinner="Measuring the gradients of two networks (one backward pass each)...", max_entries=4)
def skip_comparison(preset: str, seed: int):
    """The gradient reaching each layer of a residual preset and of its plain twin, at epoch 0 (shared)."""
    from visualizer.backend.gradients import skip_comparison
    from visualizer.model.presets import PRESETS

    dataset = named_dataset("digits")
    return skip_comparison(PRESETS[preset], dataset.x_train[:SKIP_IMAGES], dataset.y_train[:SKIP_IMAGES], seed)
