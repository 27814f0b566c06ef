"""Every ``st.session_state`` key of the app, with typed accessors.

The person's stack lives here as a list of entries ``{"uid": int, "layer":
dict}``: the layer in its JSON form plus a stable id that names its widgets,
so moving a layer keeps its controls. Loading a whole spec (a preset, a file,
a shared URL) gives every layer a fresh id, so its widgets start from the new
values.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from visualizer.errors import SpecError
from visualizer.presets import PRESETS
from visualizer.spec import ModelSpec, layer_from_dict

DEFAULT_PRESET = "lenet5"

INITIALISED = "app_initialised"
STACK = "build_stack"
NEXT_UID = "build_next_uid"
INPUT_SHAPE = "build_input_shape"
NUM_CLASSES = "build_num_classes"
GENERATION = "build_generation"
BUILD_NOTICE = "build_notice"
SHARED_SPEC_PARAM = "spec"


def init() -> None:
    """Initialises the session's state once, from a shared URL if there is one."""
    if st.session_state.get(INITIALISED):
        return
    st.session_state[INITIALISED] = True
    st.session_state[STACK] = []
    st.session_state[NEXT_UID] = 0
    set_spec(PRESETS[DEFAULT_PRESET])
    shared = st.query_params.get(SHARED_SPEC_PARAM)
    if shared:
        try:
            set_spec(ModelSpec.from_json(shared))
            set_notice("success", "Loaded the stack from the shared link.")
        except SpecError as error:
            set_notice("error", f"The shared link's stack could not be loaded: {error}")


def set_spec(spec: ModelSpec) -> None:
    """Replaces the whole stack and the model settings with ``spec``'s."""
    st.session_state[INPUT_SHAPE] = list(spec.input_shape)
    st.session_state[NUM_CLASSES] = spec.num_classes
    st.session_state[STACK] = [new_entry(layer.to_dict()) for layer in spec.layers]
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def generation() -> int:
    """A counter that changes whenever a whole spec is loaded.

    Widgets of model-level settings put it in their keys, so they start from
    the loaded values instead of keeping the old ones.
    """
    return st.session_state[GENERATION]


def set_model_settings(input_shape: list[int], num_classes: int) -> None:
    """Stores the input shape and number of classes the person set."""
    st.session_state[INPUT_SHAPE] = list(input_shape)
    st.session_state[NUM_CLASSES] = num_classes


def new_entry(layer: dict[str, Any]) -> dict[str, Any]:
    """Wraps a layer dict with a fresh uid."""
    uid = st.session_state[NEXT_UID]
    st.session_state[NEXT_UID] = uid + 1
    return {"uid": uid, "layer": dict(layer)}


def stack() -> list[dict[str, Any]]:
    """The session's layer entries, in order (mutable: the Build page edits it)."""
    return st.session_state[STACK]


def spec_dict() -> dict[str, Any]:
    """The session's stack in the JSON form of ``ModelSpec.from_dict``."""
    return {
        "input_shape": list(st.session_state[INPUT_SHAPE]),
        "num_classes": st.session_state[NUM_CLASSES],
        "layers": [entry["layer"] for entry in stack()],
    }


def spec_json() -> str:
    """The session's stack as compact JSON, as put in a shareable URL."""
    return json.dumps(spec_dict(), separators=(",", ":"))


def current_spec() -> tuple[ModelSpec | None, SpecError | None]:
    """The session's stack as a ``ModelSpec``, or the error that prevents it."""
    try:
        return ModelSpec.from_dict(spec_dict()), None
    except SpecError as error:
        return None, error


def set_notice(kind: str, text: str) -> None:
    """Leaves a message (``success``, ``info`` or ``error``) for the Build page."""
    st.session_state[BUILD_NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    """Takes the pending Build page message, if any."""
    return st.session_state.pop(BUILD_NOTICE, None)


NEW_LAYER_DEFAULTS: dict[str, dict[str, Any]] = {
    "conv2d": {"type": "conv2d", "filters": 8, "kernel_size": 3},
    "maxpool2d": {"type": "maxpool2d"},
    "avgpool2d": {"type": "avgpool2d"},
    "globalavgpool2d": {"type": "globalavgpool2d"},
    "flatten": {"type": "flatten"},
    "dense": {"type": "dense", "units": 64},
    "dropout": {"type": "dropout", "rate": 0.5},
    "batchnorm": {"type": "batchnorm"},
}
"""The layer a person gets when adding each type."""


def _position(uid: int) -> int:
    return next(index for index, entry in enumerate(stack()) if entry["uid"] == uid)


def add_layer(layer_type: str) -> None:
    """Appends a new layer of ``layer_type`` with its default settings."""
    stack().append(new_entry(layer_from_dict(NEW_LAYER_DEFAULTS[layer_type]).to_dict()))


def remove_layer(uid: int) -> None:
    """Removes the layer with this uid."""
    del stack()[_position(uid)]


def duplicate_layer(uid: int) -> None:
    """Inserts a copy of the layer with this uid right below it."""
    position = _position(uid)
    stack().insert(position + 1, new_entry(stack()[position]["layer"]))


def move_layer(uid: int, offset: int) -> None:
    """Moves the layer with this uid up (-1) or down (+1), if it can."""
    position = _position(uid)
    target = position + offset
    if 0 <= target < len(stack()):
        entries = stack()
        entries[position], entries[target] = entries[target], entries[position]


# Training.

TRAIN_JOB = "train_job"
TRAINED_JOB = "trained_job"
USER_DATASET = "train_user_dataset"
DATASET_CHOICE = "train_dataset"
EVALUATIONS = "train_evaluations"


def training_job() -> Any:
    """The session's latest training job (queued, running or ended), or None."""
    return st.session_state.get(TRAIN_JOB)


def trained_job() -> Any:
    """The session's latest job that produced a model (finished, or stopped after an epoch), or None.

    A job that fails never replaces it: what a person had is not lost.
    """
    return st.session_state.get(TRAINED_JOB)


def set_training_job(job: Any) -> None:
    """Makes ``job`` the session's current training job."""
    st.session_state[TRAIN_JOB] = job


def set_trained_job(job: Any) -> None:
    """Makes ``job`` the session's trained model."""
    st.session_state[TRAINED_JOB] = job


def user_dataset() -> Any:
    """The dataset the person built from their own images, or None."""
    return st.session_state.get(USER_DATASET)


def set_user_dataset(dataset: Any) -> None:
    """Keeps the person's own dataset for this session."""
    st.session_state[USER_DATASET] = dataset


def evaluation_cache() -> dict:
    """Per-job evaluations of this session, keyed by job id."""
    return st.session_state.setdefault(EVALUATIONS, {})


# Widget values kept across pages (``components.keep`` mirrors a widget's value under its kept key).


def kept_key(key: str) -> str:
    """Where a widget's value is mirrored, so it survives the pages where the widget is not drawn."""
    return f"kept_{key}"


def widget_value(key: str, default: Any) -> Any:
    """A kept widget's value: as drawn this run, else as last kept, else ``default``."""
    return st.session_state.get(key, st.session_state.get(kept_key(key), default))


def preset_widget(key: str, value: Any) -> None:
    """Sets a widget's value for the next time it is drawn (before it is drawn in a run, or from a callback)."""
    st.session_state[key] = value
    st.session_state[kept_key(key)] = value


# The network the Inspect and Learn pages look at.

MODEL_CHOICE = "model_choice"
DEFAULT_MODEL_CHOICE = "shipped:lenet5_digits"
UPLOADED_MODEL = "uploaded_model"


def model_choice() -> str:
    """Which network the views show: ``trained``, ``uploaded``, ``shipped:<name>`` or ``untrained``."""
    return widget_value(MODEL_CHOICE, DEFAULT_MODEL_CHOICE)


def set_model_choice(choice: str) -> None:
    """Selects the network the views show (before its selector is drawn, or from a callback)."""
    preset_widget(MODEL_CHOICE, choice)


def uploaded_model() -> tuple[Any, str] | None:
    """The person's own uploaded model and its file name, or None."""
    return st.session_state.get(UPLOADED_MODEL)


def set_uploaded_model(model: Any, file_name: str) -> None:
    """Keeps the person's uploaded model for this session."""
    st.session_state[UPLOADED_MODEL] = (model, file_name)


COMPARISON = "compare_runs"


def comparison() -> dict | None:
    """The side-by-side runs of this session: ``{"labels": [...], "jobs": [...], "variant": name}``, or None."""
    return st.session_state.get(COMPARISON)


def set_comparison(runs: dict) -> None:
    """Keeps a side-by-side comparison for this session."""
    st.session_state[COMPARISON] = runs


# Lessons and presenter mode.

LESSON = "lesson"
LESSON_PARAM = "lesson"
PRESENTER = "presenter"
PRESENTER_PARAM = "present"
TRAIN_SETTING_KEYS = {
    "epochs": "train_epochs",
    "batch_size": "train_batch_size",
    "optimizer": "train_optimizer",
    "learning_rate": "train_learning_rate",
    "seed": "train_seed",
}
COMPARE_SETTING_KEYS = {
    "variant": "compare_variant",
    "dataset": "compare_dataset",
    "epochs": "compare_epochs",
    "subset": "compare_subset",
    "seed": "compare_seed",
}
LEARN_VIEW = "learn_view"


def lesson() -> Any:
    """The lesson this session follows, or None."""
    return st.session_state.get(LESSON)


def apply_lesson(chosen: Any) -> None:
    """Puts the session in the lesson's state: network, model, data, settings; remembers the lesson."""
    st.session_state[LESSON] = chosen
    set_spec(chosen.spec)
    if chosen.model:
        set_model_choice(f"shipped:{chosen.model}")
    if chosen.dataset:
        preset_widget(DATASET_CHOICE, chosen.dataset)
    if chosen.training is not None:
        for field_name, key in TRAIN_SETTING_KEYS.items():
            preset_widget(key, getattr(chosen.training, field_name))
    for field_name, value in (chosen.compare or {}).items():
        preset_widget(COMPARE_SETTING_KEYS[field_name], value)
    if chosen.learn_view and chosen.page == "learn":
        preset_widget(LEARN_VIEW, chosen.learn_view)


def leave_lesson() -> None:
    """Stops following the lesson (what it set up stays as it is)."""
    st.session_state.pop(LESSON, None)


def presenter() -> bool:
    """Whether presenter mode (large type, editing hidden) is on."""
    return bool(widget_value(PRESENTER, False))


def is_locked(control: str) -> bool:
    """Whether the current lesson fixes ``control`` (``stack``, ``dataset``, ``training``, ``model``)."""
    current = lesson()
    return current is not None and current.is_locked(control)


def shows(section: str) -> bool:
    """Whether the Inspect page shows ``section`` (a lesson may show only some)."""
    current = lesson()
    return current is None or current.shows(section)
