"""AppTest of the Learn page: every topic renders with its numbers, and the topics link to each other."""

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from visualizer.datasets import Dataset, load_dataset
from visualizer.figures import decode_typed_array
from visualizer.presets import PRESETS
from visualizer.training import TrainingConfig, TrainingJob, TrainingPool

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LEARN = "visualizer/ui/pages/learn.py"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(LEARN).run()
    assert not at.exception, at.exception
    return at


def open_view(at: AppTest, view: str) -> AppTest:
    at.button_group(key="learn_view").set_value(view).run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_a_topic_opens_from_the_url_and_lands_in_it():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(LEARN)
    at.query_params["view"] = "pooling"
    at.run()
    assert not at.exception
    assert at.button_group(key="learn_view").value == "pooling"
    open_view(at, "dense")
    assert at.query_params["view"] == "dense"


def test_concept_cards_open_their_views(app):
    titles = [m.value for m in app.markdown if m.value.startswith("#### ")]
    assert sorted(titles) == sorted(
        [
            "#### Neural network",
            "#### Activation function",
            "#### Convolution",
            "#### Pooling",
            "#### Dense layer",
            "#### Dropout",
        ]
    )
    links = [link.proto.page for link in app.get("page_link")]
    assert any("build" in page for page in links) and any("inspect" in page for page in links)
    next(button for button in app.button if button.label == "Try it: Pooling").click().run()
    assert not app.exception
    assert app.button_group(key="learn_view").value == "pooling"
    assert "Output size" in markdown(app)


def test_activation_curves_parameters_and_the_network_histograms(app):
    open_view(app, "activations")
    curves = figures(app)[0]
    assert [trace["name"] for trace in curves["data"][::2]] == ["ReLU", "sigmoid", "tanh"]
    app.multiselect(key="learn_activations").set_value(["leaky_relu"]).run()
    app.slider(key="learn_slope").set_value(0.5).run()
    assert not app.exception
    leaky = figures(app)[0]["data"][0]
    x, y = decode_typed_array(leaky["x"]), decode_typed_array(leaky["y"])
    np.testing.assert_allclose(y[x < 0], 0.5 * x[x < 0], rtol=1e-5)
    depth = figures(app)[1]
    sigmoid = next(trace for trace in depth["data"] if trace["name"] == "sigmoid")
    assert decode_typed_array(sigmoid["y"])[-1] < 1e-5  # ten sigmoid layers: the gradient has vanished
    histogram_titles = [figure["layout"]["title"]["text"] for figure in figures(app)[2:]]
    assert sorted(title.split(" · ")[0] for title in histogram_titles) == ["conv2d_1", "conv2d_2", "dense_1", "dense_2"]
    assert all("in a flat region" in title for title in histogram_titles)


def test_kernel_playground_shows_input_kernel_output_and_formula(app):
    open_view(app, "kernels")
    assert "\\lfloor (28 - 3) / 1 \\rfloor + 1 = 26" in markdown(app)
    app.radio(key="learn_stride").set_value(2).run()
    app.radio(key="learn_padding").set_value("same").run()
    assert "\\lceil 28 / 2 \\rceil = 14" in markdown(app)
    output = figures(app)[2]
    assert output["layout"]["title"]["text"].endswith("14x14")
    app.radio(key="learn_kernel_size").set_value(5).run()
    app.radio(key="learn_image_source").set_value("A shape").run()
    app.toggle(key="learn_per_channel").set_value(True).run()
    assert not app.exception
    assert "output (each channel) 32x32" in json.dumps(figures(app)[2])


def test_kernel_playground_takes_an_upload_and_refuses_a_broken_one(app):
    open_view(app, "kernels")
    app.radio(key="learn_image_source").set_value("Upload").run()
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(buffer, "PNG")
    app.file_uploader(key="learn_upload").set_value(("red.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception
    assert "red.png, reduced to 96x64" in json.dumps(figures(app)[0])
    app.file_uploader(key="learn_upload").set_value(("bad.png", b"not an image", "image/png")).run()
    assert not app.exception
    assert any("bad.png" in error.value for error in app.error)


def test_pooling_explains_one_window(app):
    open_view(app, "pooling")
    values = np.random.RandomState(0).randint(0, 10, size=(6, 6))
    assert f"= **{values[:2, :2].max():.2f}**" in markdown(app)
    app.slider(key="learn_pool_cell").set_value(4).run()  # row 1, column 1 of a 3x3 output
    assert f"= **{values[2:4, 2:4].max():.2f}**" in markdown(app)
    app.radio(key="learn_pool_kind").set_value("average").run()
    assert f"= **{values[2:4, 2:4].mean():.2f}**" in markdown(app)
    app.radio(key="learn_pool_kind").set_value("global_average").run()
    assert f"{values.mean():.2f}" in markdown(app)


def test_dense_and_softmax_with_the_real_numbers(app):
    open_view(app, "dense")
    assert not app.warning
    logits_figure = figures(app)[0]
    probabilities = decode_typed_array(logits_figure["data"][1]["y"]).astype(float)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-4)
    assert "\\sum_i x_i w_i + b" in markdown(app)
    app.slider(key="learn_temperature").set_value(0.5).run()
    sharper = decode_typed_array(figures(app)[0]["data"][1]["y"]).astype(float)
    assert sharper.max() >= probabilities.max()


def test_dropout_masks_and_prediction_spread(app):
    open_view(app, "dropout")
    assert "no Dropout layer" in markdown(app)  # LeNet-5 has none: dropout on the last layer's input
    spread = figures(app)[1]
    assert len([trace for trace in spread["data"] if trace["type"] == "box"]) == 10
    app.slider(key="learn_dropout_rate").set_value(0.0).run()
    assert "0 of 64 units dropped" in markdown(app)


def test_histograms_follow_a_training_job_live():
    digits = load_dataset("digits")
    tiny = Dataset(
        "tiny digits",
        digits.x_train[:64],
        digits.y_train[:64],
        digits.x_test[:16],
        digits.y_test[:16],
        digits.class_names,
    )
    job = TrainingJob(PRESETS["starter"], tiny, TrainingConfig(epochs=200), pool=TrainingPool(1)).start()
    try:
        deadline = 0
        while len(job.checkpoints) < 2 and deadline < 600:
            job.wait(0.1)
            deadline += 1
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["train_job"] = job
        at.run()
        at.switch_page(LEARN).run()
        open_view(at, "activations")
        assert any("the network training now, after epoch" in caption.value for caption in at.caption)
    finally:
        job.stop()
        job.wait(60)
