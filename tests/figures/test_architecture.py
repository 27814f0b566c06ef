"""The architecture diagram: one labelled, coloured block per layer."""

from tests.helpers import stack
from visualizer.figures.architecture import architecture_figure
from visualizer.figures.style import LAYER_COLOURS
from visualizer.model.plan import summarize
from visualizer.model.presets import PRESETS


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
    markers = [annotation for annotation in fig.layout.annotations if "invalid" in annotation.text]
    assert len(markers) == 1
    drawn = max(x for trace in fig.data for x in (trace.x or ()) if x is not None)
    assert markers[0].x > drawn  # after the last valid block, where the stack stops being valid
    valid = architecture_figure(spec.input_shape, summarize(spec))
    assert not any("invalid" in annotation.text for annotation in valid.layout.annotations)


def test_every_layer_type_has_its_own_colour_and_the_head_is_red():
    spec = stack([{"type": "conv2d", "filters": 2}, {"type": "globalmaxpool2d"}, {"type": "dense", "units": 3}])
    fig = architecture_figure(spec.input_shape, summarize(spec))
    colours = {trace.fillcolor for trace in fig.data[:-1]}
    assert LAYER_COLOURS["globalmaxpool2d"] in colours and LAYER_COLOURS["output"] in colours
    assert LAYER_COLOURS["dense"] in colours  # the person's dense layer, not the red output
    assert len(set(LAYER_COLOURS.values())) == len(LAYER_COLOURS)
