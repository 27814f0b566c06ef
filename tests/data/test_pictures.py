"""``model_input_for``: a picture a class brings, prepared as the network's training digits were made."""

import numpy as np
import pytest
from PIL import Image, ImageOps
from scipy import ndimage

from tests.data.digit_pictures import STROKES, _draw, _placed, canvas_drawing, paper_photo, picture_set
from visualizer.data.images import to_model_input
from visualizer.data.pictures import INK, digit_box, model_input_for, strokes


def drawn(digit: int, height: float, centre: tuple[float, float], brush: int, side: int = 280) -> Image.Image:
    rng = np.random.default_rng(digit)  # the same jitter for the same digit, wherever it is drawn
    image = Image.new("RGB", (side, side), (0, 0, 0))
    from PIL import ImageDraw

    _draw(ImageDraw.Draw(image), _placed(STROKES[digit], rng, side, height, centre), (255, 255, 255), brush)
    return image


@pytest.mark.parametrize("dataset", ["digits", "mnist"])
def test_a_digit_small_in_a_corner_and_large_in_the_middle_is_prepared_the_same(dataset):
    small = model_input_for(drawn(3, 90, (60, 70), 10), dataset, (28, 28, 1))
    large = model_input_for(drawn(3, 230, (140, 140), 26), dataset, (28, 28, 1))
    assert small.shape == large.shape == (28, 28, 1) and small.dtype == np.float32
    assert small.min() >= 0.0 and small.max() <= 1.0
    assert np.corrcoef(small.ravel(), large.ravel())[0, 1] > 0.9


def test_the_scikit_learn_digits_way_fills_the_20x20_box_centred_in_28x28():
    x = model_input_for(drawn(7, 120, (200, 90), 14), "digits", (28, 28, 1))[:, :, 0]
    rows, cols = np.flatnonzero(x.max(axis=1) > 0.05), np.flatnonzero(x.max(axis=0) > 0.05)
    assert rows[0] >= 3 and rows[-1] <= 24 and rows[-1] - rows[0] >= 17  # the full height of the box
    assert cols[0] >= 3 and cols[-1] <= 24
    assert x.max() == pytest.approx(1.0, abs=0.05)


def test_the_mnist_way_centres_the_digit_by_its_centre_of_mass_in_a_20x20_box():
    x = model_input_for(drawn(1, 150, (60, 200), 16), "mnist", (28, 28, 1))[:, :, 0]
    row, col = ndimage.center_of_mass(x)
    assert abs(row - 13.5) < 0.6 and abs(col - 13.5) < 0.6
    rows = np.flatnonzero(x.max(axis=1) > 0.1)
    assert 17 <= rows[-1] - rows[0] <= 22  # the longer side is about 20


def test_dark_ink_on_light_paper_under_uneven_light_becomes_light_strokes_on_black():
    photo = paper_photo(5, np.random.default_rng(3))
    ink = strokes(photo, dark_on_light=True)
    assert ink.shape == (photo.height, photo.width)
    border = np.concatenate([ink[:5].ravel(), ink[-5:].ravel(), ink[:, :5].ravel(), ink[:, -5:].ravel()])
    assert border.max() < INK  # the paper, shadows and gradient are gone: nothing there is a stroke
    assert (ink > 0.5).mean() > 0.005  # the strokes are there
    x = model_input_for(photo, "digits", (28, 28, 1))  # dark on light: found and inverted by itself
    assert x[:2].max() == 0.0 and x.max() > 0.9


def test_specks_of_noise_do_not_move_the_crop():
    image = np.asarray(drawn(4, 150, (140, 140), 18)).copy()
    clean = digit_box(strokes(Image.fromarray(image), dark_on_light=False))
    image[5:8, 5:8] = 255  # a speck far from the digit
    image[270:273, 260:263] = 255
    assert digit_box(strokes(Image.fromarray(image), dark_on_light=False)) == clean


def test_a_blank_picture_is_an_all_black_input():
    assert not model_input_for(Image.new("RGB", (200, 200), (0, 0, 0)), "digits", (28, 28, 1)).any()
    assert not model_input_for(Image.new("RGB", (200, 200), (250, 250, 250)), "mnist", (28, 28, 1)).any()


def test_other_datasets_get_the_fit_policies_as_before():
    photo = ImageOps.fit(paper_photo(2, np.random.default_rng(0)), (90, 60))
    for fit in ("crop", "pad", "stretch"):
        np.testing.assert_array_equal(
            model_input_for(photo, "shapes", (64, 64, 3), fit=fit), to_model_input(photo, (64, 64, 3), fit=fit)
        )
    # A digit network of an unnamed dataset is not prepared as digits either.
    np.testing.assert_array_equal(
        model_input_for(photo, None, (28, 28, 1), invert=True), to_model_input(photo, (28, 28, 1), invert=True)
    )


def test_drawn_and_photographed_digits_are_read_far_better_than_before():
    from visualizer.backend.forward import predict_many
    from visualizer.data.images import looks_dark_on_light
    from visualizer.training.shipped import load_pretrained

    model = load_pretrained("lenet5_digits")
    for kind, floor in (("canvas", 0.75), ("paper", 0.6)):
        pictures = picture_set(kind, 100, seed=1)
        labels = np.array([label for _, label in pictures])
        before = np.stack(
            [to_model_input(p, (28, 28, 1), invert=looks_dark_on_light(p), fit="pad") for p, _ in pictures]
        )
        after = np.stack([model_input_for(p, "digits", (28, 28, 1)) for p, _ in pictures])
        right_before = (predict_many(model, before).argmax(axis=1) == labels).mean()
        right_after = (predict_many(model, after).argmax(axis=1) == labels).mean()
        # Measured: canvas 24% -> 81%, paper 11% -> 67% (issue 21 wants 95%: the network must learn such digits).
        assert right_after >= floor and right_after >= 2.5 * right_before, (kind, right_before, right_after)


def test_the_test_pictures_are_what_a_class_brings():
    drawing = canvas_drawing(8, np.random.default_rng(0))
    assert drawing.size == (280, 280) and drawing.mode == "RGB"
    pixels = np.asarray(drawing)
    assert set(np.unique(pixels)) <= set(range(256)) and (pixels == 0).mean() > 0.6  # white on black
    photo = paper_photo(8, np.random.default_rng(0))
    grey = np.asarray(photo.convert("L"), dtype=np.float32)
    assert grey.mean() > 120 and grey.std() > 5  # light paper, uneven
    assert len(picture_set("paper", 20)) == 20
    assert [label for _, label in picture_set("canvas", 12)][:11] == [*range(10), 0]
