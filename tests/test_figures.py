"""Figures are pure functions: build them and assert on the figure objects."""

import numpy as np
import pytest

from visualizer.figures import LAYER_COLOURS, architecture_figure
from visualizer.presets import PRESETS
from visualizer.shapes import summarize


def test_architecture_figure_draws_one_labelled_block_per_layer():
    spec = PRESETS["lenet5"]
    rows = summarize(spec)
    fig = architecture_figure(spec.input_shape, rows)
    labels = [annotation.text for annotation in fig.layout.annotations]
    assert len(labels) == len(rows) + 1  # the input plus every layer
    assert labels[0].startswith("<b>input</b>") and "28x28x1" in labels[0]
    assert "conv2d_1" in labels[1] and "28x28x6" in labels[1]
    assert "output" in labels[-1]
    hover = fig.data[-1].hovertext
    assert len(hover) == len(rows) + 1 and "156 parameters" in hover[1]
    colours = {trace.fillcolor for trace in fig.data[:-1]}
    assert LAYER_COLOURS["conv2d"] in colours and LAYER_COLOURS["output"] in colours


def test_maps_are_drawn_as_stacks_capped_at_eight_slices():
    spec = PRESETS["keras_mnist_convnet"]
    rows = summarize(spec)
    fig = architecture_figure(spec.input_shape, rows)
    conv_traces = [trace for trace in fig.data if trace.fillcolor == LAYER_COLOURS["conv2d"]]
    polygons = sum(list(trace.x).count(None) for trace in conv_traces)
    assert polygons == 16  # two conv layers of 32 and 64 channels, 8 slices each
    input_trace = fig.data[0]
    assert list(input_trace.x).count(None) == 1  # one channel: one square


def test_invalid_stack_marker():
    spec = PRESETS["starter"]
    rows = summarize(spec)[:1]
    fig = architecture_figure(spec.input_shape, rows, error_after=1)
    assert any("invalid" in annotation.text for annotation in fig.layout.annotations)


def test_training_curves_fix_the_epoch_axis_and_draw_the_epoch_in_progress():
    import numpy as np

    from visualizer.figures import decode_typed_array, training_curves

    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "val_loss": [1.1, 0.7], "val_accuracy": [0.4, 0.7]}
    fig = training_curves(history, epochs=10, partial=(2.5, 0.4, 0.85))
    assert [trace.name for trace in fig.data[:4]] == ["training", "validation (test split)"] * 2
    assert list(fig.layout.xaxis.range) == [0.5, 10.5]
    assert decode_typed_array(fig.data[0].y).dtype == np.float32  # compact typed arrays, not float64
    np.testing.assert_allclose(decode_typed_array(fig.data[3].y), [0.4, 0.7], rtol=1e-6)
    assert fig.data[3].xaxis == "x2" and fig.data[0].xaxis == "x"  # accuracy on the right
    partial = [trace for trace in fig.data if trace.name == "this epoch so far"]
    assert len(partial) == 2 and list(decode_typed_array(partial[0].x)) == [2.0, 2.5]


def test_confusion_matrix_cells_carry_their_true_and_predicted_class():
    import numpy as np

    from visualizer.figures import confusion_matrix_figure

    counts = np.array([[5, 1], [2, 7]])
    fig = confusion_matrix_figure(counts, ["cat", "dog"])
    heat, cells = fig.data
    assert np.array_equal(np.asarray(heat.z), counts)
    assert [list(pair) for pair in np.asarray(cells.customdata)] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert list(cells.x) == ["cat", "dog", "cat", "dog"] and list(cells.y) == ["cat", "cat", "dog", "dog"]


def test_feature_map_grid_is_one_compact_heatmap_with_clickable_maps():
    import numpy as np

    from visualizer.figures import decode_typed_array, feature_map_grid

    maps = np.random.RandomState(0).rand(5, 6, 40).astype(np.float32)
    fig = feature_map_grid(maps, max_maps=32, shared_scale=False)
    heat, markers = fig.data
    z = decode_typed_array(heat.z)
    assert z.dtype == np.float32 and z.shape == (4 * 5 + 3, 8 * 6 + 7)  # 32 maps, 8 per row, 1-pixel gaps
    assert np.isnan(z[5]).all()  # the gap row
    np.testing.assert_allclose(np.nanmax(z[:5, :6]), 1.0)  # per-map scaling
    assert list(decode_typed_array(markers.customdata)) == list(range(32))
    assert '"z":{"dtype":"f4"' in fig.to_json()  # sent as base64 float32, not lists


def test_image_grid_sends_a_png_not_a_list_of_pixels():
    import numpy as np

    from visualizer.figures import image_grid

    fig = image_grid(np.zeros((3, 8, 8, 1), np.float32), ["a", "b", "c"])
    assert fig.data[0].source.startswith("data:image/png;base64,")
    assert [annotation.text for annotation in fig.layout.annotations] == ["a", "b", "c"]


def test_kernel_grid_is_centred_on_zero():
    import numpy as np

    from visualizer.figures import kernel_grid

    kernel = np.random.RandomState(1).randn(3, 3, 2, 4).astype(np.float32)
    heat = kernel_grid(kernel).data[0]
    assert heat.zmid == 0 and heat.zmin == -heat.zmax
    single = kernel_grid(kernel[:, :, :1, :])
    assert [annotation.text for annotation in single.layout.annotations] == [f"filter {i}" for i in range(4)]


def test_probabilities_highlight_the_top_class():
    import numpy as np

    from visualizer.figures import VALIDATION_COLOUR, probabilities_figure

    fig = probabilities_figure(np.array([0.1, 0.7, 0.2], np.float32), ["a", "b", "c"])
    assert fig.data[0].marker.color[1] == VALIDATION_COLOUR and fig.data[0].marker.color[0] != VALIDATION_COLOUR


def test_number_grid_names_colour_scales_plotly_js_knows():
    import numpy as np

    from visualizer.figures import number_grid

    heat = number_grid(np.eye(3), "kernel", "RdBu_r").data[0]
    scale = list(heat.colorscale)
    assert scale[0][0] == 0 and scale[-1][0] == 1
    assert scale[-1][1] == "rgb(103,0,31)"  # RdBu_r ends in dark red: high values red, as the caption says
    assert [row[0] for row in heat.text] == ["1.00", "0.00", "0.00"]


# The Learn page's figures.


def test_activation_curves_and_depth_figures():
    from visualizer.activations import curve, gradient_through_depth
    from visualizer.figures import activation_curves_figure, gradient_depth_figure

    x = np.linspace(-3, 3, 61)
    fig = activation_curves_figure(x, {"ReLU": curve("relu", x), "sigmoid": curve("sigmoid", x)})
    assert len(fig.data) == 4  # a curve and its derivative for each
    assert [trace.xaxis for trace in fig.data] == ["x", "x2", "x", "x2"]
    np.testing.assert_allclose(fig.data[1].y, (x > 0).astype(float), atol=1e-6)
    depth = gradient_depth_figure({"sigmoid": gradient_through_depth("sigmoid", 12)})
    assert depth.layout.yaxis.type == "log" and len(depth.data[0].y) == 12


def test_preactivation_histogram_shares_add_up_and_the_curve_is_on_its_own_axis():
    from visualizer.figures import preactivation_figure

    values = np.random.RandomState(0).randn(1000)
    x = np.linspace(-2, 2, 11)
    fig = preactivation_figure(values, x, np.maximum(x, 0), "ReLU", "conv2d_1", bins=20)
    assert sum(fig.data[0].y) == pytest.approx(1.0, abs=1e-5)
    assert fig.data[1].yaxis == "y2" and fig.layout.title.text == "conv2d_1"


def test_dense_and_dropout_figures():
    from visualizer.figures import contributions_figure, dropout_figure, logits_figure, prediction_spread_figure

    contributions = np.array([0.5, -0.2, 0.1, 0.05])
    fig = contributions_figure(contributions, bias=0.3, top=2)
    assert list(fig.data[0].x) == ["unit 0", "unit 1", "2 others", "bias", "logit"]
    np.testing.assert_allclose(fig.data[0].y[:4], [0.5, -0.2, 0.15, 0.3])
    logits = logits_figure(np.array([1.0, -1.0]), np.array([0.88, 0.12]), ["cat", "dog"])
    assert list(logits.data[1].x) == ["cat", "dog"]
    dropout = dropout_figure(np.ones(4), np.array([True, False, True, False]), 2.0)
    np.testing.assert_allclose(dropout.data[1].y, [2, 0, 2, 0])
    spread = prediction_spread_figure(np.full((5, 3), 1 / 3), np.full(3, 1 / 3), ["a", "b", "c"])
    assert [trace.type for trace in spread.data] == ["box", "box", "box", "scatter"]


def test_kernel_output_figure_is_diverging_only_with_negative_values():
    from visualizer.figures import kernel_output_figure

    signed = kernel_output_figure(np.array([[-1.0, 2.0], [0.0, 1.0]]))
    assert signed.data[0].zmid == 0 and signed.data[0].zmin == -2
    blurred = kernel_output_figure(np.array([[0.1, 0.2], [0.3, 0.4]]))
    assert blurred.data[0].zmid is None
    assert kernel_output_figure(np.zeros((4, 4, 3))).data[0].type == "image"
