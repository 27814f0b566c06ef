"""The session's slots, read and written through typed functions (with ``player``, all that touches session state).

Key names come from ``keys``; the stack being edited is a ``stack.EditableStack`` kept
under ``keys.STACK``; the epoch player's own state is in ``player``. Here: reading and
presetting widgets, the start of a session, the stack, notices, the training jobs, the
network the views show, the image followed, the comparison, lessons and presenter mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from visualizer.errors import SpecError
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.ui.keys import (
    COMPARE_SETTINGS,
    COMPARISON,
    COMPARISON_RESULTS,
    DECODED_UPLOADS,
    DEFAULT_MODEL_CHOICE,
    DEFAULT_PRESET,
    GENERATION,
    IMAGE,
    INITIALISED,
    JUST_REPLACED,
    LESSON,
    LESSON_OPENED,
    MODEL_CHOICE,
    NOTICE,
    REPLACED_STACK,
    RESULTS,
    SHARED_SPEC_PARAM,
    STACK,
    STOPPED_JOB,
    TRAIN_JOB,
    TRAIN_SETTINGS,
    TRAINED_JOB,
    UNTRAINED_MODEL,
    UPLOADED_MODEL,
    USER_DATASET,
    App,
    Inspect,
    Learn,
    Network,
    Train,
)
from visualizer.ui.stack import EditableStack

if TYPE_CHECKING:  # types only: the pages reach the backend inside functions
    import numpy as np

    from visualizer.backend.engine import keras
    from visualizer.data.dataset import Dataset
    from visualizer.lessons import Lesson
    from visualizer.training.job import TrainingJob

# Reading widgets (from callbacks and pages).


def value(key: str, default: Any = None) -> Any:
    """A widget's current value, or ``default`` before it is first drawn."""
    return st.session_state.get(key, default)


def training_config() -> TrainingConfig:
    """The Train page's settings as they stand (the defaults before the page is first drawn)."""
    defaults = TrainingConfig()
    return TrainingConfig(
        epochs=int(value(Train.EPOCHS, defaults.epochs)),
        batch_size=int(value(Train.BATCH_SIZE, defaults.batch_size)),
        optimizer=value(Train.OPTIMIZER, defaults.optimizer),
        learning_rate=float(value(Train.LEARNING_RATE, defaults.learning_rate)),
        seed=int(value(Train.SEED, defaults.seed)),
        augmentation=tuple(value(Train.AUGMENTATION, defaults.augmentation) or ()),
    )


def preset(key: str, new_value: Any) -> None:
    """Sets a widget's value for the next time it is drawn (before it is drawn in a run, or from a callback)."""
    st.session_state[key] = new_value


# Start of a session.


def init() -> None:
    """Initialises the session's state once, from a shared URL if there is one."""
    if st.session_state.get(INITIALISED):
        return
    st.session_state[INITIALISED] = True
    st.session_state[STACK] = EditableStack()
    set_spec(PRESETS[DEFAULT_PRESET])
    shared = st.query_params.get(SHARED_SPEC_PARAM)
    if shared:
        try:
            set_spec(ModelSpec.from_json(shared))
            set_notice("success", "Loaded the stack from the shared link.")
        except SpecError as error:
            set_notice("error", f"The shared link's stack could not be loaded: {error}")


# The person's stack (a ``stack.EditableStack``; the edits are callbacks of the Build page).


def editable() -> EditableStack:
    """The session's stack being edited (mutable: the Build page edits it)."""
    return st.session_state[STACK]


def set_spec(spec: ModelSpec) -> None:
    """Replaces the whole stack and the model settings with ``spec``'s."""
    editable().load(spec)
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def replace_spec(spec: ModelSpec) -> None:
    """Replaces the stack with ``spec``'s (a preset, a file), keeping the one it replaces for ``undo_replace``."""
    st.session_state[REPLACED_STACK] = editable().copy()
    st.session_state[JUST_REPLACED] = True
    set_spec(spec)


def pop_just_replaced() -> bool:
    """Whether the stack was just replaced (once: the page offers to undo it right after)."""
    return bool(st.session_state.pop(JUST_REPLACED, False)) and can_undo_replace()


def can_undo_replace() -> bool:
    """Whether a stack replaced by a preset or a file can be brought back."""
    return REPLACED_STACK in st.session_state


def undo_replace() -> None:
    """Brings back the stack the last preset or file replaced, as it was (even one that did not build)."""
    replaced = st.session_state.pop(REPLACED_STACK, None)
    if replaced is None:
        return
    replaced.next_uid = max(replaced.next_uid, editable().next_uid)  # uids never reused
    st.session_state[STACK] = replaced
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def generation() -> int:
    """A counter that changes whenever a whole spec is loaded (``keys.Build.setting`` puts it in its keys)."""
    return st.session_state[GENERATION]


def input_shape() -> list[int]:
    """The input shape the person set, ``[height, width, channels]``."""
    return list(editable().input_shape)


def num_classes() -> int:
    """The number of classes the person set."""
    return int(editable().num_classes)


def set_model_settings(shape: list[int], classes: int) -> None:
    """Stores the input shape and number of classes the person set."""
    editable().input_shape = list(shape)
    editable().num_classes = classes


def spec_json() -> str:
    """The session's stack as compact JSON, as put in a shareable URL."""
    return editable().to_json()


def current_spec() -> tuple[ModelSpec | None, SpecError | None]:
    """The session's stack as a ``ModelSpec``, or the error that prevents it."""
    return editable().to_spec()


def add_layer(layer_type: str) -> None:
    """Appends a new layer (or block) of ``layer_type`` (a callback)."""
    editable().add_layer(layer_type)


def add_inner_layer(uid: int, path: int, layer_type: str) -> None:
    """Appends a new layer to one path of a block (a callback)."""
    editable().add_inner_layer(uid, path, layer_type)


def add_branch(uid: int) -> None:
    """Adds a branch to a branch block (a callback)."""
    editable().add_branch(uid)


def remove_branch(uid: int, path: int) -> None:
    """Removes one branch of a branch block (a callback)."""
    editable().remove_branch(uid, path)


def remove_layer(uid: int) -> None:
    """Removes a layer or block (a callback)."""
    editable().remove_layer(uid)


def duplicate_layer(uid: int) -> None:
    """Copies a layer or block right below it (a callback)."""
    editable().duplicate_layer(uid)


def move_layer(uid: int, offset: int) -> None:
    """Moves a layer up (-1) or down (+1) (a callback)."""
    editable().move_layer(uid, offset)


# Messages left for the next page run.


def set_notice(kind: str, text: str) -> None:
    """Leaves a message (``success``, ``info`` or ``error``) for the page the person sees next."""
    st.session_state[NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    """Takes the pending message, if any."""
    return st.session_state.pop(NOTICE, None)


# Training.


def training_job() -> TrainingJob | None:
    """The session's latest training job (queued, running or ended), or None."""
    return st.session_state.get(TRAIN_JOB)


def trained_job() -> TrainingJob | None:
    """The session's latest finished job, or None.

    Only a finished run replaces it: a failed or stopped one never does, so what a person had is not lost.
    """
    return st.session_state.get(TRAINED_JOB)


def stopped_job() -> TrainingJob | None:
    """The session's latest run stopped after at least one epoch (kept under its own name), or None."""
    return st.session_state.get(STOPPED_JOB)


def set_stopped_job(job: TrainingJob) -> None:
    """Keeps a stopped run's network beside the finished one."""
    st.session_state[STOPPED_JOB] = job


def set_training_job(job: TrainingJob) -> None:
    """Makes ``job`` the session's current training job."""
    st.session_state[TRAIN_JOB] = job


def set_trained_job(job: TrainingJob) -> None:
    """Makes ``job`` the session's trained model."""
    st.session_state[TRAINED_JOB] = job


def user_dataset() -> Dataset | None:
    """The dataset the person built from their own images, or None."""
    return st.session_state.get(USER_DATASET)


def set_user_dataset(dataset: Dataset) -> None:
    """Keeps the person's own dataset for this session."""
    st.session_state[USER_DATASET] = dataset


def decoded_upload(key: str, file_id: str, decode: Callable[[], Any]) -> Any:
    """What ``decode()`` made of the file now in the uploader ``key``, decoded once per file and session.

    Not on every rerun: the last file of each uploader is kept (an error is raised again each time, not kept).
    """
    kept = st.session_state.setdefault(DECODED_UPLOADS, {})
    found = kept.get(key)
    if found is None or found[0] != file_id:
        kept[key] = (file_id, decode())
    return kept[key][1]


def results_cache(job_id: Any) -> dict:
    """What was computed for one trained job's results (its evaluation, its archive); one job at a time."""
    cache = st.session_state.setdefault(RESULTS, {})
    if job_id not in cache:
        cache.clear()  # one trained model per session: keep memory flat
        cache[job_id] = {}
    return cache[job_id]


# The network the Inspect and Learn pages look at.


def model_choice() -> str:
    """Which network the views show: ``trained``, ``stopped``, ``uploaded``, ``shipped:<name>`` or ``untrained``."""
    return st.session_state.get(MODEL_CHOICE, DEFAULT_MODEL_CHOICE)


def set_model_choice(choice: str) -> None:
    """Selects the network the views show, on every page that shows one."""
    st.session_state[MODEL_CHOICE] = choice
    st.session_state[Network.SELECTOR] = choice


def sync_model_selector(options: list[str]) -> None:
    """Before the selector is drawn: the shared choice (valid for ``options``) becomes the selector's value.

    The Inspect and Learn pages each draw the selector; the choice is kept outside the widget so that
    both show the same network.
    """
    choice = model_choice()
    if choice not in options:
        choice = "trained" if "trained" in options else options[0]
    set_model_choice(choice)


def commit_model_selector() -> None:
    """``on_change`` of the selector: the picked network becomes the shared choice."""
    st.session_state[MODEL_CHOICE] = st.session_state[Network.SELECTOR]


def uploaded_model() -> tuple[keras.Model, str] | None:
    """The person's own uploaded model and its file name, or None."""
    return st.session_state.get(UPLOADED_MODEL)


def set_uploaded_model(model: keras.Model, file_name: str) -> None:
    """Keeps the person's uploaded model for this session."""
    st.session_state[UPLOADED_MODEL] = (model, file_name)


def untrained_model(spec_json_text: str, build: Callable[[], keras.Model]) -> keras.Model:
    """The session's untrained model of this stack, built by ``build()`` when the stack changed."""
    found = st.session_state.get(UNTRAINED_MODEL)
    if found is None or found[0] != spec_json_text:
        found = (spec_json_text, build())
        st.session_state[UNTRAINED_MODEL] = found
    return found[1]


def picked_item(layer_names: list[str]) -> tuple[str, int] | None:
    """The (layer, item) last clicked in the Inspect overview, if that layer is one of ``layer_names``."""
    found = (st.session_state.get(Inspect.OVERVIEW) or {}).get("selected")
    if not isinstance(found, dict) or found.get("column") not in layer_names:
        return None
    try:
        return str(found["column"]), max(0, int(found.get("item", 0)))
    except (TypeError, ValueError):
        return None


def remember_image(x: np.ndarray, where: str) -> None:
    """Keeps the image (H, W, C) last followed on Inspect, so the Learn page can use the same one."""
    st.session_state[IMAGE] = (x, where)


def remembered_image(shape: tuple[int, ...] | None = None) -> tuple[np.ndarray, str] | None:
    """The image last followed on Inspect (if it fits ``shape`` when one is given), with where it came from."""
    found: Any = st.session_state.get(IMAGE)
    if found is None or (shape is not None and tuple(found[0].shape) != tuple(shape)):
        return None
    return found


# Compare.


def comparison() -> dict | None:
    """The side-by-side runs of this session: ``{"labels": [...], "jobs": [...], "variant": name}``, or None."""
    return st.session_state.get(COMPARISON)


def set_comparison(runs: dict) -> None:
    """Keeps a side-by-side comparison for this session."""
    st.session_state[COMPARISON] = runs


def comparison_results() -> dict:
    """Per-job results of the comparison (training and test accuracy), computed once per job."""
    return st.session_state.setdefault(COMPARISON_RESULTS, {})


# Lessons and presenter mode.


def lesson() -> Lesson | None:
    """The lesson this session follows, or None."""
    return st.session_state.get(LESSON)


def apply_lesson(chosen: Lesson) -> None:
    """Puts the session in the lesson's state: network, model, data, settings; remembers the lesson."""
    st.session_state[LESSON] = chosen
    st.session_state[LESSON_OPENED] = True
    set_spec(chosen.spec)
    if chosen.model:
        set_model_choice(f"shipped:{chosen.model}")
    if chosen.dataset:
        preset(Train.DATASET, chosen.dataset)
    if chosen.training is not None:
        for field_name, key in TRAIN_SETTINGS.items():
            setting = getattr(chosen.training, field_name)
            preset(key, list(setting) if isinstance(setting, tuple) else setting)  # a multiselect holds a list
    for field_name, setting in (chosen.compare or {}).items():
        preset(COMPARE_SETTINGS[field_name], setting)
    if chosen.learn_view and chosen.page == "learn":
        preset(Learn.VIEW, chosen.learn_view)


def pop_lesson_opened() -> Lesson | None:
    """The lesson just opened from a link (once), so the app can go to its page."""
    if st.session_state.pop(LESSON_OPENED, False):
        return lesson()
    return None


def leave_lesson() -> None:
    """Stops following the lesson (what it set up stays as it is)."""
    st.session_state.pop(LESSON, None)


def presenter() -> bool:
    """Whether presenter mode (large type, editing hidden) is on."""
    return bool(st.session_state.get(App.PRESENTER, False))


def is_locked(control: str) -> bool:
    """Whether the current lesson fixes ``control`` (``stack``, ``dataset``, ``training``, ``model``)."""
    current = lesson()
    return current is not None and current.is_locked(control)


def shows(section: str) -> bool:
    """Whether the Inspect page shows ``section`` (a lesson may show only some)."""
    current = lesson()
    return current is None or current.shows(section)
