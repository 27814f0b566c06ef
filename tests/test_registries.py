"""One registry per concept, and every list that must agree with it does.

A layer type is declared once (``model.layers.LAYERS``); activations once
(``numerics.activations.ACTIVATIONS``); the pages, Inspect tabs and Learn topics
a lesson may name once (``vocabulary``). These tests tie every other list to them, so a
new entry cannot be half-added.
"""

from dataclasses import MISSING, fields
from pathlib import Path

import keras
import numpy as np
import pytest

from tests.helpers import ROOT
from visualizer import vocabulary
from visualizer.backend.uploads import ALLOWED_ACTIVATIONS, ALLOWED_LAYERS
from visualizer.figures.style import LAYER_COLOURS
from visualizer.lessons import COMPARE_KEYS
from visualizer.model import activations
from visualizer.model import layers as registry
from visualizer.model.blocks import MERGE_LAYERS
from visualizer.model.layers import ACTIVATIONS, LAYERS, editor_fields, layer_from_dict, new_layer
from visualizer.model.spec import ModelSpec
from visualizer.model.variants import VARIANTS, variant
from visualizer.numerics.activations import curve
from visualizer.training.config import TrainingConfig
from visualizer.ui import keys
from visualizer.ui.inspect import TABS
from visualizer.ui.learn import TOPICS
from visualizer.ui.pages import PAGE_FILES, PAGE_TITLES

WIDGETS = {"count", "pair", "pool_strides", "choice", "rate"}


@pytest.mark.parametrize("layer_type", list(LAYERS))
def test_every_layer_type_declares_everything_the_app_needs(layer_type):
    cls = LAYERS[layer_type]
    assert cls.type == layer_type and cls.title and cls.colour.startswith("#")
    assert isinstance(getattr(keras.layers, cls.keras_class), type)  # a real Keras layer class
    assert cls.reach in ("window", "whole", "same") and cls.random in ("", "weights", "mask")
    assert (cls.reach == "window") == (new_layer_object(layer_type).window_and_step() is not None)
    without_default = {item.name for item in fields(cls) if item.default is MISSING}
    assert without_default <= set(cls.required) <= set(cls.new)  # a new layer gives every key it needs
    assert layer_from_dict(new_layer(layer_type)).to_dict() == new_layer(layer_type)
    assert set(cls.code_omits) <= set(new_layer_object(layer_type).keras_arguments())
    assert cls.positional is None or cls.positional in cls.field_names()
    assert new_layer_object(layer_type).describe()
    edited = editor_fields(layer_type)
    assert [name for name, _ in edited] == cls.field_names()  # the editor edits every key
    for _, editor in edited:
        assert editor["widget"] in WIDGETS and editor["label"]
        if editor["widget"] == "choice":
            assert editor["options"]


def new_layer_object(layer_type):
    return layer_from_dict(new_layer(layer_type))


def test_every_layer_type_has_a_colour_and_the_diagram_nothing_else():
    assert set(LAYER_COLOURS) == {"input", "output", *LAYERS, *MERGE_LAYERS}


def test_the_merge_layers_of_blocks_are_accepted_in_an_uploaded_model():
    assert {cls.keras_class for cls in MERGE_LAYERS.values()} <= ALLOWED_LAYERS


def test_every_layer_type_is_accepted_in_an_uploaded_model():
    assert {cls.keras_class for cls in LAYERS.values()} <= ALLOWED_LAYERS


def test_the_layer_union_type_lists_every_registry_class():
    assert set(registry.LayerSpec.__args__) == set(LAYERS.values())


def test_activations_are_one_list_everywhere():
    assert tuple(activations.ACTIVATIONS) == ACTIVATIONS
    x = np.linspace(-4.0, 4.0, 17, dtype=np.float32)
    for name in ACTIVATIONS:
        assert activations.ACTIVATIONS[name].title
        parameters = activations.ACTIVATIONS[name].parameters
        keras_values = np.asarray(getattr(keras.activations, name)(x, **parameters))
        np.testing.assert_allclose(curve(name, x)[0], keras_values, rtol=1e-5, atol=1e-6, err_msg=name)
    assert set(ACTIVATIONS) <= ALLOWED_ACTIVATIONS
    conv = dict(editor_fields("conv2d"))
    assert tuple(conv["activation"]["options"]) == ACTIVATIONS


def test_every_variant_changes_some_network():
    lenet_like = ModelSpec.from_dict(
        {
            "input_shape": [28, 28, 1],
            "num_classes": 10,
            "layers": [
                {"type": "conv2d", "filters": 4, "activation": "sigmoid"},
                {"type": "maxpool2d"},
                {"type": "conv2d", "filters": 4},
                {"type": "avgpool2d"},
                {"type": "flatten"},
                {"type": "dropout", "rate": 0.2},
                {"type": "dense", "units": 8},
                {"type": "residual", "layers": [{"type": "dense", "units": 8}]},
            ],
        }
    )
    for name in VARIANTS:
        assert variant(lenet_like, name) != lenet_like, name


def test_the_pages_lessons_may_name_are_the_pages_there_are():
    assert tuple(PAGE_FILES) == tuple(vocabulary.PAGES) and tuple(PAGE_TITLES) == tuple(vocabulary.PAGES)
    assert [title for title, _ in PAGE_TITLES.values()] == list(vocabulary.PAGES.values())
    for path in PAGE_FILES.values():
        assert (ROOT / path).is_file(), path


def test_every_inspect_tab_and_learn_topic_is_one_module_named_by_its_vocabulary_id():
    assert [tab.id for tab in TABS] == list(vocabulary.INSPECT_TABS)
    assert [tab.title for tab in TABS] == list(vocabulary.INSPECT_TABS.values())
    assert list(TOPICS) == list(vocabulary.LEARN_TOPICS) == [topic.id for topic in TOPICS.values()]
    modules = {path.stem for path in (ROOT / "visualizer" / "ui" / "inspect").glob("*.py")} - {"__init__", "base"}
    assert modules == set(vocabulary.INSPECT_TABS)  # no tab module left out of the vocabulary
    modules = {path.stem for path in (ROOT / "visualizer" / "ui" / "learn").glob("*.py")} - {"__init__", "base"}
    assert modules == set(vocabulary.LEARN_TOPICS)
    assert len({tab.title for tab in TABS}) == len(TABS)  # a lesson's "the ... tab" names one


def test_settings_a_lesson_presets_have_their_widgets():
    assert set(keys.TRAIN_SETTINGS) == {item.name for item in fields(TrainingConfig)}
    assert set(keys.COMPARE_SETTINGS) == COMPARE_KEYS


CONTRACT = [
    "ModelSpec",
    "PRESETS",
    "summarize",
    "build_model",
    "to_keras_code",
    "to_notebook",
    "kernel_gradient",
    "Dataset",
    "load_dataset",
    "dataset_from_zip",
    "dataset_from_images",
    "load_image",
    "to_model_input",
    "TrainingConfig",
    "TrainingJob",
    "TrainingPool",
    "feature_maps",
    "kernels",
    "conv_step",
    "pool_step",
    "grad_cam",
    "saliency",
    "occlusion_map",
    "model_at",
    "curve",
    "apply_kernel",
    "load_pretrained",
    "load_checkpoints",
    "load_user_model",
    "SpecError",
    "InputError",
]
"""The public names issue 10 keeps: only their modules moved."""


def test_every_public_name_is_where_the_code_map_says():
    import importlib

    import visualizer

    assert set(CONTRACT) <= set(visualizer.PUBLIC)
    from tests.test_code_map import code_map

    rows = code_map((ROOT / "README.md").read_text())
    for name, module in visualizer.PUBLIC.items():
        assert getattr(importlib.import_module(module), name) is getattr(visualizer, name), name
        path = Path(importlib.import_module(module).__file__).relative_to(ROOT)
        folder, file = path.parent.as_posix() + "/", f"`{path.name}`"
        assert file in rows[folder], module  # its module is in its folder's row of the code map
