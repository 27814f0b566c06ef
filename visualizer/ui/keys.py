"""Every ``st.session_state`` key of the app that is not a tab's or a topic's own: its names only.

Pages take widget keys from the classes below (``Build.PRESET``, ``Train.EPOCHS``...);
each Inspect tab and Learn topic declares its own widgets' keys in a ``Keys`` class of its
module (``ui/inspect/probes.py``: ``Keys.DX``), under its page's prefix. ``ui/session.py``
reads and writes the session through these names; a test fails when any other module
writes a key as a string or touches ``st.session_state``, and when two keys are the same.

Widgets whose value should survive a visit to another page are drawn with
``persist_state=PERSIST`` (Streamlit keeps them for the session); a lesson
presets them by writing their keys before they are drawn.
"""

from __future__ import annotations

PERSIST = "session"
"""``persist_state`` of widgets kept for the whole session, across pages."""

# Query parameters (the URL, not session state; named here too so that no page spells them).
SHARED_SPEC_PARAM = "spec"
LESSON_PARAM = "lesson"
PRESENTER_PARAM = "present"
VIEW_PARAM = "view"

# The session's own data (tests read these keys too).
INITIALISED = "app_initialised"
STACK = "build_stack"  # the person's network being edited: a ``stack.EditableStack``
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
    def setting(name: str, generation: int) -> str:
        """The input shape and classes' inputs (``height``, ``width``, ``channels``, ``classes``), per loaded spec.

        ``generation`` (``session.generation()``) changes whenever a whole spec is loaded, so the inputs start
        from the loaded values instead of keeping the old ones.
        """
        return f"build_{name}_{generation}"

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
    """Widgets of the Inspect page around its tabs (each tab's own keys are in its module, ``ui/inspect/``)."""

    PINNED = "inspect_pinned"
    SOURCE = "inspect_source"
    UPLOAD = "inspect_upload"
    SAMPLE = "inspect_sample"
    FIT = "inspect_fit"
    CANVAS = "inspect_canvas"
    EPOCH = "inspect_epoch"
    OVERVIEW = "inspect_overview"
    TABS = "inspect_tabs"

    @staticmethod
    def invert(name: str) -> str:
        """The invert switch of one uploaded file."""
        return f"inspect_invert_{name}"


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
    """Widgets of the Learn page around its topics (each topic's own keys are in its module, ``ui/learn/``)."""

    VIEW = "learn_view"
    EPOCH = "learn_epoch"
    IMAGE_SOURCE = "learn_image_source"
    UPLOAD = "learn_upload"
    IMAGE_INDEX = "learn_image_index"
    USE_INSPECT = "learn_use_inspect"
    MODEL_IMAGE = "learn_model_image"
