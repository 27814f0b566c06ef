"""Per-class figures: probabilities, per-class accuracy (no phantom 0%), the confusion matrix."""

import numpy as np

from visualizer.figures.classes import (
    NO_IMAGES,
    confusion_matrix_figure,
    per_class_accuracy_figure,
    probabilities_figure,
)
from visualizer.figures.encoding import decode_typed_array
from visualizer.figures.style import VALIDATION_COLOUR


def test_confusion_matrix_cells_carry_their_true_and_predicted_class():
    counts = np.array([[5, 1], [2, 7]])
    fig = confusion_matrix_figure(counts, ["cat", "dog"])
    right, wrong, cells = fig.data
    np.testing.assert_array_equal(np.asarray(right.z), [[5, np.nan], [np.nan, 7]])
    np.testing.assert_array_equal(np.asarray(wrong.z), [[np.nan, 1], [2, np.nan]])
    assert [list(pair) for pair in np.asarray(cells.customdata)] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert list(cells.x) == ["cat", "dog", "cat", "dog"] and list(cells.y) == ["cat", "cat", "dog", "dog"]


def test_a_few_mistakes_among_many_right_answers_still_show():
    counts = np.array([[500, 0, 1], [0, 480, 0], [3, 0, 0]])
    right, wrong, _ = confusion_matrix_figure(counts, ["a", "b", "c"]).data
    # The mistakes' own scale: the largest (3) is the darkest orange, the lone 1 a third of the way up.
    assert wrong.colorscale != right.colorscale and wrong.zmax == 3
    assert np.isnan(np.asarray(wrong.z, dtype=float)[0, 1])  # no mistake: no colour, no text
    assert right.text[0][1] == "" and right.text[2][2] == "0"  # a class never recognised says 0


def test_probabilities_highlight_the_top_class():
    fig = probabilities_figure(np.array([0.1, 0.7, 0.2], np.float32), ["a", "b", "c"])
    assert fig.data[0].marker.color[1] == VALIDATION_COLOUR and fig.data[0].marker.color[0] != VALIDATION_COLOUR


def test_a_class_without_test_images_is_said_so_not_shown_at_zero_percent():
    fig = per_class_accuracy_figure(np.array([0.5, np.nan, 1.0]), ["cat", "dog", "cow"])
    bars = fig.data[0]
    assert list(bars.text) == ["50%", NO_IMAGES, "100%"]
    assert "0%" not in bars.text[1]
    np.testing.assert_allclose(decode_typed_array(bars.y), [0.5, 0.0, 1.0])
    assert "%{text}" in bars.hovertemplate  # the hover says the same as the label
