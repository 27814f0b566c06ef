"""AppTest of the Train page: the real script, a real background job, polled by reruns."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from visualizer import datasets
from visualizer.presets import PRESETS

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TRAIN = "visualizer/ui/pages/train.py"


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setattr(datasets, "_can_reach", lambda host, timeout=3.0: False)  # no downloads in tests
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["spec"] = PRESETS["starter"].to_json(indent=None)  # small and quick to train
    at.run()
    at.switch_page(TRAIN).run()
    assert not at.exception, at.exception
    return at


def until(at: AppTest, done, timeout: float = 180.0) -> AppTest:
    """Reruns the page (as the live fragment would) until ``done(at)``."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, "the page never got there"
        time.sleep(0.5)
        at.run()
        assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str | None:
    return next((m.value for m in at.metric if m.label == label), None)


def test_opens_with_the_digits_ready_to_train(app):
    assert any("1,438 training and 359 test images" in m.value for m in app.markdown)
    assert not app.button(key="train_start").disabled
    assert app.button(key="train_stop").disabled


def test_trains_and_shows_results_then_keeps_them_after_a_failed_run(app):
    app.number_input(key="train_epochs").set_value(1).run()
    app.button(key="train_start").click().run()
    assert not app.exception
    until(app, lambda at: metric(at, "Test accuracy") is not None)
    accuracy = float(metric(app, "Test accuracy").rstrip("%"))
    assert 10.0 < accuracy <= 100.0
    assert any(b.label.startswith("Download the trained model") for b in app.get("download_button"))

    # A diverging run fails with a message and does not replace the trained model.
    app.select_slider(key="train_learning_rate").set_value(10.0).run()
    app.button(key="train_start").click().run()
    until(app, lambda at: any("diverged" in e.value for e in at.error))
    assert any("learning rate 10" in e.value for e in app.error)
    assert metric(app, "Test accuracy") == f"{accuracy:.1f}%"


def test_stop_ends_the_run(app):
    app.number_input(key="train_epochs").set_value(100).run()
    app.button(key="train_start").click().run()
    assert app.button(key="train_start").disabled  # no double start
    until(app, lambda at: any("Epoch" in str(p.proto) for p in at.get("progress")))
    app.button(key="train_stop").click().run()
    until(app, lambda at: any("Stopped after" in str(p.proto) for p in at.get("progress")), timeout=60)
    assert not app.button(key="train_start").disabled


def test_a_dataset_of_another_shape_offers_to_adopt_it(app):
    app.selectbox(key="train_dataset").set_value("shapes").run()
    assert any("64x64x3" in w.value and "28x28x1" in w.value for w in app.warning)
    assert app.button(key="train_start").disabled
    app.button(key="train_adopt").click().run()
    assert not app.exception
    assert any("now takes 64x64x3 images and predicts 6 classes" in s.value for s in app.success)
    assert not app.button(key="train_start").disabled


def test_an_unavailable_download_is_a_message(app):
    app.selectbox(key="train_dataset").set_value("cifar10").run()
    assert not app.exception
    assert any("cannot be downloaded now" in i.value for i in app.info)
    assert app.button(key="train_start").disabled


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
    app.selectbox(key="train_dataset").set_value("own_zip").run()
    app.file_uploader(key="train_zip").set_value(("broken.zip", b"not a zip", "application/zip")).run()
    app.button(key="train_build_zip").click().run()
    assert not app.exception
    assert any("not a readable .zip" in e.value for e in app.error)
    good = _zip(
        {f"red/{i}.png": _png((255, 0, 0)) for i in range(3)} | {f"blue/{i}.png": _png((0, 0, 255)) for i in range(3)}
    )
    app.file_uploader(key="train_zip").set_value(("colours.zip", good, "application/zip")).run()
    app.button(key="train_build_zip").click().run()
    assert any("Built a dataset of 2 classes" in s.value for s in app.success)
    assert any("classes: blue, red" in m.value for m in app.markdown)
