"""AppTest of the Inspect page: an uploaded file, a broken file, a test image, and a trained model's epochs."""

import io
import json

import keras
import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.helpers import APP, APP_TIMEOUT, open_app
from visualizer.backend.building import build_model
from visualizer.backend.saving import model_to_bytes
from visualizer.figures.encoding import decode_typed_array
from visualizer.model.presets import PRESETS
from visualizer.training.config import TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.pool import TrainingPool
from visualizer.ui import state
from visualizer.ui.pages import PAGE_FILES


@pytest.fixture
def app() -> AppTest:
    return open_app("inspect")


def charts(at: AppTest) -> list[str]:
    return [element.proto.id for element in at.get("plotly_chart")]


def chart(at: AppTest, key: str) -> dict:
    """The figure of the chart with this key, as the browser gets it."""
    for element in at.get("plotly_chart"):
        if element.proto.id and key in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key!r}")


def test_a_test_image_shows_every_view(app):
    assert any("LeNet-5 trained on digits (13 epochs, shipped with the app)" in c.value for c in app.caption)
    assert any(m.value.startswith("**Prediction:") for m in app.markdown)
    expanders = [e.label for e in app.expander]
    for name in ("conv2d_1", "avgpool2d_1", "conv2d_2", "avgpool2d_2", "flatten_1", "dense_1", "dense_2", "output"):
        assert any(label.startswith(name) for label in expanders), name
    assert len(charts(app)) >= 10
    assert any("the value at row 14, column 14 of map 0 of conv2d_1" in m.value for m in app.markdown)


def test_an_uploaded_image_and_a_broken_one(app):
    app.radio(key="inspect_source").set_value("Upload an image").run()
    picture = Image.new("L", (100, 80), 255)
    picture.paste(0, (40, 10, 60, 70))  # a dark stroke on white: inverting is suggested
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    app.file_uploader(key="inspect_upload").set_value(("seven.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception
    assert app.checkbox[0].value is True  # invert suggested for dark-on-light
    assert any(m.value.startswith("**Prediction:") for m in app.markdown)
    app.file_uploader(key="inspect_upload").set_value(("broken.png", b"\x89PNG broken", "image/png")).run()
    assert not app.exception
    assert any("broken.png" in e.value for e in app.error)


def test_a_trained_model_can_be_scrubbed_through_its_epochs(tiny):
    job = TrainingJob(PRESETS["starter"], tiny, TrainingConfig(epochs=2), pool=TrainingPool(1)).start()
    assert job.wait(120) and job.status().state == "finished"
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.session_state[state.TRAINED_JOB] = job
    at.session_state[state.MODEL_CHOICE] = "trained"  # as the Train page does when a job finishes
    at.run()
    at.switch_page(PAGE_FILES["inspect"]).run()
    assert not at.exception
    assert any("your trained network (2 epochs" in c.value for c in at.caption)
    final = chart(at, state.Inspect.maps("conv2d_1"))
    at.slider(key=state.Inspect.EPOCH).set_value(0).run()
    assert not at.exception
    assert any("shown after epoch 0" in c.value for c in at.caption)
    untrained = chart(at, state.Inspect.maps("conv2d_1"))
    # Before training the maps are other maps: epoch 0 differs from the last epoch.
    first_maps, last_maps = (decode_typed_array(figure["data"][0]["z"]) for figure in (untrained, final))
    assert first_maps.shape == last_maps.shape
    assert not np.allclose(np.nan_to_num(first_maps), np.nan_to_num(last_maps))
    at.slider(key=state.Inspect.EPOCH).set_value(2).run()
    np.testing.assert_allclose(  # and back at the last epoch, the trained maps again
        np.nan_to_num(decode_typed_array(chart(at, state.Inspect.maps("conv2d_1"))["data"][0]["z"])),
        np.nan_to_num(last_maps),
    )


def test_pooling_step_surgery_and_probes(app):
    assert any("keeps the mean of the values" in m.value for m in app.markdown)  # LeNet-5 averages
    app.selectbox(key="inspect_surgery_action").set_value("sobel_x").run()
    assert not app.exception
    assert any(m.value.startswith("**After:") for m in app.markdown)
    changed = decode_typed_array(chart(app, state.Inspect.SURGERY_MAPS)["data"][0]["z"])
    assert changed.shape[0] > 0 and np.isfinite(changed).any()  # the changed layer's maps are drawn
    assert not [slider for slider in app.slider if slider.key == "inspect_probe_dx"]  # computed only on demand
    app.toggle(key="inspect_show_probes").set_value(True).run()
    app.slider(key="inspect_probe_dx").set_value(5).run()
    app.slider(key="inspect_probe_angle").set_value(30).run()
    app.checkbox(key="inspect_probe_cover").check().run()
    assert not app.exception
    assert any(m.value.startswith("**Now:") for m in app.markdown)
    app.toggle(key="inspect_occlusion").set_value(True).run()
    assert not app.exception


def test_the_sliding_window_animation(app):
    app.toggle(key="inspect_step_animate").set_value(True).run()
    assert not app.exception
    animation = chart(app, state.Inspect.STEP_ANIMATION)
    assert len(animation["frames"]) > 10 and animation["layout"]["updatemenus"]


def test_enlarge_a_map(app):
    app.selectbox(key="inspect_enlarge_conv2d_1").set_value(3).run()
    assert not app.exception
    assert any('"conv2d_1, map 3"' in element.proto.spec for element in app.get("plotly_chart"))


def test_the_untrained_stack_and_an_uploaded_model_can_be_chosen(app):
    app.selectbox(key="model_choice").set_value("untrained").run()
    assert not app.exception
    assert any("untrained network" in c.value for c in app.caption)
    model = build_model(PRESETS["tinyvgg"], seed=2)
    app.file_uploader(key="model_upload").set_value(("mine.keras", model_to_bytes(model), "application/zip")).run()
    assert not app.exception
    assert any("Loaded mine.keras" in s.value for s in app.success)
    assert app.selectbox(key="model_choice").value == "uploaded"
    assert any("your model mine.keras" in c.value for c in app.caption)
    assert any(e.label.startswith("conv2d_1") for e in app.expander)
    app.file_uploader(key="model_upload").set_value(("bad.keras", b"not a zip", "application/zip")).run()
    assert not app.exception
    assert any("bad.keras: This is not a Keras model file" in e.value for e in app.error)
    assert app.selectbox(key="model_choice").value == "uploaded"  # the model the person had is kept


def test_a_branching_model_gets_the_views_that_apply(app):
    inputs = keras.Input((28, 28, 1))
    left = keras.layers.Conv2D(4, 3, padding="same", name="left")(inputs)
    right = keras.layers.Conv2D(4, 1, name="right")(inputs)
    merged = keras.layers.Add(name="add")([left, right])
    pooled = keras.layers.GlobalAveragePooling2D(name="gap")(merged)
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax", name="out")(pooled))
    app.file_uploader(key="model_upload").set_value(("branches.keras", model_to_bytes(model), "application/zip")).run()
    assert not app.exception
    assert any("not a plain stack of layers" in i.value for i in app.info)
    assert any(m.value.startswith("**Prediction:") for m in app.markdown)


def test_grad_cam_and_saliency_on_demand(app):
    charts_before = len(app.get("plotly_chart"))
    app.toggle(key="inspect_show_attention").set_value(True).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == charts_before + 2  # Grad-CAM and saliency overlays
    app.selectbox(key="inspect_explain_class").set_value(3).run()
    assert not app.exception
