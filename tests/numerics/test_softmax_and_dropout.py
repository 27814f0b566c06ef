"""Softmax and inverted dropout in NumPy, against TensorFlow's and by hand."""

import numpy as np
import pytest
import tensorflow as tf

from visualizer.errors import InputError
from visualizer.numerics.dropout import agreement, apply_dropout, dropout_mask
from visualizer.numerics.softmax import softmax, softmax_terms


def test_softmax_equals_tensorflow_at_any_temperature():
    logits = np.array([1.0, -2.0, 3.5, 0.25])
    for temperature in (0.5, 1.0, 3.0):
        expected = tf.nn.softmax(logits / temperature).numpy()
        np.testing.assert_allclose(softmax(logits, temperature), expected, rtol=1e-10)
    assert softmax(np.array([1000.0, 0.0]))[0] == pytest.approx(1.0)  # no overflow


def test_softmax_terms_are_the_fraction_of_the_probability():
    logits = np.array([2.0, 1.0, 0.0])
    terms = softmax_terms(logits, 1)
    # By hand: shifted by the largest logit 2, the numerator is e^-1 and the denominator 1 + e^-1 + e^-2.
    assert terms.numerator == pytest.approx(np.exp(-1.0))
    assert terms.denominator == pytest.approx(1 + np.exp(-1.0) + np.exp(-2.0))
    assert terms.probability == pytest.approx(softmax(logits)[1])
    hot = softmax_terms(logits, 1, temperature=2.0)  # by hand at T = 2: e^-0.5 / (1 + e^-0.5 + e^-1)
    assert hot.numerator == pytest.approx(np.exp(-0.5))
    assert hot.denominator == pytest.approx(1 + np.exp(-0.5) + np.exp(-1.0))
    assert hot.probability == pytest.approx(softmax(logits, 2.0)[1])


def test_dropout_masks_drop_about_the_rate_and_rescale_the_kept_units():
    mask = dropout_mask(10_000, 0.3, seed=1)
    assert abs((~mask).mean() - 0.3) < 0.02
    np.testing.assert_array_equal(mask, dropout_mask(10_000, 0.3, seed=1))
    values = np.arange(1, 9, dtype=np.float32)
    sample = apply_dropout(values, 0.5, seed=2)
    assert sample.scale == 2.0
    np.testing.assert_allclose(sample.output, np.where(sample.kept, values * 2.0, 0.0))
    assert sample.dropped == int((~sample.kept).sum())
    untouched = apply_dropout(values, 0.0, seed=2)
    np.testing.assert_allclose(untouched.output, values)
    assert untouched.dropped == 0
    with pytest.raises(InputError):
        dropout_mask(3, 1.0)


def test_agreement_counts_the_samples_with_the_same_answer():
    samples = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])
    assert agreement(samples, np.array([0.55, 0.45])) == 0.75
