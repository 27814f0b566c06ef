"""AppTest of the Build page: the real script, run headless."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from visualizer.presets import PRESETS

TIMEOUT = 60
APP = str(Path(__file__).resolve().parents[2] / "app.py")
BUILD = "visualizer/ui/pages/build.py"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(BUILD).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def summary_layers(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Layer"])


def test_opens_with_lenet5_and_its_exact_summary(app):
    assert metric(app, "Parameters") == "61,706"
    assert summary_layers(app) == [
        row
        for row in [
            "conv2d_1",
            "avgpool2d_1",
            "conv2d_2",
            "avgpool2d_2",
            "flatten_1",
            "dense_1",
            "dense_2",
            "output",
        ]
    ]
    assert not app.error
    code = app.code[0].value
    assert 'layers.Conv2D(6, kernel_size=5, padding="same"' in code


def test_adding_a_layer_changes_the_summary(app):
    app.selectbox(key="build_add_type").set_value("dropout")
    app.button(key="build_add_layer").click().run()
    assert not app.exception
    assert summary_layers(app)[-2:] == ["dropout_1", "output"]
    assert metric(app, "Keras layers") == "9"
    app.selectbox(key="build_add_type").set_value("dense")
    app.button(key="build_add_layer").click().run()
    assert summary_layers(app)[-2:] == ["dense_3", "output"]
    # 84 -> 64 units: 84 * 64 + 64; the output now reads 64 values: 64 * 10 + 10
    assert metric(app, "Parameters") == f"{61_706 - 850 + 84 * 64 + 64 + 650:,}"


def test_an_invalid_stack_shows_the_message_at_its_row_and_keeps_working(app):
    height = next(n for n in app.number_input if n.label == "Input height")
    height.set_value(8).run()
    assert not app.exception
    messages = [e.value for e in app.error]
    assert any("Layer 3 (conv2d) gets a 4x14x6 map but its 5x5 kernel" in m for m in messages), messages
    assert metric(app, "Parameters") == "–"
    assert summary_layers(app) == ["conv2d_1", "avgpool2d_1"]  # the rows above the problem still show
    # Fix it by removing the offending convolution: the page recovers.
    remove_buttons = [b for b in app.button if b.key and b.key.endswith("_remove")]
    remove_buttons[2].click().run()
    assert not app.exception
    assert not [e for e in app.error if "can't be built" in e.value]


def test_editing_a_layer_updates_shapes(app):
    filters = next(n for n in app.number_input if n.label == "Filters")
    filters.set_value(12).run()
    assert not app.exception
    # conv2d_1: (5*5*1+1)*12 = 312, conv2d_2: (5*5*12+1)*16 = 4816
    assert metric(app, "Parameters") == f"{61_706 - 156 - 2_416 + 312 + 4_816:,}"
    table = app.dataframe[0].value
    assert table["Output shape"][0] == "28x28x12"


def test_move_duplicate_remove(app):
    buttons = {b.key: b for b in app.button}
    duplicate = next(key for key in buttons if key.endswith("_copy"))
    app.button(key=duplicate).click().run()
    assert summary_layers(app)[:2] == ["conv2d_1", "conv2d_2"]
    down = next(b.key for b in app.button if b.key and b.key.endswith("_down"))
    app.button(key=down).click().run()
    assert not app.exception
    assert next(b.key for b in app.button if b.key and b.key.endswith("_down")) != down


def test_presets_load(app):
    app.selectbox(key="build_preset").set_value("tinyvgg")
    app.button(key="build_load_preset").click().run()
    assert metric(app, "Parameters") == "19,920"
    assert any("Tiny VGG" in s.value for s in app.success)


def test_spec_upload_good_and_bad_files(app):
    good = PRESETS["keras_mnist_convnet"].to_json().encode()
    app.file_uploader(key="build_upload").set_value(("mine.json", good, "application/json")).run()
    assert not app.exception
    assert metric(app, "Parameters") == "34,826"
    app.file_uploader(key="build_upload").set_value(("broken.json", b"{not json", "application/json")).run()
    assert not app.exception
    assert any("broken.json could not be loaded" in e.value for e in app.error)
    assert metric(app, "Parameters") == "34,826"  # the stack survived the bad file
    bad = json.dumps({"input_shape": [28, 28, 1], "num_classes": 10, "layers": [{"type": "lstm"}]}).encode()
    app.file_uploader(key="build_upload").set_value(("odd.json", bad, "application/json")).run()
    assert any("unknown type" in e.value for e in app.error)
    assert metric(app, "Parameters") == "34,826"


def test_shared_url_restores_the_stack_and_editing_updates_it():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["spec"] = PRESETS["tinyvgg"].to_json(indent=None)
    at.run()
    at.switch_page(BUILD).run()
    assert not at.exception
    assert metric(at, "Parameters") == "19,920"
    at.selectbox(key="build_add_type").set_value("dropout")
    at.button(key="build_add_layer").click().run()
    shared = json.loads(
        at.query_params["spec"][0] if isinstance(at.query_params["spec"], list) else at.query_params["spec"]
    )
    assert shared["layers"][-1]["type"] == "dropout"


def test_broken_shared_url_gets_a_message_not_a_traceback():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["spec"] = '{"input_shape": [28, 28], "num_classes": 10}'
    at.run()
    assert not at.exception
    assert any("shared link" in e.value for e in at.error)
    at.switch_page(BUILD).run()
    assert not at.exception
    assert metric(at, "Parameters") == "61,706"
