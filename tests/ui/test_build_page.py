"""AppTest of the Build page: the real script, run headless."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import open_app
from visualizer.model.blocks import BLOCKS
from visualizer.model.layers import LAYERS
from visualizer.model.presets import PRESETS
from visualizer.ui import keys
from visualizer.ui.keys import Build
from visualizer.ui.pages import PAGE_FILES


@pytest.fixture
def app() -> AppTest:
    return open_app("build")


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def summary_layers(at: AppTest) -> list[str]:
    return list(at.table[0].value["Layer"])


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
    app.selectbox(key=Build.ADD_TYPE).set_value("dropout")
    app.button(key=Build.ADD_LAYER).click().run()
    assert not app.exception
    assert summary_layers(app)[-2:] == ["dropout_1", "output"]
    assert metric(app, "Keras layers") == "9"
    app.selectbox(key=Build.ADD_TYPE).set_value("dense")
    app.button(key=Build.ADD_LAYER).click().run()
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
    table = app.table[0].value
    assert table["Output"][0] == "28x28x12"


def test_move_duplicate_remove(app):
    buttons = {b.key: b for b in app.button}
    duplicate = next(key for key in buttons if key.endswith("_copy"))
    app.button(key=duplicate).click().run()
    assert summary_layers(app)[:2] == ["conv2d_1", "conv2d_2"]
    down = next(b.key for b in app.button if b.key and b.key.endswith("_down"))
    app.button(key=down).click().run()
    assert not app.exception
    assert next(b.key for b in app.button if b.key and b.key.endswith("_down")) != down


def test_choosing_a_preset_loads_it_and_undo_brings_the_edited_stack_back(app):
    filters = next(n for n in app.number_input if n.label == "Filters")
    filters.set_value(12).run()  # the person's own edit
    edited = metric(app, "Parameters")
    app.selectbox(key=Build.PRESET).set_value("tinyvgg").run()  # no separate button
    assert metric(app, "Parameters") == "19,920"
    assert any("Tiny VGG" in s.value for s in app.success)
    assert app.selectbox(key=Build.PRESET).value is None  # a menu: the same preset can be chosen again
    app.button(key=Build.UNDO).click().run()
    assert not app.exception
    assert metric(app, "Parameters") == edited
    assert next(n for n in app.number_input if n.label == "Filters").value == 12
    assert not [b for b in app.button if b.key == Build.UNDO]  # offered once


def test_spec_upload_good_and_bad_files(app):
    good = PRESETS["keras_mnist_convnet"].to_json().encode()
    app.file_uploader(key=Build.UPLOAD).set_value(("mine.json", good, "application/json")).run()
    assert not app.exception
    assert metric(app, "Parameters") == "34,826"
    app.file_uploader(key=Build.UPLOAD).set_value(("broken.json", b"{not json", "application/json")).run()
    assert not app.exception
    assert any("broken.json could not be loaded" in e.value for e in app.error)
    assert metric(app, "Parameters") == "34,826"  # the stack survived the bad file
    bad = json.dumps({"input_shape": [28, 28, 1], "num_classes": 10, "layers": [{"type": "lstm"}]}).encode()
    app.file_uploader(key=Build.UPLOAD).set_value(("odd.json", bad, "application/json")).run()
    assert any("unknown type" in e.value for e in app.error)
    assert metric(app, "Parameters") == "34,826"


def test_shared_url_restores_the_stack_and_editing_updates_it():
    at = open_app("build", spec=PRESETS["tinyvgg"].to_json(indent=None))
    assert metric(at, "Parameters") == "19,920"
    at.selectbox(key=Build.ADD_TYPE).set_value("dropout")
    at.button(key=Build.ADD_LAYER).click().run()
    shared = json.loads(
        at.query_params["spec"][0] if isinstance(at.query_params["spec"], list) else at.query_params["spec"]
    )
    assert shared["layers"][-1]["type"] == "dropout"


def test_broken_shared_url_gets_a_message_not_a_traceback():
    at = open_app(spec='{"input_shape": [28, 28], "num_classes": 10}')
    assert any("shared link" in e.value for e in at.error)
    at.switch_page(PAGE_FILES["build"]).run()
    assert not at.exception
    assert metric(at, "Parameters") == "61,706"


@pytest.mark.parametrize("layer_type", list(LAYERS))
def test_every_layer_type_can_be_added_from_the_registry(app, layer_type):
    offered = [f"{cls.title} ({name})" for name, cls in (*LAYERS.items(), *BLOCKS.items())]
    assert app.selectbox(key=Build.ADD_TYPE).options == offered
    app.selectbox(key=Build.ADD_TYPE).set_value(layer_type)
    app.button(key=Build.ADD_LAYER).click().run()
    assert not app.exception
    assert any(f"`{layer_type}`" in m.value and LAYERS[layer_type].title in m.value for m in app.markdown)
    assert app.session_state[keys.STACK].entries[-1]["layer"]["type"] == layer_type


def test_global_max_pooling_is_built_with_its_exact_shape(app):
    app.selectbox(key=Build.PRESET).set_value("tinyvgg").run()
    app.selectbox(key=Build.ADD_TYPE).set_value("globalmaxpool2d")
    app.button(key=Build.ADD_LAYER).click().run()
    assert not app.exception
    assert summary_layers(app)[-2:] == ["globalmaxpool2d_1", "output"]
    table = app.table[0].value
    assert list(table["Output"])[-2:] == ["10", "10"] and list(table["Params"])[-2:] == ["0", "110"]
    assert 'layers.GlobalMaxPooling2D(name="globalmaxpool2d_1")' in app.code[0].value


def shared(at: AppTest) -> str:
    """The spec the address bar holds."""
    value = at.query_params[keys.SHARED_SPEC_PARAM]
    return value[0] if isinstance(value, list) else value


def test_a_residual_block_is_added_edited_and_listed_with_its_layers(app):
    app.selectbox(key=Build.PRESET).set_value("starter").run()
    app.selectbox(key=Build.ADD_TYPE).set_value("residual")
    app.button(key=Build.ADD_LAYER).click().run()
    assert not app.exception
    block = app.session_state[keys.STACK].entries[-1]
    assert block["layer"]["type"] == "residual" and len(block["paths"][0]) == 2
    table = app.table[0].value
    assert [name.replace("\u200b", "") for name in table["Layer"]][2:6] == [
        "conv2d_2 (in residual_1)",
        "conv2d_3 (in residual_1)",
        "residual_1_shortcut",
        "residual_1_add",
    ]
    # The 4-channel input and 8-filter layers need the projection; without it the block can't be added up.
    app.toggle(key=Build.layer(block["uid"], "shortcut")).set_value(False).run()
    assert any("shortcut gives 13x13x4 but its layers give 13x13x8" in e.value for e in app.error)
    app.toggle(key=Build.layer(block["uid"], "shortcut")).set_value(True).run()
    assert not app.error
    app.selectbox(key=Build.layer(block["uid"], "add_type_0")).set_value("batchnorm")
    app.button(key=Build.layer(block["uid"], "add_0")).click().run()
    assert not app.exception
    spec = json.loads(shared(app))
    assert [layer["type"] for layer in spec["layers"][-1]["layers"]] == ["conv2d", "conv2d", "batchnorm"]
    assert "def residual_1_block(x):" in app.code[0].value
    assert any("Residual block" in m.value and "13x13x8" in m.value for m in app.markdown)


def test_a_branch_block_gains_and_loses_branches(app):
    app.selectbox(key=Build.PRESET).set_value("starter").run()
    app.selectbox(key=Build.ADD_TYPE).set_value("branch")
    app.button(key=Build.ADD_LAYER).click().run()
    block = app.session_state[keys.STACK].entries[-1]
    uid = block["uid"]
    app.button(key=Build.layer(uid, "add_branch")).click().run()
    assert not app.exception and len(app.session_state[keys.STACK].entries[-1]["paths"]) == 3
    assert any(m.value.startswith("**Branch 3** · empty") for m in app.markdown)
    table = app.table[0].value
    names = [name.replace("\u200b", "") for name in table["Layer"]]
    concatenate = names.index("branch_1_concatenate")
    assert list(table["Output"])[concatenate] == "13x13x12"  # 4 + 4 + the 4 channels passed on
    app.selectbox(key=Build.layer(uid, "merge")).set_value("add").run()
    table = app.table[0].value
    names = [name.replace("\u200b", "") for name in table["Layer"]]
    assert list(table["Output"])[names.index("branch_1_add")] == "13x13x4"  # summed, not stacked
    app.button(key=Build.layer(uid, "remove_branch_2")).click().run()
    assert not app.exception and len(app.session_state[keys.STACK].entries[-1]["paths"]) == 2


def test_an_old_stack_url_loads_unchanged():
    old = json.dumps(PRESETS["lenet5"].to_dict(), separators=(",", ":"))
    at = open_app("build", spec=old)
    assert not at.exception
    assert shared(at) == old
    assert "keras.Sequential(" in at.code[0].value


def notebook_button(at: AppTest):
    return next(b for b in at.get("download_button") if b.proto.label == "Download notebook (.ipynb)")


def test_the_notebook_download_names_its_data_and_the_train_pages_settings(app):
    button = notebook_button(app)
    assert not button.proto.disabled
    assert (
        "loads the digits data" in button.proto.help
        and "10 epochs, batch 64, adam at 0.001, seed 0" in button.proto.help
    )
    # The Train page's choices carry over: its dataset (when the network takes it) and its settings.
    app.session_state[keys.Train.DATASET] = "fashion_mnist"
    app.session_state[keys.Train.EPOCHS] = 3
    app.run()
    assert "loads the fashion_mnist data" in notebook_button(app).proto.help
    assert "3 epochs" in notebook_button(app).proto.help
    app.session_state[keys.Train.DATASET] = "shapes"  # 64x64x3: LeNet-5 does not take it
    app.run()
    assert "loads the digits data" in notebook_button(app).proto.help


def test_no_notebook_for_a_network_no_dataset_fits_says_why():
    spec = {**PRESETS["lenet5"].to_dict(), "num_classes": 7}
    at = open_app("build", spec=json.dumps(spec))
    button = notebook_button(at)
    assert button.proto.disabled
    assert "none has 28x28x1 images in 7 classes" in button.proto.help
