"""Lessons: JSON files that open the app in a prepared state, for a class.

A lesson names the network (a preset or a whole spec), the data, a shipped
model, training and comparison settings, which Inspect sections and controls
are shown or locked, the steps for the students and the teacher's notes. The
shipped ones live beside this module; ``?lesson=<id>`` in the URL opens one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from visualizer import vocabulary
from visualizer.data.catalog import DATASET_TITLES
from visualizer.errors import InputError, SpecError
from visualizer.model.checks import shown
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.model.variants import VARIANTS
from visualizer.training.config import TRAINING_VARIANTS, TrainingConfig

LESSONS_DIR = Path(__file__).resolve().parent

# The app's vocabulary a lesson can name: the ids ``vocabulary`` declares (the router takes its pages,
# Inspect its tabs, Learn its topics from there), so a lesson can never name one that is not there.
PAGES = tuple(vocabulary.PAGES)
"""The app's pages, in navigation order (also their URL paths)."""
LOCKABLE = ("stack", "dataset", "training", "model")
"""The controls a lesson can fix."""
COMPARE_KEYS = {"variant", "dataset", "epochs", "subset", "seed"}
MAX_LESSON_BYTES = 256 * 1024


@dataclass(frozen=True)
class Lesson:
    """One lesson, validated.

    Attributes:
        id: Short name, as in ``?lesson=<id>``.
        title: What the class sees.
        summary: One or two sentences.
        page: The page it opens on (a key of ``PAGES``).
        spec: The network.
        model: A shipped model's name to select, or None.
        dataset: The dataset for the Train and Compare pages, or None.
        training: Training settings, or None.
        compare: Compare page settings (variant, dataset, epochs, subset, seed), or None.
        learn_view: The Learn topic it points to (an id of ``vocabulary.LEARN_TOPICS``), or None.
        show: Inspect tabs to show (ids of ``vocabulary.INSPECT_TABS``; all when empty).
        locked: Controls fixed by the lesson (``stack``, ``dataset``, ``training``, ``model``).
        steps: What the students do, in order (Markdown; ``{tab:id}``, ``{topic:id}`` and ``{page:id}``
            in the file become the titles shown, ``vocabulary.mention``).
        notes: The teacher's notes (Markdown, mentions resolved the same way).
    """

    id: str
    title: str
    summary: str
    page: str
    spec: ModelSpec
    model: str | None = None
    dataset: str | None = None
    training: TrainingConfig | None = None
    compare: dict[str, Any] | None = None
    learn_view: str | None = None
    show: tuple[str, ...] = ()
    locked: tuple[str, ...] = ()
    steps: tuple[str, ...] = field(default_factory=tuple)
    notes: str = ""

    def is_locked(self, control: str) -> bool:
        """Whether the lesson fixes ``control``."""
        return control in self.locked

    def shows(self, tab: str) -> bool:
        """Whether the Inspect page shows the tab ``tab`` (an id) in this lesson."""
        return not self.show or tab in self.show


def _choice(data: dict, key: str, allowed, optional: bool = True) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if value not in allowed:
        raise InputError(
            f"Lesson field {key!r} must be one of {', '.join(map(str, allowed))}, not {shown(value, 40)!r}."
        )
    return value


def _strings(data: dict, key: str, allowed=None) -> tuple[str, ...]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise InputError(f"Lesson field {key!r} must be a list of strings.")
    if allowed is not None:
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise InputError(
                f"Lesson field {key!r}: unknown {shown(unknown[0], 40)!r}; choose from {', '.join(allowed)}."
            )
    return tuple(values)


def lesson_from_dict(data: dict) -> Lesson:
    """A validated lesson from its JSON object.

    Raises:
        InputError: a missing or invalid field, saying which.
    """
    if not isinstance(data, dict):
        raise InputError("A lesson is a JSON object.")
    for key in ("id", "title", "page"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise InputError(f"A lesson needs a non-empty {key!r}.")
    if "spec" in data:
        try:
            spec = ModelSpec.from_dict(data["spec"])
        except SpecError as error:
            raise InputError(f"The lesson's network is invalid: {error}") from None
    else:
        spec = PRESETS[_choice(data, "preset", tuple(PRESETS), optional=False)]
    training = None
    if data.get("training") is not None:
        try:
            training = TrainingConfig(**data["training"])
        except (TypeError, ValueError) as error:
            raise InputError(f"The lesson's training settings are invalid: {error}") from None
    compare = data.get("compare")
    if compare is not None and (
        not isinstance(compare, dict) or not set(compare) <= COMPARE_KEYS or "variant" not in compare
    ):
        raise InputError(f"Lesson field 'compare' takes a variant and optionally {sorted(COMPARE_KEYS)}.")
    if compare is not None and compare["variant"] not in (*VARIANTS, *TRAINING_VARIANTS):
        raise InputError(
            f"Lesson field 'compare': unknown variant {str(compare['variant'])[:40]!r}; choose from "
            f"{', '.join((*VARIANTS, *TRAINING_VARIANTS))}."
        )
    model = data.get("model")
    if model is not None and not isinstance(model, str):
        raise InputError("Lesson field 'model' names a shipped model.")
    notes = data.get("notes", "")
    if not isinstance(notes, str):
        raise InputError("Lesson field 'notes' is Markdown text.")
    return Lesson(
        id=data["id"],
        title=data["title"],
        summary=vocabulary.mention(str(data.get("summary", ""))),
        page=_choice(data, "page", PAGES, optional=False),
        spec=spec,
        model=model,
        dataset=_choice(data, "dataset", tuple(DATASET_TITLES)),
        training=training,
        compare=compare,
        learn_view=_choice(data, "learn_view", tuple(vocabulary.LEARN_TOPICS)),
        show=_strings(data, "show", tuple(vocabulary.INSPECT_TABS)),
        locked=_strings(data, "locked", LOCKABLE),
        steps=tuple(vocabulary.mention(step) for step in _strings(data, "steps")),
        notes=vocabulary.mention(notes),
    )


def lesson_from_json(text: str | bytes) -> Lesson:
    """A validated lesson from JSON text.

    Raises:
        InputError: not JSON, too large, or an invalid lesson.
    """
    if len(text) > MAX_LESSON_BYTES:
        raise InputError("A lesson file is at most 256 KB.")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"The lesson is not valid JSON: {error}") from None
    return lesson_from_dict(data)


def lesson_ids() -> list[str]:
    """The shipped lessons, in teaching order."""
    order = ["convolution", "pooling", "overfitting", "augmentation", "skip_connections"]
    found = sorted(path.stem for path in LESSONS_DIR.glob("*.json"))
    return [name for name in order if name in found] + [name for name in found if name not in order]


def load_lesson(lesson_id: str) -> Lesson:
    """A shipped lesson by id.

    Raises:
        InputError: no such lesson.
    """
    if lesson_id not in lesson_ids():
        raise InputError(f"No lesson called {shown(lesson_id, 40)!r}: the lessons are {', '.join(lesson_ids())}.")
    return lesson_from_json((LESSONS_DIR / f"{lesson_id}.json").read_text())
