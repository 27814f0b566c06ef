"""AppTest of the Learn page: every topic renders with its numbers, and the topics link to each other."""

import io
import json
import re

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.helpers import APP, APP_TIMEOUT, figures, open_app, wait_until
from visualizer.figures.encoding import decode_typed_array
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.pool import TrainingPool
from visualizer.ui import keys
from visualizer.ui.keys import Learn
from visualizer.ui.learn import activations as activations_topic
from visualizer.ui.learn import backprop as backprop_topic
from visualizer.ui.learn import dense as dense_topic
from visualizer.ui.learn import dropout as dropout_topic
from visualizer.ui.learn import kernels as kernels_topic
from visualizer.ui.learn import pooling as pooling_topic
from visualizer.ui.learn import skips as skips_topic
from visualizer.ui.pages import PAGE_FILES

LEARN = PAGE_FILES["learn"]


@pytest.fixture
def app() -> AppTest:
    return open_app("learn")


def open_view(at: AppTest, view: str) -> AppTest:
    at.button_group(key=Learn.VIEW).set_value(view).run()
    assert not at.exception, at.exception
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_a_topic_opens_from_the_url_and_lands_in_it():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.run()
    at.switch_page(LEARN)
    at.query_params["view"] = "pooling"
    at.run()
    assert not at.exception
    assert at.button_group(key=Learn.VIEW).value == "pooling"
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
            "#### Skip connection",
            "#### Backpropagation",
        ]
    )
    links = [link.proto.page for link in app.get("page_link")]
    assert any("build" in page for page in links) and any("inspect" in page for page in links)
    next(button for button in app.button if button.label == "Try it: Pooling").click().run()
    assert not app.exception
    assert app.button_group(key=Learn.VIEW).value == "pooling"
    assert "Output size" in markdown(app)


def test_activation_curves_parameters_and_the_network_histograms(app):
    open_view(app, "activations")
    curves = figures(app)[0]
    assert [trace["name"] for trace in curves["data"][::2]] == ["ReLU", "sigmoid", "tanh"]
    app.multiselect(key=activations_topic.Keys.ACTIVATIONS).set_value(["leaky_relu"]).run()
    app.slider(key=activations_topic.Keys.SLOPE).set_value(0.5).run()
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
    app.radio(key=kernels_topic.Keys.STRIDE).set_value(2).run()
    app.radio(key=kernels_topic.Keys.PADDING).set_value("same").run()
    assert "\\lceil 28 / 2 \\rceil = 14" in markdown(app)
    output = figures(app)[2]
    assert output["layout"]["title"]["text"].endswith("14x14")
    app.radio(key=kernels_topic.Keys.SIZE).set_value(5).run()
    app.radio(key=Learn.IMAGE_SOURCE).set_value("A shape").run()
    app.toggle(key=kernels_topic.Keys.PER_CHANNEL).set_value(True).run()
    assert not app.exception
    assert "output (each channel) 32x32" in json.dumps(figures(app)[2])


def test_kernel_playground_takes_an_upload_and_refuses_a_broken_one(app):
    open_view(app, "kernels")
    app.radio(key=Learn.IMAGE_SOURCE).set_value("Upload").run()
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(buffer, "PNG")
    app.file_uploader(key=Learn.UPLOAD).set_value(("red.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception
    assert "red.png, reduced to 96x64" in json.dumps(figures(app)[0])
    app.file_uploader(key=Learn.UPLOAD).set_value(("bad.png", b"not an image", "image/png")).run()
    assert not app.exception
    assert any("bad.png" in error.value for error in app.error)


def test_pooling_explains_one_window(app):
    open_view(app, "pooling")
    values = np.random.RandomState(0).randint(0, 10, size=(6, 6))
    assert f"= **{values[:2, :2].max()}**" in markdown(app)  # a whole number printed as one
    app.slider(key=pooling_topic.Keys.CELL).set_value(4).run()  # row 1, column 1 of a 3x3 output
    assert f"= **{values[2:4, 2:4].max()}**" in markdown(app)
    grids = [figure for figure in figures(app) if figure["data"][0]["type"] == "heatmap"]
    assert grids[0]["data"][0]["text"][0][0] == str(values[0, 0])  # "7", not "7.00"
    ends = [(grid["data"][0]["zmin"], grid["data"][0]["zmax"]) for grid in grids]
    assert ends == [(values.min(), values.max())] * 2  # input and output on one colour scale
    app.radio(key=pooling_topic.Keys.KIND).set_value("average").run()
    mean = values[2:4, 2:4].mean()
    assert f"= **{mean:.2f}**" in markdown(app) if mean % 1 else f"= **{int(mean)}**" in markdown(app)
    app.radio(key=pooling_topic.Keys.KIND).set_value("global_average").run()
    assert f"{values.mean():.2f}" in markdown(app)


def test_dense_and_softmax_with_the_real_numbers(app):
    open_view(app, "dense")
    assert not app.warning
    logits_figure = figures(app)[0]
    probabilities = decode_typed_array(logits_figure["data"][1]["y"]).astype(float)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-4)
    assert "\\sum_i x_i w_i + b" in markdown(app)
    top = int(probabilities.argmax())
    assert f"= {100 * probabilities[top]:.1f}\\%$" in markdown(app)  # \% renders; a bare % starts a comment
    app.slider(key=dense_topic.Keys.TEMPERATURE).set_value(0.5).run()
    sharper = decode_typed_array(figures(app)[0]["data"][1]["y"]).astype(float)
    assert sharper.max() >= probabilities.max()
    # The worked equation follows the temperature: its probability is the sharper one, its exponent divided by T.
    assert f"= {100 * sharper[top]:.1f}\\%$" in markdown(app) and "(z - z_{max}) / 0.5" in markdown(app)


def test_dropout_masks_and_prediction_spread(app):
    open_view(app, "dropout")
    assert "no Dropout layer" in markdown(app)  # LeNet-5 has none: dropout on the last layer's input
    spread = figures(app)[1]
    assert len([trace for trace in spread["data"] if trace["type"] == "box"]) == 10
    app.slider(key=dropout_topic.Keys.RATE).set_value(0.0).run()
    assert "0 of 64 units dropped" in markdown(app)


def live_epoch(at: AppTest) -> int | None:
    """The epoch the live histograms say they show, if they show one."""
    for caption in at.caption:
        found = re.search(r"the network training now, after epoch (\d+)", caption.value)
        if found:
            return int(found.group(1))
    return None


def test_histograms_follow_a_training_job_live(tiny):
    job = TrainingJob(PRESETS["starter"], tiny, TrainingConfig(epochs=200, batch_size=16), pool=TrainingPool(1))
    job.start()
    try:
        wait_until(lambda: len(job.checkpoints) >= 2, 120, "the first epoch")
        at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
        at.session_state[keys.TRAIN_JOB] = job
        at.run()
        at.switch_page(LEARN).run()
        open_view(at, "activations")
        first = live_epoch(at)
        assert first is not None and first >= 1
        titles = [figure["layout"]["title"]["text"] for figure in figures(at)[2:]]
        assert titles and all(title.startswith("conv2d_1") for title in titles)
        wait_until(lambda: len(job.checkpoints) - 1 >= first + 2, 120, "two more epochs")
        at.run()  # what the fragment does every two seconds in the browser
        assert not at.exception
        later = live_epoch(at)
        assert later is not None and later >= first + 2  # the histograms moved on with the training
    finally:
        job.stop()
        assert job.wait(60)


def test_skip_connections_measure_the_gradient_reaching_each_layer(app):
    open_view(app, "skips")
    chart = figures(app)[0]
    assert [trace["name"] for trace in chart["data"]] == ["with skip connections", "plain stack, same layers"]
    assert chart["layout"]["yaxis"]["type"] == "log"
    residual = decode_typed_array(chart["data"][0]["y"])
    plain = decode_typed_array(chart["data"][1]["y"])
    assert len(residual) == len(plain) == 18  # 17 convolutions and the output layer
    ratio = float(re.search(r"receives \*\*([\d,]+) times\*\*", markdown(app)).group(1).replace(",", ""))
    assert ratio == pytest.approx(residual[0] / plain[0], rel=0.01) and ratio > 100


def test_skip_connections_open_the_comparison_on_compare_keeping_the_old_network_undoable(app):
    open_view(app, "skips")
    app.button(key=skips_topic.Keys.COMPARE).click().run()
    assert not app.exception
    assert app.selectbox(key=keys.Compare.VARIANT).value == "remove_skips"
    assert any("Build's Undo brings yours back" in info.value for info in app.info)
    assert ModelSpec.from_dict(app.session_state[keys.STACK].to_dict()) == PRESETS["deep_residual"]


def test_backpropagation_explains_the_chain_rule_then_steps_the_shipped_network_in_its_numbers(app):
    from visualizer.backend.backprop import training_step
    from visualizer.data.catalog import load_dataset
    from visualizer.training.shipped import load_pretrained

    open_view(app, "backprop")
    assert not app.warning and not app.error
    text = markdown(app)
    assert "L = -\\ln p_y" in text and "\\sum_{\\text{positions}} x" in text  # the formulas, then the numbers
    dataset = load_dataset("digits")
    label = int(dataset.y_test[0])  # the Learn page's test image 0: its own class is the label
    assert app.selectbox(key=backprop_topic.Keys.label).value == label
    app.selectbox(key=backprop_topic.Keys.weight).set_value((2, 1, 0)).run()
    step = training_step(load_pretrained("lenet5_digits"), dataset.x_test[0], label, "conv2d_1", learning_rate=0.01)
    text = markdown(app)
    assert f"**{step.loss:.4g}**" in text
    assert f"**{step.kernel_gradient[2, 1, 0, 0]:+.6f}**" in text
    assert f"to **{step.loss_after:.4g}**" in text
    # Its own keys: the Inspect tab's controls are not touched.
    assert app.selectbox(key=backprop_topic.Keys.layer).value == "conv2d_1"
