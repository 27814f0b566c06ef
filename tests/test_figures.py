"""Figures are pure functions: build them and assert on the figure objects."""

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
    hover = fig.data[0].hovertext
    assert len(hover) == len(rows) + 1 and "156 parameters" in hover[1]
    colours = {shape.fillcolor for shape in fig.layout.shapes}
    assert LAYER_COLOURS["conv2d"] in colours and LAYER_COLOURS["output"] in colours


def test_maps_are_drawn_as_stacks_capped_at_eight_slices():
    spec = PRESETS["keras_mnist_convnet"]
    rows = summarize(spec)
    fig = architecture_figure(spec.input_shape, rows)
    conv_slices = [shape for shape in fig.layout.shapes if shape.fillcolor == LAYER_COLOURS["conv2d"]]
    assert len(conv_slices) == 16  # two conv layers of 32 and 64 channels, 8 slices each


def test_invalid_stack_marker():
    spec = PRESETS["starter"]
    rows = summarize(spec)[:1]
    fig = architecture_figure(spec.input_shape, rows, error_after=1)
    assert any("invalid" in annotation.text for annotation in fig.layout.annotations)
