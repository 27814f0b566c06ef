"""Formatting helpers every layer uses: shapes and counted nouns."""

import pytest

from visualizer.model.checks import counted, format_shape


def test_format_shape():
    assert format_shape((26, 26, 8)) == "26x26x8" and format_shape((64,)) == "64"


@pytest.mark.parametrize(
    ("count", "noun", "plural", "expected"),
    [
        (1, "test image", None, "1 test image"),
        (0, "file", None, "0 files"),
        (3, "epoch", None, "3 epochs"),
        (2, "class", None, "2 classes"),
        (1200, "test image", None, "1,200 test images"),
        (2, "batch", "batches", "2 batches"),
    ],
)
def test_counted_puts_the_noun_in_the_right_number(count, noun, plural, expected):
    assert counted(count, noun, plural) == expected
