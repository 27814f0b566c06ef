"""AppTest of the Inspect page: the overview, the step explainer, every tab, images, models and epochs."""

import base64
import io
import json

import keras
import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.helpers import APP, APP_TIMEOUT, component_data, has_component, open_app
from visualizer.backend.building import build_model
from visualizer.backend.forward import feature_maps
from visualizer.backend.saving import model_to_bytes
from visualizer.data.catalog import load_dataset
from visualizer.figures.encoding import decode_typed_array
from visualizer.model.presets import PRESETS
from visualizer.training.config import TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.pool import TrainingPool
from visualizer.training.shipped import load_pretrained
from visualizer.ui import keys, player, session
from visualizer.ui.inspect import attention as attention_tab
from visualizer.ui.inspect import embedding as embedding_tab
from visualizer.ui.inspect import feature_maps as feature_maps_tab
from visualizer.ui.inspect import filters as filters_tab
from visualizer.ui.inspect import fragility as fragility_tab
from visualizer.ui.inspect import probes as probes_tab
from visualizer.ui.inspect import surgery as surgery_tab
from visualizer.ui.inspect import training_step as training_step_tab
from visualizer.ui.inspect import weights as weights_tab
from visualizer.ui.keys import Inspect, Network
from visualizer.ui.pages import PAGE_FILES

ALL_TABS = [
    "Step by step",
    "Maps",
    "Kernels",
    "Where it looks",
    "Surgery",
    "Probes",
    "Fragility",
    "Embedding",
    "Filters",
    "Weights",
    "One training step",
]
LENET_COLUMNS = ["input", "conv2d_1", "avgpool2d_1", "conv2d_2", "avgpool2d_2", "flatten_1", "dense_1", "dense_2"]


@pytest.fixture
def app() -> AppTest:
    return open_app("inspect")


def open_tab(at: AppTest, label: str) -> AppTest:
    at.session_state[Inspect.TABS] = label
    at.run()
    assert not at.exception, at.exception
    return at


def chart(at: AppTest, key: str) -> dict:
    """The figure of the chart with this key, as the browser gets it."""
    for element in at.get("plotly_chart"):
        if element.proto.id and element.proto.id.endswith(key):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key!r}")


def floats(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.float32)


def test_the_overview_shows_every_layer_and_the_prediction(app):
    assert any("LeNet-5 trained on digits (13 epochs, shipped with the app)" in c.value for c in app.caption)
    assert any(m.value.startswith("**Prediction: 3**") for m in app.markdown)  # test image 0 is a three
    overview = component_data(app, "network_overview")
    assert [column["name"] for column in overview["columns"]] == [*LENET_COLUMNS, "output"]
    conv = overview["columns"][1]
    assert conv["sources"] == [[[0, 0, 0]]] * 6 and len(conv["items"]) == 6 and len(conv["kernels"]) == 6
    assert overview["columns"][2]["sources"][4] == [[1, 4, 4]]  # a pooled map comes from one map
    output = overview["columns"][-1]
    assert output["labels"] == [str(digit) for digit in range(10)] and int(np.argmax(output["bars"])) == 3
    assert overview["selected"] == {"column": 1, "item": 0}  # before any click: the first conv map
    assert [tab.label for tab in app.tabs] == ALL_TABS


def test_the_step_explainer_walks_the_picked_map_and_fills_its_feature_map(app):
    walk = component_data(app, "window_walk")
    assert walk["mode"] == "conv" and walk["layer"] == "conv2d_1" and walk["index"] == 0
    model = load_pretrained("lenet5_digits")
    x = load_dataset("digits").x_test[0]
    np.testing.assert_allclose(
        floats(walk["out"]).reshape(walk["out_shape"]), feature_maps(model, x)["conv2d_1"][:, :, 0], atol=1e-5
    )
    assert len(walk["origins"]) == 2 * 28 * 28 and walk["origins"][:2] == [-2, -2]  # 'same' padding hangs over
    app.session_state[Inspect.OVERVIEW] = {"selected": {"column": "avgpool2d_2", "item": 5}}  # a click
    app.run()
    assert not app.exception
    pooled = component_data(app, "window_walk")
    assert (pooled["mode"], pooled["layer"], pooled["index"], pooled["out_shape"]) == ("pool", "avgpool2d_2", 5, [5, 5])
    np.testing.assert_allclose(
        floats(pooled["out"]).reshape(5, 5), feature_maps(model, x)["avgpool2d_2"][:, :, 5], atol=1e-6
    )
    assert component_data(app, "network_overview")["selected"] == {"column": 4, "item": 5}
    app.session_state[Inspect.OVERVIEW] = {"selected": {"column": "dense_1", "item": 3}}
    app.run()
    assert not has_component(app, "window_walk")  # nothing to walk through in a dense layer: a hint instead
    assert any("Click a map of a convolution or pooling layer" in info.value for info in app.info)


def test_an_uploaded_image_and_a_broken_one(app):
    app.radio(key=Inspect.SOURCE).set_value("Upload").run()
    picture = Image.new("L", (100, 80), 255)
    picture.paste(0, (40, 10, 60, 70))  # a dark stroke on white: inverting is suggested
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    app.file_uploader(key=Inspect.UPLOAD).set_value(("seven.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception
    assert app.checkbox[0].value is True  # invert suggested for dark-on-light
    assert any(m.value.startswith("**Prediction:") for m in app.markdown)
    app.file_uploader(key=Inspect.UPLOAD).set_value(("broken.png", b"\x89PNG broken", "image/png")).run()
    assert not app.exception
    assert any("broken.png" in e.value for e in app.error)


def test_a_trained_model_can_be_scrubbed_through_its_epochs(tiny):
    job = TrainingJob(PRESETS["starter"], tiny, TrainingConfig(epochs=2), pool=TrainingPool(1)).start()
    assert job.wait(120) and job.status().state == "finished"
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.session_state[keys.TRAINED_JOB] = job
    at.session_state[keys.MODEL_CHOICE] = "trained"  # as the Train page does when a job finishes
    at.run()
    at.switch_page(PAGE_FILES["inspect"]).run()
    assert not at.exception
    assert any("your trained network (2 epochs" in c.value for c in at.caption)
    final = component_data(at, "network_overview")["columns"][1]["items"]
    at.slider(key=Inspect.EPOCH).set_value(0).run()
    assert not at.exception
    assert any("shown after epoch 0" in c.value for c in at.caption)
    untrained = component_data(at, "network_overview")["columns"][1]["items"]
    assert len(untrained) == len(final) == 4
    assert [item["src"] for item in untrained] != [item["src"] for item in final]  # other maps before training
    walk = component_data(at, "window_walk")
    np.testing.assert_allclose(
        floats(walk["out"]).reshape(walk["out_shape"]),
        feature_maps(job.model_at(0), tiny.x_test[0])["conv2d_1"][:, :, 0],
        atol=1e-5,
    )
    at.slider(key=Inspect.EPOCH).set_value(2).run()
    assert [item["src"] for item in component_data(at, "network_overview")["columns"][1]["items"]] == [
        item["src"] for item in final
    ]
    # The Weights tab: every checkpoint's weights, and the gradients the training recorded at each epoch's end.
    open_tab(at, "Weights")
    at.selectbox(key=weights_tab.Keys.LAYER).set_value("conv2d_1").run()
    assert not at.exception and not at.error
    weights, gradients = (
        chart(at, weights_tab.Keys.WEIGHTS_CHART)["data"][0],
        chart(at, weights_tab.Keys.GRADIENTS_CHART)["data"][0],
    )
    params = job.model.get_layer("conv2d_1").count_params()
    assert list(weights["x"]) == [0, 1, 2] and list(gradients["x"]) == [1, 2]
    assert (decode_typed_array(weights["customdata"]).sum(axis=0) == params).all()  # each epoch: every weight
    counts = decode_typed_array(gradients["customdata"])
    assert (counts.sum(axis=0) == params).all()  # conv2d_1's kernel and bias are all trainable
    recorded = np.concatenate([array.ravel() for array in job.gradients[1][:2]])  # epoch 2: conv2d_1's two arrays
    rms = float(np.sqrt(np.mean(np.square(recorded.astype(np.float64)))))
    assert any(f"{rms:.3g} at epoch 2." in m.value for m in at.markdown)


def test_play_starts_the_epochs_again_from_zero_and_pause_keeps_the_epoch(app):
    assert app.slider(key=Inspect.EPOCH).value == 13
    app.button(key=player.play_key(Inspect.EPOCH)).click().run()
    assert not app.exception
    assert app.slider(key=Inspect.EPOCH).value == 0  # played from the last epoch: from the start again
    assert app.button(key=player.play_key(Inspect.EPOCH)).label == "Pause"
    assert any("shown after epoch 0" in c.value for c in app.caption)
    app.slider(key=Inspect.EPOCH).set_value(5).run()  # scrubbing while it plays
    app.button(key=player.play_key(Inspect.EPOCH)).click().run()
    assert app.button(key=player.play_key(Inspect.EPOCH)).label == "Play"
    assert app.slider(key=Inspect.EPOCH).value == 5


def test_the_maps_tab_draws_every_layer_and_enlarges_a_map(app):
    open_tab(app, "Maps")
    expanders = [e.label for e in app.expander]
    for name in [*LENET_COLUMNS[1:], "output"]:
        assert any(label.startswith(name) for label in expanders), name
    app.selectbox(key=feature_maps_tab.Keys.enlarge("conv2d_1")).set_value(3).run()
    assert not app.exception
    assert chart(app, feature_maps_tab.Keys.enlarged("conv2d_1"))["layout"]["title"]["text"] == "conv2d_1, map 3"


def test_surgery_and_probes_each_in_their_tab(app):
    assert not [slider for slider in app.slider if slider.key == probes_tab.Keys.DX]  # computed only when opened
    open_tab(app, "Surgery")
    app.selectbox(key=surgery_tab.Keys.ACTION).set_value("sobel_x").run()
    assert not app.exception
    assert any(m.value.startswith("**After:") for m in app.markdown)
    # The change in numbers, against the backend's own copy of the network with the same filter replaced.
    from visualizer.backend.forward import predict
    from visualizer.backend.surgery import with_filter
    from visualizer.numerics.kernels import CLASSIC_KERNELS

    model, x = load_pretrained("lenet5_digits"), load_dataset("digits").x_test[0]
    before = predict(model, x)
    after = predict(with_filter(model, "conv2d_1", 0, CLASSIC_KERNELS["sobel_x"]), x)
    top = int(before.argmax())
    shown = next(m for m in app.metric if m.label.startswith(f"Probability of {top}"))
    assert shown.value == f"{before[top]:.0%} → {after[top]:.0%}"
    changed = decode_typed_array(chart(app, surgery_tab.Keys.MAPS)["data"][0]["z"])
    assert changed.shape[0] > 0 and np.isfinite(changed).any()  # the changed layer's maps are drawn
    open_tab(app, "Probes")
    app.slider(key=probes_tab.Keys.DX).set_value(5).run()
    app.slider(key=probes_tab.Keys.ANGLE).set_value(30).run()
    app.checkbox(key=probes_tab.Keys.COVER).check().run()
    assert not app.exception
    assert any(m.value.startswith("**Now:") for m in app.markdown)
    app.toggle(key=probes_tab.Keys.OCCLUSION).set_value(True).run()
    assert not app.exception
    occlusion = chart(app, probes_tab.Keys.OCCLUSION_MAP)
    heat = decode_typed_array(occlusion["data"][1]["z"])
    from visualizer.backend.attribution import occlusion_map

    expected = np.clip(occlusion_map(model, x, class_index=top), 0.0, None)  # probability lost, in [0, 1]
    np.testing.assert_allclose(heat, expected, atol=1e-5)
    assert occlusion["data"][1]["colorbar"]["title"]["text"] == "probability lost"


def test_grad_cam_and_saliency_in_their_tab(app):
    assert not [chart for chart in app.get("plotly_chart") if chart.proto.id.endswith(attention_tab.Keys.GRAD_CAM)]
    open_tab(app, "Where it looks")
    assert chart(app, attention_tab.Keys.GRAD_CAM)["layout"]["title"]["text"] == "Grad-CAM"
    assert chart(app, attention_tab.Keys.SALIENCY)["layout"]["title"]["text"] == "Gradient saliency"
    app.selectbox(key=attention_tab.Keys.EXPLAIN_CLASS).set_value(5).run()
    assert not app.exception


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_photo_unlike_the_digits_gets_a_word_next_to_the_prediction_and_a_digit_does_not(app):
    app.radio(key=Inspect.SOURCE).set_value("Upload").run()
    rows, cols = np.mgrid[0:120, 0:160]
    photo = np.stack([cols / 160 * 255, rows / 120 * 255, (cols + rows) / 280 * 255], axis=-1).astype(np.uint8)
    app.file_uploader(key=Inspect.UPLOAD).set_value(("photo.png", png(photo), "image/png")).run()
    assert not app.exception
    warning = [c for c in app.caption if "unlike the images the network learned from" in c.value]
    assert len(warning) == 1 and "can only choose among its 10 classes" in warning[0].value
    assert "root-mean-square pixel difference" in warning[0].proto.help  # the measure, stated in the tooltip
    digit = (load_dataset("digits").x_test[3][:, :, 0] * 255).astype(np.uint8)
    app.file_uploader(key=Inspect.UPLOAD).set_value(("digit.png", png(digit), "image/png")).run()
    app.checkbox[0].uncheck().run()  # already light on dark
    assert not [c for c in app.caption if "unlike the images" in c.value]


def test_the_untrained_stack_and_an_uploaded_model_can_be_chosen(app):
    app.selectbox(key=Network.SELECTOR).set_value("untrained").run()
    assert not app.exception
    assert any("untrained network" in c.value for c in app.caption)
    model = build_model(PRESETS["tinyvgg"], seed=2)
    app.file_uploader(key=Network.UPLOAD).set_value(("mine.keras", model_to_bytes(model), "application/zip")).run()
    assert not app.exception
    assert any("Loaded mine.keras" in s.value for s in app.success)
    assert app.selectbox(key=Network.SELECTOR).value == "uploaded"
    assert any("your model mine.keras" in c.value for c in app.caption)
    columns = [column["name"] for column in component_data(app, "network_overview")["columns"]]
    assert columns[:3] == ["input", "conv2d_1", "conv2d_2"] and len(columns) == 9
    app.file_uploader(key=Network.UPLOAD).set_value(("bad.keras", b"not a zip", "application/zip")).run()
    assert not app.exception
    assert any("bad.keras: This is not a Keras model file" in e.value for e in app.error)
    assert app.selectbox(key=Network.SELECTOR).value == "uploaded"  # the model the person had is kept


def test_a_branching_model_of_known_layers_gets_every_view_and_its_merge_point(app):
    inputs = keras.Input((28, 28, 1))
    left = keras.layers.Conv2D(4, 3, padding="same", name="left")(inputs)
    right = keras.layers.Conv2D(4, 1, name="right")(inputs)
    merged = keras.layers.Add(name="add")([left, right])
    pooled = keras.layers.GlobalAveragePooling2D(name="gap")(merged)
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax", name="out")(pooled))
    app.file_uploader(key=Network.UPLOAD).set_value(("branches.keras", model_to_bytes(model), "application/zip")).run()
    assert not app.exception
    assert not any("views" in i.value for i in app.info)  # no note on missing views: none are missing
    assert any(m.value.startswith("**Prediction:") for m in app.markdown)
    assert [tab.label for tab in app.tabs] == ALL_TABS
    overview = component_data(app, "network_overview")
    assert [column["name"] for column in overview["columns"]] == ["input", "left", "right", "add", "gap", "out"]
    assert overview["columns"][3]["joined"] == "⊕ sum" and overview["columns"][3]["reads"] == [1, 2]
    assert overview["columns"][3]["sources"][0] == [[1, 0, 0], [2, 0, 0]]


def test_a_model_with_a_layer_the_app_does_not_know_gets_the_views_that_apply(app):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(4, 3, name="conv")(inputs)
    x = keras.layers.ReLU(name="own_relu")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax", name="out")(x))
    app.file_uploader(key=Network.UPLOAD).set_value(("own.keras", model_to_bytes(model), "application/zip")).run()
    assert not app.exception
    assert any("own\\_relu (ReLU)" in i.value for i in app.info)  # escaped: a name is text, not Markdown
    assert [tab.label for tab in app.tabs] == ["Maps", "Kernels", "Probes", "Embedding", "Filters", "Weights"]


def test_the_shipped_residual_network_opens_every_tab_with_its_merge_points(app):
    app.selectbox(key=Network.SELECTOR).set_value("shipped:resnet_shapes").run()
    assert not app.exception
    assert not any("views" in info.value for info in app.info)
    overview = component_data(app, "network_overview")
    merges = [column for column in overview["columns"] if "joined" in column]
    assert [column["name"] for column in merges] == ["residual_1_add", "residual_2_add"]
    names = [column["name"] for column in overview["columns"]]
    # The first block's addition reads its last batchnorm and the stem's output (the identity shortcut).
    assert [names[index] for index in merges[0]["reads"]] == ["batchnorm_2", "conv2d_1"]
    assert [names[index] for index in merges[1]["reads"]] == ["batchnorm_4", "residual_2_shortcut"]
    for label in ALL_TABS:
        open_tab(app, label)
        assert not app.error, (label, [error.value for error in app.error])


def test_the_fragility_tab_attacks_the_image_and_finds_the_smallest_flipping_epsilon(app):
    from visualizer.backend.adversarial import adversarial

    open_tab(app, "Fragility")
    assert not app.error
    app.slider(key=fragility_tab.Keys.EPSILON).set_value(0.15).run()
    model = load_pretrained("lenet5_digits")
    x = load_dataset("digits").x_test[0]
    expected = adversarial(model, x, 0.15)
    after = int(expected.probabilities_after.argmax())
    verdict = "flipped" if expected.flipped else "held"
    line = f"**{after}** ({expected.probabilities_after[after]:.0%}) after"  # the page's numbers are the backend's
    assert any(f"The answer {verdict}" in m.value and line in m.value for m in app.markdown)
    app.button(key=fragility_tab.Keys.SMALLEST).click().run()
    assert not app.exception
    assert any("The smallest epsilon that flips it with FGSM" in s.value for s in app.success)


def test_the_embedding_places_the_test_images_and_a_click_opens_one(app):
    from visualizer.backend.embedding import features, fit_projection

    open_tab(app, "Embedding")
    assert not app.error
    figure = chart(app, embedding_tab.Keys.CHART)
    shown = sum(len(decode_typed_array(trace["customdata"])) for trace in figure["data"])
    dataset = load_dataset("digits")
    assert shown == min(len(dataset.x_test), 500)
    # PCA fitted on the final network (LeNet-5 at epoch 13, the one shown): the points are its projection.
    model = load_pretrained("lenet5_digits")
    images = dataset.x_test[:shown]
    expected = fit_projection(features(model, images)).apply(features(model, images))
    first = figure["data"][0]
    indices = decode_typed_array(first["customdata"]).astype(int)
    np.testing.assert_allclose(decode_typed_array(first["x"]), expected[indices, 0], atol=1e-3)
    assert any("silhouette score" in m.value for m in app.markdown)


def test_a_click_on_an_embedded_point_picks_that_test_image():
    session.preset(embedding_tab.Keys.CHART, {"selection": {"points": [{"customdata": 7}]}})  # what a click leaves
    embedding_tab._pick_embedded_image()  # the chart's on_select callback, run before the next script run
    assert session.value(Inspect.SAMPLE) == 7 and session.value(Inspect.SOURCE) == "Test image"


def test_the_filters_tab_shows_what_each_filter_looks_for_beside_its_best_test_image(app):
    from visualizer.backend.features import feature_visualization

    open_tab(app, "Filters")
    app.selectbox(key=filters_tab.Keys.LAYER).set_value("conv2d_1").run()
    app.toggle(key=filters_tab.Keys.RUN).set_value(True).run()
    assert not app.exception and not app.error
    titles = [annotation["text"] for annotation in chart(app, filters_tab.Keys.GRID)["layout"]["annotations"]]
    assert len(titles) == 2 * 6  # LeNet-5's six first-layer filters, each beside its best test image
    expected = feature_visualization(load_pretrained("lenet5_digits"), "conv2d_1", 2)
    assert f"filter 2: {expected.activations[-1]:.2f}" in titles
    found = float(titles[4].split(": ")[1])
    best = float(titles[5].split(": ")[1])
    assert titles[4].startswith("filter 2") and found > best  # the picture beats the best test image
    # At another epoch of the scrubber, the grid is that network's: epoch 0's filters look for other things.
    app.slider(key=Inspect.EPOCH).set_value(0).run()
    assert not app.exception
    untrained = [annotation["text"] for annotation in chart(app, filters_tab.Keys.GRID)["layout"]["annotations"]]
    from visualizer.backend.surgery import model_at
    from visualizer.training.shipped import load_checkpoints

    first = model_at(load_pretrained("lenet5_digits"), load_checkpoints("lenet5_digits")[0])
    assert f"filter 2: {feature_visualization(first, 'conv2d_1', 2).activations[-1]:.2f}" in untrained
    assert untrained != titles


def test_the_weights_tab_shows_a_shipped_network_s_weights_and_gradients_at_every_epoch(app):
    from visualizer.backend.gradients import batch_gradients
    from visualizer.training.shipped import load_checkpoints

    open_tab(app, "Weights")
    app.selectbox(key=weights_tab.Keys.LAYER).set_value("dense_1").run()
    assert not app.exception and not app.error
    weights, gradients = chart(app, weights_tab.Keys.WEIGHTS_CHART), chart(app, weights_tab.Keys.GRADIENTS_CHART)
    assert list(weights["data"][0]["x"]) == list(range(14)) == list(gradients["data"][0]["x"])
    assert weights["layout"]["shapes"][0]["x0"] == 12.5  # the epoch the slider shows (13) is outlined
    checkpoints = load_checkpoints("lenet5_digits")
    model = load_pretrained("lenet5_digits")
    position = [w.path for w in model.weights].index(model.get_layer("dense_1").kernel.path)
    kernel = checkpoints[0][position]
    counts = decode_typed_array(weights["data"][0]["customdata"])
    assert counts.sum(axis=0).tolist() == [kernel.size + kernel.shape[1]] * 14  # kernel and bias, each epoch
    dataset = load_dataset("digits")
    final = batch_gradients(model, dataset.x_train[:64], dataset.y_train[:64])
    trainable = [w.path for w in model.trainable_weights].index(model.get_layer("dense_1").kernel.path)
    values = np.concatenate([final[trainable].ravel(), final[trainable + 1].ravel()]).astype(np.float64)
    assert any(f"{np.sqrt(np.mean(values**2)):.3g} at epoch 13." in m.value for m in app.markdown)


def test_an_uploaded_image_is_decoded_once_not_on_every_rerun(app, monkeypatch):
    import visualizer.data.images as images

    calls = []
    real = images.load_image
    monkeypatch.setattr(images, "load_image", lambda data: calls.append(1) or real(data))
    buffer = io.BytesIO()
    Image.new("L", (40, 30), 200).save(buffer, format="PNG")
    app.radio(key=Inspect.SOURCE).set_value("Upload").run()
    app.file_uploader(key=Inspect.UPLOAD).set_value(("one.png", buffer.getvalue(), "image/png")).run()
    for _ in range(3):
        app.run()
    assert not app.exception and len(calls) == 1


def test_one_training_step_shows_the_loss_the_chain_rule_and_the_step_in_the_backend_s_numbers(app):
    from visualizer.backend.backprop import training_step

    open_tab(app, "One training step")
    app.selectbox(key=training_step_tab.Keys.layer).set_value("conv2d_2").run()  # its 6 input channels, 16 filters
    app.number_input(key=training_step_tab.Keys.filter).set_value(3)
    app.selectbox(key=training_step_tab.Keys.weight).set_value((1, 2, 4)).run()
    assert not app.exception and not app.error
    model = load_pretrained("lenet5_digits")
    dataset = load_dataset("digits")
    label = int(dataset.y_test[0])  # a test image: its own class is the label
    assert app.selectbox(key=training_step_tab.Keys.label).value == label
    step = training_step(model, dataset.x_test[0], label, "conv2d_2", learning_rate=0.01)
    texts = [m.value for m in app.markdown]
    assert any(f"**{step.loss:.4g}**" in text for text in texts)
    assert any(f"**{step.kernel_gradient[1, 2, 4, 3]:+.6f}**" in text for text in texts)  # the shown sum
    assert any(f"to **{step.loss_after:.4g}**" in text for text in texts)
