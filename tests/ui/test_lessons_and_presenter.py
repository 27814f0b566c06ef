"""AppTest: a lesson link sets the app up (network, model, data, settings, sections, locks); presenter mode."""

import json

from tests.helpers import component_data, open_app, texts
from visualizer.ui.keys import App, Compare, Inspect, Learn, Network, Train
from visualizer.ui.pages import PAGE_FILES


def test_the_convolution_lesson_opens_inspect_on_the_shipped_model():
    at = open_app(lesson="convolution")
    assert "Lesson: What does a convolution see?" in texts(at)
    assert any("LeNet-5 trained on digits" in caption.value for caption in at.caption)
    assert not [box for box in at.selectbox if box.key == Network.SELECTOR]  # the lesson locks the model
    assert component_data(at, "network_overview")["columns"][1]["name"] == "conv2d_1"  # the whole network
    assert component_data(at, "window_walk")["layer"] == "conv2d_1"  # one convolution, step by step
    assert "Teacher's notes" in [expander.label for expander in at.expander]
    # The lesson's sections: steps, maps, kernels and surgery; not where the network looks, nor the probes.
    assert [tab.label for tab in at.tabs] == ["Step by step", "Maps", "Kernels", "Surgery"]
    assert at.slider(key=Inspect.EPOCH).value == 13  # the epoch series is there
    at.slider(key=Inspect.EPOCH).set_value(0).run()
    assert any("shown after epoch 0" in caption.value for caption in at.caption)


def test_the_overfitting_lesson_prepares_the_compare_page():
    at = open_app(lesson="overfitting")
    assert at.select_slider(key=Compare.SUBSET).value == 200
    assert at.slider(key=Compare.EPOCHS).value == 40
    assert at.selectbox(key=Compare.VARIANT).value == "add_dropout"
    assert at.selectbox(key=Compare.DATASET).disabled  # locked by the lesson
    at.switch_page(PAGE_FILES["train"]).run()
    assert not at.exception
    assert at.number_input(key=Train.EPOCHS).value == 40 and at.number_input(key=Train.EPOCHS).disabled is False
    assert at.selectbox(key=Train.DATASET).disabled


def test_the_pooling_lesson_opens_its_learn_topic_and_locks_the_stack():
    at = open_app(lesson="pooling")
    assert at.button_group(key=Learn.VIEW).value == "pooling"
    at.switch_page(PAGE_FILES["build"]).run()
    assert not at.exception
    assert any("This lesson fixes the network" in info.value for info in at.info)
    removable = [button for button in at.button if button.key and button.key.endswith("_remove")]
    assert not removable
    at.button(key=App.LESSON_LEAVE).click().run()
    assert not at.exception
    assert "Lesson:" not in texts(at)
    assert not any("This lesson fixes the network" in info.value for info in at.info)
    assert [button for button in at.button if button.key and button.key.endswith("_remove")]  # editable again


def test_the_skip_connections_lesson_measures_then_compares_with_and_without_skips():
    at = open_app(lesson="skip_connections")
    assert at.button_group(key=Learn.VIEW).value == "skips"
    assert "times** more gradient" in texts(at)
    at.switch_page(PAGE_FILES["compare"]).run()
    assert not at.exception
    assert at.selectbox(key=Compare.VARIANT).value == "remove_skips"
    assert at.select_slider(key=Compare.SUBSET).value == 800 and at.slider(key=Compare.EPOCHS).value == 3
    at.switch_page(PAGE_FILES["build"]).run()
    assert not at.exception
    assert any("This lesson fixes the network" in info.value for info in at.info)
    layers = [name.replace("\u200b", "") for name in at.table[0].value["Layer"]]
    assert "residual_8_add" in layers  # the eighth block, shown, not edited


def test_a_bad_lesson_link_is_a_message():
    at = open_app(lesson="nope")
    assert any("No lesson called 'nope'" in error.value for error in at.error)


def test_presenter_mode_hides_editing_and_enlarges_type():
    at = open_app(present="1")
    assert at.toggle(key=App.PRESENTER).value is True
    at.switch_page(PAGE_FILES["build"]).run()
    assert not at.exception
    assert not [box for box in at.number_input if box.key and box.key.startswith("build_")]
    assert any("html { font-size: 24px; }" in element.proto.body for element in at.get("html"))  # 1.5x
    assert list(at.table[0].value["Layer"])[:2] == ["conv2d_1", "avgpool2d_1"]  # the summary lists the layers
    diagram = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert diagram["layout"]["font"]["size"] == 18  # figure texts 1.5x too
    at.toggle(key=App.PRESENTER).set_value(False).run()
    assert [box for box in at.number_input if box.key and box.key.startswith("build_")]
