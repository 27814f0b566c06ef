"""Training charts: loss and accuracy per epoch, live and side by side."""

import numpy as np

from visualizer.figures.curves import comparison_curves, training_curves
from visualizer.figures.encoding import decode_typed_array


def test_training_curves_fix_the_epoch_axis_and_draw_the_epoch_in_progress():
    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "val_loss": [1.1, 0.7], "val_accuracy": [0.4, 0.7]}
    fig = training_curves(history, epochs=10, partial=(2.5, 0.4, 0.85))
    assert [trace.name for trace in fig.data[:4]] == ["training", "validation (test split)"] * 2
    assert list(fig.layout.xaxis.range) == [0.5, 10.5]
    assert decode_typed_array(fig.data[0].y).dtype == np.float32  # compact typed arrays, not float64
    np.testing.assert_allclose(decode_typed_array(fig.data[3].y), [0.4, 0.7], rtol=1e-6)
    assert fig.data[3].xaxis == "x2" and fig.data[0].xaxis == "x"  # accuracy on the right
    partial = [trace for trace in fig.data if trace.name == "this epoch so far"]
    assert len(partial) == 2 and list(decode_typed_array(partial[0].x)) == [2.0, 2.5]


def test_comparison_curves_draw_every_run_in_one_frame():
    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "val_loss": [1.1, 0.7], "val_accuracy": [0.4, 0.7]}
    fig = comparison_curves({"A": history, "B": history}, epochs=5)
    assert len(fig.data) == 8  # 2 runs x (loss, accuracy) x (training, test)
    assert {trace.line.color for trace in fig.data[:4]} != {trace.line.color for trace in fig.data[4:]}
    assert list(fig.layout.xaxis.range) == [0.5, 5.5]
