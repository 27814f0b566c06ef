"""AppTest of the Compare page: two variants train on the same data and seed and are shown side by side."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import open_app
from visualizer.backend.evaluation import evaluate
from visualizer.model.presets import PRESETS
from visualizer.ui import keys
from visualizer.ui.keys import Compare


@pytest.fixture
def app() -> AppTest:
    return open_app("compare")


def test_only_changes_that_apply_are_offered(app):
    options = app.selectbox(key=Compare.VARIANT).options
    assert "with dropout (rate 0.5) before each dense layer and the output" in options
    assert "without its dropout layers" not in options  # LeNet-5 has no dropout to remove


def test_train_with_and_without_dropout_side_by_side(app):
    app.selectbox(key=Compare.VARIANT).set_value("add_dropout")
    app.slider(key=Compare.EPOCHS).set_value(2)
    app.select_slider(key=Compare.SUBSET).set_value(100)
    app.number_input(key=Compare.SEED).set_value(7).run()
    app.button(key=Compare.START).click().run()
    assert not app.exception
    runs = app.session_state[keys.COMPARISON]
    first, second = runs["jobs"]
    assert first.config == second.config and first.config.seed == 7
    assert first.dataset is second.dataset and len(first.dataset.y_train) == 100
    assert [layer.type for layer in second.spec.layers].count("dropout") == 3
    for job in runs["jobs"]:
        assert job.wait(300) and job.status().state == "finished"
    app.run()
    assert not app.exception
    table = app.table[0].value
    assert list(table["network"]) == runs["labels"]
    assert table["test accuracy"][0] == f"{evaluate(first.model, first.dataset).accuracy:.1%}"  # dropout off
    training = evaluate(first.model, first.dataset, split="training").accuracy
    assert table["training accuracy"][0] == f"{training:.1%}"  # measured on its own 100 training images
    curves = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert len(curves["data"]) == 8
    assert len(app.get("plotly_chart")) == 3  # the curves and each network's first-layer kernels


def test_the_same_network_with_augmentation_trains_on_changed_images(app):
    from visualizer.training.config import VARIANT_AUGMENTATION

    app.selectbox(key=Compare.VARIANT).set_value("augmentation")
    app.slider(key=Compare.EPOCHS).set_value(1)
    app.select_slider(key=Compare.SUBSET).set_value(100).run()
    app.button(key=Compare.START).click().run()
    assert not app.exception
    runs = app.session_state[keys.COMPARISON]
    first, second = runs["jobs"]
    assert first.spec == second.spec and first.config.augmentation == ()
    assert second.config.augmentation == VARIANT_AUGMENTATION and second.config.seed == first.config.seed
    assert runs["labels"][1].startswith("the same trained with augmentation")
    for job in runs["jobs"]:
        assert job.wait(300) and job.status().state == "finished"
    assert first.status().history != second.status().history  # the same start and order, other images


def test_a_network_with_other_classes_is_offered_the_datasets_classes():
    at = open_app("compare", spec=PRESETS["tinyvgg"].to_json(indent=None))
    at.selectbox(key=Compare.DATASET).set_value("shapes").run()
    assert not at.exception
    assert any("6 classes but the network predicts 10" in warning.value for warning in at.warning)
    assert at.button(key=Compare.START).disabled  # nothing trains with phantom classes
    assert at.button(key=Compare.ADOPT).label == "Adopt the dataset's classes: 6 classes"
    at.button(key=Compare.ADOPT).click().run()
    assert not at.exception
    assert any("predicts 6 classes" in success.value for success in at.success)
    assert not at.button(key=Compare.START).disabled
    assert not at.warning
