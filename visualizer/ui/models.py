"""The model in hand, shared by the Inspect and Learn pages.

The trained network of this session (at any epoch of its training), or else
the untrained stack from the Build page. Models are built once per session and
kept in its state; the pages pass them back into ``visualizer`` functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from visualizer.shapes import summarize_until_error
from visualizer.ui import cache, state

MODELS_KEY = "inspect_models"
IMAGE_KEY = "inspect_image"
SAMPLE_DATASETS = {(28, 28, 1): "digits", (64, 64, 3): "shapes"}
"""The embedded dataset whose test images fit a model of this input shape."""


def _models() -> dict:
    """Per-session cache of models built for inspection (untrained ones, checkpoint copies)."""
    return st.session_state.setdefault(MODELS_KEY, {})


def untrained_model(spec):
    """The current stack with its seed-0 starting weights, built once per stack."""
    from visualizer.building import build_model

    key = ("untrained", spec.to_json(indent=None))
    models = _models()
    if key not in models:
        for stale in [name for name in models if name[0] == "untrained"]:
            del models[stale]
        models[key] = build_model(spec, seed=0)
    return models[key]


def model_at_epoch(job, epoch: int):
    """The trained job's model with the weights it had after ``epoch`` epochs (0 = before training).

    One copy per job is kept and its weights swapped, so its compiled views are reused at every epoch.
    """
    from visualizer.introspection import model_at

    checkpoints = job.checkpoints
    if epoch >= len(checkpoints) - 1:
        return job.model
    key = ("scrub", job.id)
    models = _models()
    if key not in models:
        for stale in [name for name in models if name[0] == "scrub"]:
            del models[stale]
        models[key] = model_at(job.model, checkpoints[epoch])
    else:
        models[key].set_weights(checkpoints[epoch])
    return models[key]


def choose_model(epoch_key: str):
    """The model to look at, its dataset, and a sentence saying what it is; or (None, None, reason).

    Shows an epoch slider (under ``epoch_key``) when the trained network has checkpoints.
    """
    job = state.trained_job()
    if job is not None and job.model is not None:
        epochs = len(job.checkpoints) - 1
        epoch = 0
        if epochs >= 1:
            epoch = st.slider(
                "Epoch",
                0,
                epochs,
                epochs,
                key=epoch_key,
                help="Scrub through training: 0 is the network before it learned anything.",
            )
        status = job.status()
        what = f"your trained network ({status.epoch} epochs on {job.dataset.name})"
        if epoch < epochs:
            what += f", shown after epoch {epoch}"
        return model_at_epoch(job, epoch), job.dataset, what
    spec, error = state.current_spec()
    if spec is None:
        return None, None, f"The stack can't be read: {error}"
    _, shape_error = summarize_until_error(spec)
    if shape_error is not None:
        return None, None, f"The stack can't be built yet: {shape_error}"
    return untrained_model(spec), None, "the untrained network from the Build page (random starting weights)"


def sample_dataset(model_dataset, input_shape):
    """The dataset to take test images from: the model's own, or an embedded one of the same shape."""
    if model_dataset is not None:
        return model_dataset
    name = SAMPLE_DATASETS.get(tuple(input_shape))
    return cache.named_dataset(name) if name else None


def remember_image(x: np.ndarray, where: str) -> None:
    """Keeps the image last followed on Inspect, so the Learn page can use the same one."""
    st.session_state[IMAGE_KEY] = (np.asarray(x, dtype=np.float32), where)


def remembered_image(input_shape) -> tuple[np.ndarray, str] | None:
    """The image last followed on Inspect, if it fits ``input_shape``."""
    found: Any = st.session_state.get(IMAGE_KEY)
    if found is None or tuple(found[0].shape) != tuple(input_shape):
        return None
    return found


def live_model(job):
    """A copy of a training job's network holding the weights of its last finished epoch.

    Built once per job; its weights are swapped as epochs end, so views can follow training live.
    """
    from visualizer.building import build_model

    checkpoints = job.checkpoints
    if not checkpoints:
        return None
    key = ("live", job.id)
    models = _models()
    if key not in models:
        for stale in [name for name in models if name[0] == "live"]:
            del models[stale]
        models[key] = build_model(job.spec, seed=job.config.seed)
    models[key].set_weights(checkpoints[-1])
    return models[key]
