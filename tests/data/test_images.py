"""Reading a person's image: odd-but-valid files, hostile ones, and byte-level mutations (fuzzing)."""

import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from visualizer.data.images import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    from_drawing,
    load_image,
    looks_dark_on_light,
    perturb,
    reduced,
    to_model_input,
)
from visualizer.errors import InputError


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


VALID = {
    "png rgb": encode(Image.new("RGB", (30, 20), (10, 200, 30)), "PNG"),
    "png rgba": encode(Image.new("RGBA", (30, 20), (255, 0, 0, 0)), "PNG"),
    "png palette": encode(Image.new("P", (9, 9), 3), "PNG"),
    "png 1-bit": encode(Image.new("1", (9, 9), 1), "PNG"),
    "png 16-bit": encode(Image.new("I;16", (9, 9), 65535), "PNG"),
    "jpeg": encode(Image.new("RGB", (40, 40), (0, 0, 255)), "JPEG"),
    "jpeg cmyk": encode(Image.new("CMYK", (8, 8), (0, 0, 0, 255)), "JPEG"),
    "gif": encode(Image.new("L", (12, 12), 128), "GIF"),
    "bmp": encode(Image.new("RGB", (5, 7)), "BMP"),
    "webp": encode(Image.new("RGB", (16, 16), (1, 2, 3)), "WEBP"),
    "tiff float": encode(Image.new("F", (6, 6), 0.5), "TIFF"),
    "tiff la": encode(Image.new("LA", (6, 6), (0, 255)), "TIFF"),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_formats_become_rgb_or_l(name):
    image = load_image(VALID[name])
    assert image.mode in ("RGB", "L")
    assert image.size[0] > 0
    array = to_model_input(image, (28, 28, 1))
    assert array.shape == (28, 28, 1) and array.dtype == np.float32 and 0 <= array.min() <= array.max() <= 1


def test_transparency_is_composited_onto_white():
    assert load_image(VALID["png rgba"]).getpixel((0, 0)) == (255, 255, 255)


def test_sixteen_bit_keeps_brightness():
    assert load_image(VALID["png 16-bit"]).getpixel((0, 0)) == 255


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (40, 20), (255, 255, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    assert load_image(encode(image, "JPEG", exif=exif)).size == (20, 40)


def test_first_frame_of_an_animation():
    frames = [Image.new("L", (10, 10), value) for value in (0, 255)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert np.asarray(load_image(data).convert("L")).max() == 0  # black, not the white second frame


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size; only the header is real."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    data = zlib.compress(b"\0" * 10)
    idat = struct.pack(">I", len(data)) + b"IDAT" + data + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + b"\0\0\0\0IEND\xaeB`\x82"


HOSTILE = [
    ("empty", b"", "empty"),
    ("text", b"hello, I am not an image", "not an image"),
    ("decompression bomb header", _png_claiming(100_000, 100_000), "pixels"),
    ("just over the pixel limit", _png_claiming(MAX_IMAGE_PIXELS // 1000 + 1, 1000), "pixels"),
    ("truncated png", VALID["png rgb"][: len(VALID["png rgb"]) // 2], "damaged or cut short"),
    ("truncated jpeg", VALID["jpeg"][:200], "damaged or cut short"),
    ("too many bytes", b"\0" * (MAX_IMAGE_BYTES + 1), "MB"),
    ("pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "not an image"),
    ("svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an image"),
    ("eps header", b"%!PS-Adobe-3.0 EPSF-3.0\n", "not"),
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("what", "data", "words"), HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_files_get_a_student_message(what, data, words):
    with pytest.raises(InputError) as caught:
        load_image(data)
    assert words in str(caught.value)


@settings(max_examples=300)
@given(
    st.sampled_from(sorted(VALID)),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=8),
    st.integers(0, 10_000),
)
def test_mutated_files_give_an_image_or_an_input_error(name, flips, cut):
    data = bytearray(VALID[name])
    for position, value in flips:
        data[position % len(data)] = value
    data = bytes(data[: max(1, len(data) - cut % len(data))])
    try:
        image = load_image(data)
    except InputError:
        return
    assert image.mode in ("RGB", "L")


def test_model_input_crop_pad_invert_and_channels():
    image = Image.new("L", (40, 20), 255)
    assert to_model_input(image, (10, 10, 1)).min() == 1.0
    assert to_model_input(image, (10, 10, 1), invert=True).max() == 0.0
    padded = to_model_input(image, (10, 10, 3), fit="pad")
    assert padded.shape == (10, 10, 3) and padded[0, 0, 0] == 0.0 and padded[5, 5, 0] == 1.0
    assert to_model_input(image, (8, 8, 4)).shape == (8, 8, 4)
    stretched = to_model_input(Image.new("RGB", (40, 20), (255, 0, 0)), (8, 8, 3), fit="stretch")
    np.testing.assert_allclose(stretched[..., 0], 1.0)


def test_dark_on_light_detection():
    light = Image.new("L", (28, 28), 255)
    light.paste(0, (10, 5, 18, 23))
    assert looks_dark_on_light(light)
    assert not looks_dark_on_light(Image.new("L", (28, 28), 0))


def test_perturb():
    x = np.zeros((8, 8, 1), np.float32)
    x[2, 3] = 1.0
    assert perturb(x, shift=(1, 2))[3, 5, 0] == 1.0
    assert perturb(x, occlusion=(0, 0, 4)).sum() == 0
    noisy = perturb(x, noise=0.2, seed=3)
    np.testing.assert_array_equal(noisy, perturb(x, noise=0.2, seed=3))
    assert noisy.min() >= 0 and noisy.max() <= 1
    assert perturb(np.ones((8, 8, 1), np.float32), angle=90)[4, 4, 0] == pytest.approx(1.0)


def test_a_picture_reduced_to_fit_keeps_its_aspect_and_range():
    wide = reduced(Image.new("RGB", (300, 200), (255, 0, 0)), 96)
    assert wide.shape == (64, 96, 3) and wide.dtype == np.float32
    np.testing.assert_allclose(wide[0, 0], [1.0, 0.0, 0.0])
    grey = reduced(Image.new("L", (20, 10), 128), 96)
    assert grey.shape == (10, 20, 1)  # never enlarged; grayscale keeps one channel


def test_a_drawing_is_a_picture_once_something_is_drawn():
    blank = np.zeros((8, 8, 4), np.uint8)
    blank[..., 3] = 255
    assert from_drawing(blank) is None and from_drawing(None) is None
    blank[2, 3, :3] = 255
    picture = from_drawing(blank)
    assert picture.mode == "RGB" and picture.size == (8, 8) and picture.getpixel((3, 2)) == (255, 255, 255)
