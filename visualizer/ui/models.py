"""The model in hand, shared by the Inspect and Learn pages.

A shipped model (the default, so every view has something to show at once),
the network trained in this session, the person's own uploaded .keras model,
or the untrained stack from the Build page; trained and shipped networks at any
epoch of their training. Models are built once per session and
kept in its state; the pages pass them back into ``visualizer`` functions.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import streamlit as st

from visualizer.errors import InputError
from visualizer.shapes import summarize_until_error
from visualizer.ui import cache, components, state

MODELS_KEY = "inspect_models"
IMAGE_KEY = "inspect_image"
SAMPLE_DATASETS = {(28, 28, 1): "digits", (64, 64, 3): "shapes"}
"""The embedded dataset whose test images fit a model of this input shape."""


def _models() -> dict:
    """Per-session cache of models built for inspection (untrained ones, checkpoint copies)."""
    return st.session_state.setdefault(MODELS_KEY, {})


def _session_model(kind: str, key: Any, build):
    """This session's one model of ``kind`` (untrained, scrub, live) for ``key``; built when the key changes."""
    models = _models()
    if (kind, key) not in models:
        for stale in [name for name in models if name[0] == kind]:
            del models[stale]
        models[(kind, key)] = build()
    return models[(kind, key)]


def untrained_model(spec):
    """The current stack with its seed-0 starting weights, built once per stack."""
    from visualizer.building import build_model

    return _session_model("untrained", spec.to_json(indent=None), lambda: build_model(spec, seed=0))


def model_at_epoch(job, epoch: int):
    """The trained job's model with the weights it had after ``epoch`` epochs (0 = before training).

    One copy per job is kept and its weights swapped, so its compiled views are reused at every epoch.
    """
    from visualizer.introspection import model_at

    checkpoints = job.checkpoints
    if epoch >= len(checkpoints) - 1:
        return job.model
    if getattr(job, "shipped", False):
        return job.model_at(epoch)  # read-only: one copy per epoch, shared by every session
    model = _session_model("scrub", job.id, lambda: model_at(job.model, checkpoints[epoch]))
    model.set_weights(checkpoints[epoch])
    return model


class Chosen(NamedTuple):
    """The network a page shows, or why there is none.

    Attributes:
        model: The Keras model, or None (then ``what`` says why).
        dataset: The data it learned, when known.
        what: A sentence saying what it is.
        plain: Whether it is a plain stack of layers, so every view applies.
    """

    model: Any
    dataset: Any
    what: str
    plain: bool = True


def _options() -> dict[str, str]:
    options: dict[str, str] = {}
    if state.trained_job() is not None:
        options["trained"] = "Your trained network"
    uploaded = state.uploaded_model()
    if uploaded is not None:
        options["uploaded"] = f"Your model: {uploaded[1]}"
    for entry in cache.shipped_models():
        options[f"shipped:{entry['name']}"] = f"{entry['title']} (shipped, {entry['test_accuracy']:.1%} test accuracy)"
    options["untrained"] = "The untrained stack from the Build page"
    return options


def _on_upload(key: str) -> None:
    from visualizer.pretrained import load_user_model

    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    try:
        model = load_user_model(uploaded.getvalue())
    except InputError as error:
        state.set_notice("error", f"{uploaded.name}: {error}")
        return
    state.set_uploaded_model(model, uploaded.name)
    state.set_model_choice("uploaded")
    state.set_notice(
        "success", f"Loaded {uploaded.name}: {len(model.layers)} layers, {model.count_params():,} parameters."
    )


MODEL_CHOICE_KEY = state.MODEL_CHOICE
UPLOAD_MODEL_KEY = "model_upload"


def model_uploader() -> None:
    """A file uploader for a person's own ``.keras`` model (checked before it is loaded)."""
    st.file_uploader(
        "Your own Keras model (.keras)",
        type=["keras"],
        key=UPLOAD_MODEL_KEY,
        on_change=_on_upload,
        args=(UPLOAD_MODEL_KEY,),
        help="Saved with model.save('name.keras'). Only plain Keras layers are accepted: files that could run "
        "code (Lambda layers, custom classes) are refused.",
    )


def _run_model(run, epoch_key: str, what: str) -> Chosen:
    epochs = len(run.checkpoints) - 1
    epoch = epochs
    if epochs >= 1:
        epoch = st.slider(
            "Epoch",
            0,
            epochs,
            epochs,
            key=epoch_key,
            help="Scrub through training: 0 is the network before it learned anything.",
        )
    if epoch < epochs:
        what += f", shown after epoch {epoch}"
    return Chosen(model_at_epoch(run, epoch), run.dataset, what)


def choose_model(epoch_key: str, selector: bool = True) -> Chosen:
    """The network to look at, picked with a selector (shipped, trained, uploaded or untrained).

    Shows an epoch slider (under ``epoch_key``) for a network with an epoch series.
    """
    options = _options()
    if state.model_choice() not in options:
        state.set_model_choice("trained" if "trained" in options else next(iter(options)))
    components.keep(MODEL_CHOICE_KEY, state.model_choice())
    if selector:
        st.selectbox(
            "Network",
            list(options),
            format_func=options.get,
            key=MODEL_CHOICE_KEY,
            on_change=components.remember,
            args=(MODEL_CHOICE_KEY,),
        )
    choice = st.session_state[MODEL_CHOICE_KEY]
    if choice == "trained":
        job = state.trained_job()
        status = job.status()
        return _run_model(job, epoch_key, f"your trained network ({status.epoch} epochs on {job.dataset.name})")
    if choice == "uploaded":
        from visualizer.pretrained import is_plain_stack

        model, name = state.uploaded_model()
        return Chosen(model, None, f"your model {name}", is_plain_stack(model))
    if choice.startswith("shipped:"):
        name = choice.split(":", 1)[1]
        try:
            run = cache.shipped_run(name)
        except InputError as error:
            return Chosen(None, None, str(error))
        return _run_model(run, epoch_key, f"{run.title} ({len(run.checkpoints) - 1} epochs, shipped with the app)")
    spec, error = state.current_spec()
    if spec is None:
        return Chosen(None, None, f"The stack can't be read: {error}")
    _, shape_error = summarize_until_error(spec)
    if shape_error is not None:
        return Chosen(None, None, f"The stack can't be built yet: {shape_error}")
    return Chosen(untrained_model(spec), None, "the untrained network from the Build page (random starting weights)")


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
    model = _session_model("live", job.id, lambda: build_model(job.spec, seed=job.config.seed))
    model.set_weights(checkpoints[-1])
    return model
