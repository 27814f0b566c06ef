"""AppTest of the Train page: the real script, a real background job, polled by reruns."""

import io
import json
import re
import zipfile

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.helpers import open_app, rerun_until
from visualizer.data import downloads
from visualizer.model.presets import PRESETS
from visualizer.ui import keys
from visualizer.ui.keys import Train
from visualizer.ui.pages import PAGE_FILES


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setattr(downloads, "_can_reach", lambda host, timeout=3.0: False)  # no downloads in tests
    return open_app("train", spec=PRESETS["starter"].to_json(indent=None))  # small and quick to train


def until(at: AppTest, done, timeout: float = 180.0) -> AppTest:
    return rerun_until(at, done, timeout, "the page to get there")


def metric(at: AppTest, label: str) -> str | None:
    return next((m.value for m in at.metric if m.label == label), None)


def test_opens_with_the_digits_ready_to_train(app):
    assert any("1,438 training and 359 test images" in m.value for m in app.markdown)
    assert any(m.value.startswith("**Network**: Starter") and "4 Keras layers" in m.value for m in app.markdown)
    assert not app.expander  # nothing folded before a run
    assert not app.button(key=Train.START).disabled
    assert app.button(key=Train.STOP).disabled


def test_trains_and_shows_results_then_keeps_them_after_a_failed_run(app):
    app.number_input(key=Train.EPOCHS).set_value(1).run()
    app.button(key=Train.START).click().run()
    assert not app.exception
    until(app, lambda at: metric(at, "Test accuracy") is not None)
    accuracy = float(metric(app, "Test accuracy").rstrip("%"))
    assert 10.0 < accuracy <= 100.0
    assert any(b.label.startswith("Download the trained model") for b in app.get("download_button"))

    # A diverging run fails with a message and does not replace the trained model.
    app.select_slider(key=Train.LEARNING_RATE).set_value(10.0).run()
    app.button(key=Train.START).click().run()
    until(app, lambda at: any("diverged" in e.value for e in at.error))
    assert any("learning rate 10" in e.value for e in app.error)
    assert metric(app, "Test accuracy") == f"{accuracy:.1f}%"


def test_stop_ends_the_run(app):
    app.number_input(key=Train.EPOCHS).set_value(100).run()
    app.button(key=Train.START).click().run()
    assert app.button(key=Train.START).disabled  # no double start
    until(app, lambda at: any("Epoch" in str(p.proto) for p in at.get("progress")))
    # While it runs, the data and the settings fold away (titled with what they hold): the curves stay in view.
    assert [e.label for e in app.expander][:2] == [
        "Data: Digits (embedded, 1,797 real handwritten digits, 28x28)",
        "Settings: 100 epochs, batch 64, adam, learning rate 0.001",
    ]
    until(app, lambda at: at.session_state[keys.TRAIN_JOB].status().epoch >= 1)
    app.button(key=Train.STOP).click().run()
    until(app, lambda at: any("Stopped after" in str(p.proto) for p in at.get("progress")), timeout=60)
    # A stopped run is kept under its own name and replaces nothing.
    job = app.session_state[keys.TRAIN_JOB]
    assert app.session_state[keys.STOPPED_JOB] is job and keys.TRAINED_JOB not in app.session_state
    assert any("kept as your stopped run" in info.value for info in app.info)
    assert not app.button(key=Train.START).disabled
    stopped = next(str(p.proto) for p in app.get("progress") if "Stopped after" in str(p.proto))
    trained = int(re.search(r"Stopped after (\d+) epoch", stopped).group(1))
    curves = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert curves["layout"]["xaxis"]["range"] == [0.5, max(1, trained) + 0.5]  # what was trained, not 100
    app.switch_page(PAGE_FILES["inspect"]).run()
    assert not app.exception
    assert any(f"your stopped run ({job.status().epoch} epochs on digits" in c.value for c in app.caption)


def test_a_dataset_of_another_shape_offers_to_adopt_it(app):
    app.selectbox(key=Train.DATASET).set_value("shapes").run()
    assert any("64x64x3" in w.value and "28x28x1" in w.value for w in app.warning)
    assert app.button(key=Train.START).disabled
    assert app.button(key=Train.ADOPT).label == "Adopt the dataset's shape and classes: 64x64x3 input, 6 classes"
    app.button(key=Train.ADOPT).click().run()
    assert not app.exception
    assert any("now takes 64x64x3 images and predicts 6 classes" in s.value for s in app.success)
    assert not app.button(key=Train.START).disabled


def test_a_network_with_more_outputs_than_classes_is_offered_the_datasets_classes():
    at = open_app("train", spec=PRESETS["tinyvgg"].to_json(indent=None))  # 64x64x3, 10 outputs
    at.selectbox(key=Train.DATASET).set_value("shapes").run()  # 64x64x3, 6 classes
    warnings = [warning.value for warning in at.warning]
    assert any("6 classes but the network predicts 10" in warning for warning in warnings), warnings
    assert at.button(key=Train.START).disabled
    assert at.button(key=Train.ADOPT).label == "Adopt the dataset's classes: 6 classes"
    at.button(key=Train.ADOPT).click().run()
    assert not at.exception and not at.warning
    assert not at.button(key=Train.START).disabled


def test_an_unavailable_download_is_a_message(app):
    app.selectbox(key=Train.DATASET).set_value("cifar10").run()
    assert not app.exception
    assert any("cannot be downloaded now" in i.value for i in app.info)
    assert app.button(key=Train.START).disabled


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _png(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_own_zip_builds_a_dataset_and_a_broken_one_gets_a_message(app):
    app.selectbox(key=Train.DATASET).set_value("own_zip").run()
    app.file_uploader(key=Train.ZIP).set_value(("broken.zip", b"not a zip", "application/zip")).run()
    app.button(key=Train.BUILD_ZIP).click().run()
    assert not app.exception
    assert any("not a readable .zip" in e.value for e in app.error)
    good = _zip(
        {f"red/{i}.png": _png((255, 0, 0)) for i in range(3)} | {f"blue/{i}.png": _png((0, 0, 255)) for i in range(3)}
    )
    app.file_uploader(key=Train.ZIP).set_value(("colours.zip", good, "application/zip")).run()
    app.button(key=Train.BUILD_ZIP).click().run()
    assert any("Built a dataset of 2 classes" in s.value for s in app.success)
    assert any("classes: blue, red" in m.value for m in app.markdown)


def test_augmentation_is_previewed_and_reaches_the_job(app):
    app.multiselect(key=Train.AUGMENTATION).set_value(["zoom", "rotate"]).run()
    assert not app.exception
    preview = next(c for c in app.get("plotly_chart") if c.proto.id.endswith(Train.AUGMENTED))
    titles = [note["text"] for note in json.loads(preview.proto.spec)["layout"]["annotations"]]
    assert titles[:5] == ["original", "changed 1", "changed 2", "changed 3", "changed 4"] and len(titles) == 30
    app.number_input(key=Train.EPOCHS).set_value(1).run()
    app.button(key=Train.START).click().run()
    job = app.session_state[keys.TRAIN_JOB]
    assert job.config.augmentation == ("rotate", "zoom")  # in AUGMENTATIONS' order
    assert any("augmented (rotate, zoom)" in expander.label for expander in app.expander)
    job.stop()  # what it trains on is fit.shuffled_batches' (tested in tests/training)
    assert job.wait(60)


def notebook_button(at: AppTest):
    return next(b for b in at.get("download_button") if b.proto.label == "Download notebook (.ipynb)")


def test_the_notebook_download_follows_the_data_and_settings(app):
    assert "loads the digits data" in notebook_button(app).proto.help
    app.number_input(key=Train.EPOCHS).set_value(2).run()
    app.multiselect(key=Train.AUGMENTATION).set_value(["rotate"]).run()
    help_text = notebook_button(app).proto.help
    assert "2 epochs" in help_text and "augmented (rotate)" in help_text
    app.selectbox(key=Train.DATASET).set_value("shapes").run()  # the starter takes 28x28x1: no notebook yet
    assert notebook_button(app).proto.disabled and "make it fit the data above" in notebook_button(app).proto.help
    app.selectbox(key=Train.DATASET).set_value("own_zip").run()
    assert notebook_button(app).proto.disabled and "your own images stay here" in notebook_button(app).proto.help
