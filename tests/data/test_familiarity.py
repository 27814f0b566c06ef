"""How far a picture is from a dataset's images: a hand-checked distance, test images usual, a photo not."""

import numpy as np
import pytest
from PIL import Image

from visualizer.data.catalog import load_dataset
from visualizer.data.familiarity import familiarity, reference_of
from visualizer.data.images import to_model_input


def test_the_distance_is_the_rms_pixel_difference_to_the_nearest_training_image():
    train = np.zeros((3, 2, 2, 1), np.float32)
    train[1] += 0.5
    train[2] += 1.0
    reference = reference_of(train, train)
    picture = np.full((2, 2, 1), 0.6, np.float32)
    # By hand: the nearest is the all-0.5 image, 0.1 away at every pixel.
    assert familiarity(picture, reference).distance == pytest.approx(0.1, abs=1e-6)
    assert reference.usual == pytest.approx(0.0, abs=1e-3)  # each test image is a training image here


def test_digits_test_images_are_usual_and_a_colour_photo_is_not():
    digits = load_dataset("digits")
    reference = reference_of(digits.x_train, digits.x_test)
    usual = [familiarity(digits.x_test[index], reference).unusual for index in range(50)]
    assert sum(usual) <= 1  # at most the rare outlier among the test images
    rows, cols = np.mgrid[0:120, 0:160]
    photo = np.stack([cols / 160 * 255, rows / 120 * 255, (cols + rows) / 280 * 255], axis=-1).astype(np.uint8)
    seen = familiarity(to_model_input(Image.fromarray(photo), (28, 28, 1)), reference)
    assert seen.unusual and seen.distance > 2 * seen.usual
