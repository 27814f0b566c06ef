"""Lesson files: the shipped ones are valid, and broken ones get a message naming the field."""

import json

import pytest

from visualizer.errors import InputError
from visualizer.lessons import lesson_from_dict, lesson_from_json, lesson_ids, load_lesson
from visualizer.model.presets import PRESETS
from visualizer.model.variants import applicable_variants
from visualizer.training.config import TRAINING_VARIANTS
from visualizer.training.shipped import manifest


def test_the_shipped_lessons_load_and_point_at_things_that_exist():
    assert lesson_ids() == ["convolution", "pooling", "overfitting", "augmentation", "skip_connections"]
    shipped = {entry["name"] for entry in manifest()}
    titles = set()
    for lesson_id in lesson_ids():
        lesson = load_lesson(lesson_id)
        titles.add(lesson.title)
        assert lesson.id == lesson_id and lesson.steps and lesson.notes
        assert lesson.model is None or lesson.model in shipped
        if lesson.compare:
            assert lesson.compare["variant"] in [*applicable_variants(lesson.spec), *TRAINING_VARIANTS]
    assert titles == {
        "What does a convolution see?",
        "Why pooling?",
        "Overfitting and dropout",
        "Augmentation against overfitting",
        "Why skip connections?",
    }
    convolution = load_lesson("convolution")
    assert convolution.spec == PRESETS["lenet5"] and convolution.page == "inspect"
    assert convolution.shows("step_by_step") and not convolution.shows("attention")
    assert convolution.is_locked("stack") and not convolution.is_locked("dataset")


BASE = {"id": "x", "title": "X", "page": "inspect", "preset": "lenet5"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"page": "nowhere"}, "'page'"),
        ({"preset": "alexnet"}, "'preset'"),
        ({"spec": {"input_shape": [28, 28, 1], "num_classes": 10, "layers": [{"type": "conv2d"}]}}, "network"),
        ({"show": ["everything"]}, "'show'"),
        ({"locked": ["keyboard"]}, "'locked'"),
        ({"training": {"epochs": 0}}, "training"),
        ({"compare": {"dataset": "digits"}}, "'compare'"),
        ({"compare": {"variant": "more_magic"}}, "unknown variant"),
        ({"training": {"augmentation": ["blur"]}}, "augmentation"),
        ({"dataset": "imagenet"}, "'dataset'"),
        ({"title": ""}, "'title'"),
        ({"steps": ["Open the {tab:maps} tab."]}, "No tab called 'maps'"),
        ({"steps": ["Open the {topic:kernel} topic."]}, "No topic called 'kernel'"),
        ({"steps": ["Go to {page:training}."]}, "No page called 'training'"),
        ({"notes": "See {section:feature_maps}."}, "Unknown mention"),
        ({"learn_view": "convolutions"}, "'learn_view'"),
    ],
)
def test_invalid_lessons_name_the_field(change, message):
    with pytest.raises(InputError, match=message):
        lesson_from_dict({**BASE, **change})


def test_lesson_json_errors():
    with pytest.raises(InputError, match="not valid JSON"):
        lesson_from_json("{nope")
    with pytest.raises(InputError, match="256 KB"):
        lesson_from_json(" " * (300 * 1024))
    with pytest.raises(InputError, match="No lesson called"):
        load_lesson("../../etc/passwd")
    assert lesson_from_json(json.dumps(BASE)).spec == PRESETS["lenet5"]


def test_a_step_names_a_tab_by_its_id_and_shows_the_tab_s_own_title():
    from visualizer import vocabulary
    from visualizer.lessons import LESSONS_DIR

    raw = json.loads((LESSONS_DIR / "convolution.json").read_text())
    assert any("{tab:feature_maps}" in step for step in raw["steps"])
    steps = load_lesson("convolution").steps
    titles = [f"**{vocabulary.INSPECT_TABS[tab]}**" for tab in ("feature_maps", "kernels", "step_by_step", "surgery")]
    for title in titles:
        assert any(title in step for step in steps), title
    assert not any("{" in step for step in steps)  # every mention resolved


def test_every_mention_in_every_shipped_lesson_names_what_exists():
    import re

    from visualizer import vocabulary
    from visualizer.lessons import LESSONS_DIR

    for lesson_id in lesson_ids():
        text = (LESSONS_DIR / f"{lesson_id}.json").read_text()
        for kind, name in re.findall(r"\{(\w+):([^{}]*)\}", text):
            assert name in vocabulary.KINDS[kind], (lesson_id, kind, name)
        lesson = load_lesson(lesson_id)
        assert set(lesson.show) <= set(vocabulary.INSPECT_TABS)
        assert lesson.learn_view is None or lesson.learn_view in vocabulary.LEARN_TOPICS
        assert lesson.page in vocabulary.PAGES
