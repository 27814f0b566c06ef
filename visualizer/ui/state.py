"""Every ``st.session_state`` key of the app, widget keys included, with typed accessors.

Nothing else in the app names a key: pages take widget keys from the classes
below (``Build.PRESET``, ``Inspect.maps(layer)``...) and read and write the
session through the functions here. A test fails when any other module writes
a key as a string or touches ``st.session_state``.

Widgets whose value should survive a visit to another page are drawn with
``persist_state=PERSIST`` (Streamlit keeps them for the session); a lesson
presets them by writing their keys here before they are drawn.

The person's stack lives here as a list of entries ``{"uid": int, "layer":
dict}``: the layer in its JSON form plus a stable id that names its widgets,
so moving a layer keeps its controls. Loading a whole spec (a preset, a file,
a shared URL) gives every layer a fresh id, so its widgets start from the new
values.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from visualizer.errors import SpecError
from visualizer.model.blocks import BLOCKS, MAX_BRANCHES, join_paths, new_block, split_paths
from visualizer.model.layers import new_layer
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig

PERSIST = "session"
"""``persist_state`` of widgets kept for the whole session, across pages."""

# Query parameters (the URL, not session state; named here too so that no page spells them).
SHARED_SPEC_PARAM = "spec"
LESSON_PARAM = "lesson"
PRESENTER_PARAM = "present"
VIEW_PARAM = "view"

# The session's own data (tests read these keys too).
INITIALISED = "app_initialised"
STACK = "build_stack"
NEXT_UID = "build_next_uid"
INPUT_SHAPE = "build_input_shape"
NUM_CLASSES = "build_num_classes"
GENERATION = "build_generation"
REPLACED_STACK = "build_replaced_stack"
JUST_REPLACED = "build_just_replaced"
NOTICE = "app_notice"
TRAIN_JOB = "train_job"
TRAINED_JOB = "trained_job"
DECODED_UPLOADS = "decoded_uploads"
STOPPED_JOB = "stopped_job"
USER_DATASET = "train_user_dataset"
RESULTS = "train_results"
MODEL_CHOICE = "network_choice"
UPLOADED_MODEL = "uploaded_model"
UNTRAINED_MODEL = "untrained_model"
IMAGE = "inspect_image"
COMPARISON = "compare_runs"
COMPARISON_RESULTS = "compare_results"
LESSON = "lesson"
LESSON_OPENED = "lesson_just_opened"

DEFAULT_PRESET = "lenet5"
DEFAULT_MODEL_CHOICE = "shipped:lenet5_digits"


# Widget keys, page by page.


class App:
    """Widgets of the frame around every page (the sidebar)."""

    PRESENTER = "presenter"
    LESSON_LEAVE = "lesson_leave"


class Home:
    """Widgets of the Home page."""

    START = "home_start"


class Build:
    """Widgets of the Build page."""

    UPLOAD = "build_upload"
    PRESET = "build_preset"
    ADD_TYPE = "build_add_type"
    ADD_LAYER = "build_add_layer"
    UNDO = "build_undo"
    DIAGRAM = "build_diagram"
    DOWNLOAD_CODE = "build_download_code"
    DOWNLOAD_SPEC = "build_download_spec"
    DOWNLOAD_NOTEBOOK = "build_download_notebook"

    @staticmethod
    def setting(name: str) -> str:
        """The input shape and classes' inputs (``height``, ``width``, ``channels``, ``classes``), per loaded spec."""
        return f"build_{name}_{generation()}"

    @staticmethod
    def card(uid: int) -> str:
        """The container of one layer's card."""
        return f"layer_card_{uid}"

    @staticmethod
    def layer(uid: int, part: str) -> str:
        """A control of one layer: a field (``filters``, ``kernel_size_h``...) or a button (``up``, ``remove``...)."""
        return f"layer_{uid}_{part}"


class Train:
    """Widgets of the Train page."""

    DATASET = "train_dataset"
    EPOCHS = "train_epochs"
    BATCH_SIZE = "train_batch_size"
    OPTIMIZER = "train_optimizer"
    LEARNING_RATE = "train_learning_rate"
    SEED = "train_seed"
    AUGMENTATION = "train_augmentation"
    AUGMENTED = "train_augmented"
    OWN_SIDE = "train_own_side"
    OWN_COLOUR = "train_own_colour"
    ZIP = "train_zip"
    BUILD_ZIP = "train_build_zip"
    CLASS_COUNT = "train_class_count"
    BUILD_CLASSES = "train_build_classes"
    SHOW_SAMPLES = "train_show_samples"
    SAMPLES = "train_samples"
    ADOPT = "train_adopt"
    START = "train_start"
    STOP = "train_stop"
    LIVE_CURVES = "train_live_curves"
    PER_CLASS = "train_per_class"
    CONFUSION = "train_confusion"
    GALLERY = "train_gallery"
    DOWNLOAD_MODEL = "train_download_model"
    DOWNLOAD_HISTORY = "train_download_history"
    DOWNLOAD_NOTEBOOK = "train_download_notebook"

    @staticmethod
    def class_name(index: int) -> str:
        """The name input of one class, when images are added class by class."""
        return f"train_class_name_{index}"

    @staticmethod
    def class_files(index: int) -> str:
        """The image uploader of one class."""
        return f"train_class_files_{index}"


TRAIN_SETTINGS: dict[str, str] = {
    "epochs": Train.EPOCHS,
    "batch_size": Train.BATCH_SIZE,
    "optimizer": Train.OPTIMIZER,
    "learning_rate": Train.LEARNING_RATE,
    "seed": Train.SEED,
    "augmentation": Train.AUGMENTATION,
}
"""``TrainingConfig`` field -> the Train page widget that sets it (lessons preset them)."""


class Network:
    """Widgets that choose the network the Inspect and Learn pages look at."""

    SELECTOR = "model_choice"
    UPLOAD = "model_upload"


class StepKeys:
    """The controls and charts of one training step in numbers (``ui.backprop``), under a page's prefix."""

    def __init__(self, prefix: str) -> None:
        self.label = f"{prefix}_label"
        self.layer = f"{prefix}_layer"
        self.filter = f"{prefix}_filter"
        self.weight = f"{prefix}_weight"
        self.rate = f"{prefix}_rate"
        self.scores = f"{prefix}_scores"
        self.inputs = f"{prefix}_inputs"
        self.output_gradient = f"{prefix}_output_gradient"
        self.prefix = prefix

    def kernel(self, title: str) -> str:
        """One of the three kernel grids (now, its gradient, after)."""
        return f"{self.prefix}_kernel_{title.split()[0]}"


class Inspect:
    """Widgets of the Inspect page."""

    PINNED = "inspect_pinned"
    SOURCE = "inspect_source"
    UPLOAD = "inspect_upload"
    SAMPLE = "inspect_sample"
    FIT = "inspect_fit"
    CANVAS = "inspect_canvas"
    EPOCH = "inspect_epoch"
    OVERVIEW = "inspect_overview"
    TABS = "inspect_tabs"
    WALK = "inspect_walk"
    SHARED_SCALE = "inspect_shared_scale"
    SURGERY_LAYER = "inspect_surgery_layer"
    SURGERY_ACTION = "inspect_surgery_action"
    SURGERY_BEFORE = "inspect_surgery_before"
    SURGERY_AFTER = "inspect_surgery_after"
    SURGERY_MAPS = "inspect_surgery_maps"
    PROBE_DX = "inspect_probe_dx"
    PROBE_DY = "inspect_probe_dy"
    PROBE_ANGLE = "inspect_probe_angle"
    PROBE_NOISE = "inspect_probe_noise"
    PROBE_COVER = "inspect_probe_cover"
    PROBE_SIZE = "inspect_probe_size"
    PROBE_ROW = "inspect_probe_row"
    PROBE_COL = "inspect_probe_col"
    PROBE_IMAGE = "inspect_probe_image"
    PROBE_BARS = "inspect_probe_bars"
    OCCLUSION = "inspect_occlusion"
    OCCLUSION_MAP = "inspect_occlusion_map"
    ADV_EPSILON = "inspect_adv_epsilon"
    ADV_METHOD = "inspect_adv_method"
    ADV_STEPS = "inspect_adv_steps"
    ADV_TARGET = "inspect_adv_target"
    ADV_ORIGINAL = "inspect_adv_original"
    ADV_CHANGE = "inspect_adv_change"
    ADV_CHANGED = "inspect_adv_changed"
    ADV_BARS = "inspect_adv_bars"
    ADV_SMALLEST = "inspect_adv_smallest"
    EMBEDDING_LAYER = "inspect_embedding_layer"
    EMBEDDING_METHOD = "inspect_embedding_method"
    EMBEDDING_CHART = "inspect_embedding_chart"
    FILTERS_LAYER = "inspect_filters_layer"
    FILTERS_RUN = "inspect_filters_run"
    FILTERS_GRID = "inspect_filters_grid"
    STEP = StepKeys("inspect_step")
    WEIGHTS_LAYER = "inspect_weights_layer"
    WEIGHTS_CHART = "inspect_weights_chart"
    GRADIENTS_CHART = "inspect_gradients_chart"
    EXPLAIN_CLASS = "inspect_explain_class"
    GRAD_CAM = "inspect_gradcam"
    SALIENCY = "inspect_saliency"

    @staticmethod
    def invert(name: str) -> str:
        """The invert switch of one uploaded file."""
        return f"inspect_invert_{name}"

    @staticmethod
    def maps(layer: str) -> str:
        """One layer's grid of feature maps (clickable)."""
        return f"inspect_maps_{layer}"

    @staticmethod
    def enlarge(layer: str) -> str:
        """The map-to-enlarge selector of one layer."""
        return f"inspect_enlarge_{layer}"

    @staticmethod
    def enlarged(layer: str) -> str:
        """The enlarged map of one layer."""
        return f"inspect_map_big_{layer}"

    @staticmethod
    def vector(layer: str) -> str:
        """The bars of one dense layer's output."""
        return f"inspect_vector_{layer}"

    @staticmethod
    def kernels(layer: str) -> str:
        """One conv layer's kernel grid."""
        return f"inspect_kernels_{layer}"

    @staticmethod
    def colour_kernels(layer: str) -> str:
        """One conv layer's kernels as colour images."""
        return f"inspect_colour_{layer}"

    @staticmethod
    def surgery_filter(layer: str) -> str:
        """The filter chosen for surgery in one layer."""
        return f"inspect_surgery_filter_{layer}"


class Compare:
    """Widgets of the Compare page."""

    VARIANT = "compare_variant"
    DATASET = "compare_dataset"
    EPOCHS = "compare_epochs"
    SUBSET = "compare_subset"
    SEED = "compare_seed"
    ADOPT = "compare_adopt"
    START = "compare_start"
    STOP = "compare_stop"
    CURVES = "compare_curves"
    TABLE = "compare_table"

    @staticmethod
    def kernels(position: int) -> str:
        """The first-layer kernels of the first (0) or second (1) network."""
        return f"compare_kernels_{position}"


COMPARE_SETTINGS: dict[str, str] = {
    "variant": Compare.VARIANT,
    "dataset": Compare.DATASET,
    "epochs": Compare.EPOCHS,
    "subset": Compare.SUBSET,
    "seed": Compare.SEED,
}
"""Lesson ``compare`` field -> the Compare page widget that sets it."""


class Learn:
    """Widgets of the Learn page."""

    VIEW = "learn_view"
    EPOCH = "learn_epoch"
    STEP = StepKeys("learn_step")
    SKIP_SEED = "learn_skip_seed"
    SKIP_CHART = "learn_skip_chart"
    SKIP_COMPARE = "learn_skip_compare"
    ACTIVATIONS = "learn_activations"
    SLOPE = "learn_slope"
    ALPHA = "learn_alpha"
    RANGE = "learn_range"
    CURVES_CHART = "learn_curves_chart"
    DEPTH = "learn_depth"
    START = "learn_start"
    DEPTH_CHART = "learn_depth_chart"
    IMAGE_SOURCE = "learn_image_source"
    UPLOAD = "learn_upload"
    IMAGE_INDEX = "learn_image_index"
    KERNEL_NAME = "learn_kernel_name"
    KERNEL_SIZE = "learn_kernel_size"
    STRIDE = "learn_stride"
    PADDING = "learn_padding"
    PER_CHANNEL = "learn_per_channel"
    KERNEL_INPUT = "learn_kernel_input"
    KERNEL_GRID = "learn_kernel_grid"
    KERNEL_OUTPUT = "learn_kernel_output"
    POOL_KIND = "learn_pool_kind"
    POOL_SIZE = "learn_pool_size"
    POOL_WINDOW = "learn_pool_window"
    POOL_STRIDE = "learn_pool_stride"
    POOL_SEED = "learn_pool_seed"
    POOL_CELL = "learn_pool_cell"
    POOL_INPUT = "learn_pool_input"
    POOL_OUTPUT = "learn_pool_output"
    USE_INSPECT = "learn_use_inspect"
    MODEL_IMAGE = "learn_model_image"
    TEMPERATURE = "learn_temperature"
    LOGITS_CHART = "learn_logits_chart"
    DENSE_CLASS = "learn_dense_class"
    CONTRIBUTIONS_CHART = "learn_contributions_chart"
    DROPOUT_RATE = "learn_dropout_rate"
    DROPOUT_SEED = "learn_dropout_seed"
    DROPOUT_CHART = "learn_dropout_chart"
    SPREAD_CHART = "learn_spread_chart"

    @staticmethod
    def open_card(index: int) -> str:
        """The "Try it" button of one concept card."""
        return f"learn_open_{index}"

    @staticmethod
    def kernel_editor(name: str, size: int) -> str:
        """The kernel's number editor, one per (kernel, size) so edits are kept (streamlit#7749)."""
        return f"learn_kernel_{name}_{size}"

    @staticmethod
    def histogram(layer: str) -> str:
        """One layer's pre-activation histogram."""
        return f"learn_hist_{layer}"


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


# Playing through the epochs of an epoch slider.


def play_key(epoch_key: str) -> str:
    """The play / pause button of the epoch slider under ``epoch_key``."""
    return f"{epoch_key}_play"


def playing(epoch_key: str) -> bool:
    """Whether the epoch slider under ``epoch_key`` is playing through the epochs."""
    return bool(st.session_state.get(f"{epoch_key}_playing", False))


def toggle_play(epoch_key: str, last: int) -> None:
    """Starts or stops playing (a callback); playing from the last epoch starts again from epoch 0."""
    start = not playing(epoch_key)
    st.session_state[f"{epoch_key}_playing"] = start
    if start:
        if st.session_state.get(epoch_key, last) >= last:
            st.session_state[epoch_key] = 0
        st.session_state[f"{epoch_key}_moved_at"] = time.monotonic()


def stop_playing(epoch_key: str) -> None:
    """Stops playing (the network or its epochs changed)."""
    st.session_state[f"{epoch_key}_playing"] = False


def advance_epoch(epoch_key: str, last: int, interval: float) -> bool:
    """Moves a playing slider one epoch on once ``interval`` seconds have passed since it last moved.

    Returns:
        Whether anything changed (the slider moved, or it reached ``last`` and stopped playing).
    """
    if not playing(epoch_key) or time.monotonic() - st.session_state.get(f"{epoch_key}_moved_at", 0.0) < interval:
        return False
    current = int(st.session_state.get(epoch_key, last))
    if current >= last:
        stop_playing(epoch_key)
        return True
    st.session_state[epoch_key] = current + 1
    st.session_state[f"{epoch_key}_moved_at"] = time.monotonic()
    if current + 1 >= last:
        stop_playing(epoch_key)
    return True


# Start of a session.


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


# The person's stack.


def set_spec(spec: ModelSpec) -> None:
    """Replaces the whole stack and the model settings with ``spec``'s."""
    st.session_state[INPUT_SHAPE] = list(spec.input_shape)
    st.session_state[NUM_CLASSES] = spec.num_classes
    st.session_state[STACK] = [new_entry(layer.to_dict()) for layer in spec.layers]
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def replace_spec(spec: ModelSpec) -> None:
    """Replaces the stack with ``spec``'s (a preset, a file), keeping the one it replaces for ``undo_replace``."""
    st.session_state[REPLACED_STACK] = {
        INPUT_SHAPE: input_shape(),
        NUM_CLASSES: num_classes(),
        STACK: copy.deepcopy(stack()),
    }
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
    st.session_state.update(replaced)
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def generation() -> int:
    """A counter that changes whenever a whole spec is loaded.

    Widgets of model-level settings put it in their keys, so they start from
    the loaded values instead of keeping the old ones.
    """
    return st.session_state[GENERATION]


def input_shape() -> list[int]:
    """The input shape the person set, ``[height, width, channels]``."""
    return list(st.session_state[INPUT_SHAPE])


def num_classes() -> int:
    """The number of classes the person set."""
    return int(st.session_state[NUM_CLASSES])


def set_model_settings(shape: list[int], classes: int) -> None:
    """Stores the input shape and number of classes the person set."""
    st.session_state[INPUT_SHAPE] = list(shape)
    st.session_state[NUM_CLASSES] = classes


def new_entry(layer: dict[str, Any]) -> dict[str, Any]:
    """Wraps a layer dict with a fresh uid; a block's inner layers become entries of their own, per path.

    A block's entry is ``{"uid", "layer": its settings without the inner layers, "paths": [[entry...]...]}``:
    every inner layer has its own uid, so its widgets keep their values when others move.
    """
    uid = st.session_state[NEXT_UID]
    st.session_state[NEXT_UID] = uid + 1
    if layer.get("type") not in BLOCKS:
        return {"uid": uid, "layer": dict(layer)}
    settings, paths = split_paths(layer)
    return {"uid": uid, "layer": settings, "paths": [[new_entry(inner) for inner in path] for path in paths]}


def entry_dict(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry back in the spec's JSON form (a block with its inner layers)."""
    if "paths" not in entry:
        return entry["layer"]
    return join_paths(entry["layer"], [[inner["layer"] for inner in path] for path in entry["paths"]])


def stack() -> list[dict[str, Any]]:
    """The session's layer entries, in order (mutable: the Build page edits it)."""
    return st.session_state[STACK]


def spec_dict() -> dict[str, Any]:
    """The session's stack in the JSON form of ``ModelSpec.from_dict``."""
    return {
        "input_shape": input_shape(),
        "num_classes": num_classes(),
        "layers": [entry_dict(entry) for entry in stack()],
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


def _holder(uid: int) -> tuple[list[dict[str, Any]], int]:
    """The list that holds the entry with this uid (the stack or a block's path) and its position there."""
    lists = [stack()] + [path for entry in stack() for path in entry.get("paths", [])]
    for entries in lists:
        for position, entry in enumerate(entries):
            if entry["uid"] == uid:
                return entries, position
    raise KeyError(uid)


def find_entry(uid: int) -> dict[str, Any]:
    """The entry (layer or block, at the top or inside a block) with this uid."""
    entries, position = _holder(uid)
    return entries[position]


def add_layer(layer_type: str) -> None:
    """Appends a new layer (or block) of ``layer_type`` with its default settings."""
    stack().append(new_entry(new_block(layer_type) if layer_type in BLOCKS else new_layer(layer_type)))


def add_inner_layer(uid: int, path: int, layer_type: str) -> None:
    """Appends a new layer of ``layer_type`` to path ``path`` of the block with this uid."""
    find_entry(uid)["paths"][path].append(new_entry(new_layer(layer_type)))


def add_branch(uid: int) -> None:
    """Adds an empty branch (the input passed on) to the branch block with this uid, up to the limit."""
    paths = find_entry(uid)["paths"]
    if len(paths) < MAX_BRANCHES:
        paths.append([])


def remove_branch(uid: int, path: int) -> None:
    """Removes branch ``path`` of the branch block with this uid, keeping at least two."""
    paths = find_entry(uid)["paths"]
    if len(paths) > 2:
        del paths[path]


def remove_layer(uid: int) -> None:
    """Removes the layer (or block) with this uid."""
    entries, position = _holder(uid)
    del entries[position]


def duplicate_layer(uid: int) -> None:
    """Inserts a copy of the layer (or block) with this uid right below it."""
    entries, position = _holder(uid)
    entries.insert(position + 1, new_entry(copy.deepcopy(entry_dict(entries[position]))))


def move_layer(uid: int, offset: int) -> None:
    """Moves the layer with this uid up (-1) or down (+1) within its stack or path, if it can."""
    entries, position = _holder(uid)
    target = position + offset
    if 0 <= target < len(entries):
        entries[position], entries[target] = entries[target], entries[position]


# Messages left for the next page run.


def set_notice(kind: str, text: str) -> None:
    """Leaves a message (``success``, ``info`` or ``error``) for the page the person sees next."""
    st.session_state[NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    """Takes the pending message, if any."""
    return st.session_state.pop(NOTICE, None)


# Training.


def training_job() -> Any:
    """The session's latest training job (queued, running or ended), or None."""
    return st.session_state.get(TRAIN_JOB)


def trained_job() -> Any:
    """The session's latest finished job, or None.

    Only a finished run replaces it: a failed or stopped one never does, so what a person had is not lost.
    """
    return st.session_state.get(TRAINED_JOB)


def stopped_job() -> Any:
    """The session's latest run stopped after at least one epoch (kept under its own name), or None."""
    return st.session_state.get(STOPPED_JOB)


def set_stopped_job(job: Any) -> None:
    """Keeps a stopped run's network beside the finished one."""
    st.session_state[STOPPED_JOB] = job


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


def uploaded_model() -> tuple[Any, str] | None:
    """The person's own uploaded model and its file name, or None."""
    return st.session_state.get(UPLOADED_MODEL)


def set_uploaded_model(model: Any, file_name: str) -> None:
    """Keeps the person's uploaded model for this session."""
    st.session_state[UPLOADED_MODEL] = (model, file_name)


def untrained_model(spec_json_text: str, build) -> Any:
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


def pick_item(layer: str, item: int) -> None:
    """Selects a layer's map (or unit) as if it had been clicked in the overview."""
    st.session_state[Inspect.OVERVIEW] = {"selected": {"column": layer, "item": int(item)}}


def remember_image(x: Any, where: str) -> None:
    """Keeps the image (H, W, C) last followed on Inspect, so the Learn page can use the same one."""
    st.session_state[IMAGE] = (x, where)


def remembered_image(shape: Any = None) -> tuple[Any, str] | None:
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


def lesson() -> Any:
    """The lesson this session follows, or None."""
    return st.session_state.get(LESSON)


def apply_lesson(chosen: Any) -> None:
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


def pop_lesson_opened() -> Any:
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
