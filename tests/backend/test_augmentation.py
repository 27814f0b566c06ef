"""Augmentation: Keras' random layers change training images only, never what evaluation sees."""

import keras
import numpy as np
import pytest

from visualizer.backend.augmentation import augmentation_layers, augmented_examples
from visualizer.backend.building import build_model
from visualizer.backend.evaluation import evaluate
from visualizer.model.presets import PRESETS
from visualizer.training.config import AUGMENTATIONS, TrainingConfig
from visualizer.training.fit import compile_model


def test_evaluation_gives_identical_numbers_with_and_without_the_augmentation_layers(tiny):
    model = build_model(PRESETS["lenet5"], seed=0)
    compile_model(model, TrainingConfig())
    inputs = keras.Input(model.input_shape[1:])
    augmented = keras.Model(inputs, model(augmentation_layers(tuple(AUGMENTATIONS), seed=3)(inputs)))
    compile_model(augmented, TrainingConfig())
    plain_numbers = model.evaluate(tiny.x_test, tiny.y_test, verbose=0)
    augmented_numbers = augmented.evaluate(tiny.x_test, tiny.y_test, verbose=0)
    assert plain_numbers == augmented_numbers  # identical, not close: the layers pass images through unchanged
    np.testing.assert_array_equal(model.predict(tiny.x_test, verbose=0), augmented.predict(tiny.x_test, verbose=0))
    assert evaluate(model, tiny).accuracy == pytest.approx(plain_numbers[1])


def test_a_flip_is_the_image_or_its_mirror_and_the_preview_is_seeded(tiny):
    images = tiny.x_train[:4]
    copies = augmented_examples(images, ("flip",), copies=8, seed=1)
    assert copies.shape == (4, 8, 28, 28, 1)
    mirrored = 0
    for image, versions in zip(images, copies, strict=True):
        for version in versions:
            same, mirror = np.allclose(version, image), np.allclose(version, image[:, ::-1])
            assert same or mirror
            mirrored += mirror and not same
    assert 0 < mirrored < 32  # random: some copies flipped, some not
    np.testing.assert_array_equal(copies, augmented_examples(images, ("flip",), copies=8, seed=1))


@pytest.mark.parametrize("name", list(AUGMENTATIONS))
def test_each_change_keeps_the_image_range_and_shape_and_changes_something(tiny, name):
    images = tiny.x_train[:3]
    copies = augmented_examples(images, (name,), copies=4, seed=0)
    assert copies.shape == (3, 4, 28, 28, 1) and copies.dtype == np.float32
    assert copies.min() >= 0.0 and copies.max() <= 1.0
    assert np.abs(copies - images[:, None]).max() > 0.05


def test_no_augmentation_is_no_layer_and_the_images_unchanged(tiny):
    assert augmentation_layers(()) is None
    np.testing.assert_array_equal(augmented_examples(tiny.x_train[:2], (), copies=3)[:, 2], tiny.x_train[:2])
