"""What a network trained on a named dataset is fed for a picture a person brings: ``model_input_for``.

A network only knows pictures like the ones it learned from. The digit datasets were made a
particular way: MNIST's digits were size-normalised into a 20x20 box keeping their aspect ratio, then
centred by their centre of mass in 28x28; scikit-learn's (the embedded ``digits``) were normalised
32x32 bitmaps counted in 4x4 blocks into 8x8 images of 17 levels, which the app resizes into a 20x20
box centred in 28x28 (``embedded.upsample_digits``). A digit drawn on the canvas or photographed on
paper is none of that: thick or thin, off centre, small, dark on light, in uneven light. So for those
datasets the picture is made into a training digit: inverted when dark on light, its uneven
background taken away, its strokes found (specks left out), cropped, and then remade exactly as that
dataset's digits were. Other datasets get the crop / pad / stretch policies of ``images.to_model_input``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from visualizer.data.embedded import upsample_digits
from visualizer.data.images import looks_dark_on_light, to_model_input

DIGIT_DATASETS = ("digits", "mnist")
"""The datasets whose pictures are prepared as their digits were made."""
INK = 0.3
"""Share of the brightest ink above which a pixel is a stroke (where the crop is decided)."""
SPECK = 0.05
"""A connected blob of ink smaller than this share of the largest one is noise, not part of the digit."""
STROKE = 0.18
"""The stroke width the scikit-learn digits' bitmaps have, as a share of the digit's height: a thinner
pen (a biro on paper, a thin brush) is thickened to it before the bitmap is counted into blocks."""


def model_input_for(
    image: Image.Image,
    dataset_name: str | None,
    input_shape: tuple[int, int, int] | list[int],
    invert: bool | None = None,
    fit: str = "crop",
) -> np.ndarray:
    """The model input (float32, ``input_shape``, in [0, 1]) a network trained on ``dataset_name`` gets for ``image``.

    Args:
        image: A picture from ``images.load_image`` (or a drawing).
        dataset_name: The dataset the network learned (``digits``, ``mnist``, ``shapes``...), or None.
        input_shape: ``(height, width, channels)`` of the network's input.
        invert: Turn dark-on-light into light-on-dark; None decides from the picture (a manual override
            otherwise).
        fit: For pictures that are not prepared as digits: ``crop``, ``pad`` or ``stretch``.
    """
    shape = tuple(int(size) for size in input_shape)
    dark_on_light = looks_dark_on_light(image) if invert is None else invert
    if dataset_name in DIGIT_DATASETS and shape[2] == 1:
        return _as_digit(image, dataset_name, shape, dark_on_light)
    return to_model_input(image, shape, invert=bool(dark_on_light and shape[2] == 1), fit=fit)


def strokes(image: Image.Image, dark_on_light: bool) -> np.ndarray:
    """The picture's ink as light strokes on black, in [0, 1]: inverted if asked, its uneven background removed.

    The background is what a grey opening (an erosion, then a dilation, by a window wider than any stroke)
    leaves: the paper's own light, shadows and gradients, without the thin strokes. Noise below the
    ink threshold is cleared.
    """
    from scipy import ndimage

    grey = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    if dark_on_light:
        grey = 1.0 - grey
    side = max(grey.shape)
    window = max(3, side // 6)
    background = ndimage.grey_opening(ndimage.uniform_filter(grey, 3), size=(window, window))
    ink = np.clip(grey - background, 0.0, None)
    peak = float(np.percentile(ink, 99.9)) if ink.size else 0.0
    if peak <= 1e-6:
        return np.zeros_like(ink)
    ink = np.clip(ink / peak, 0.0, 1.0)
    return np.where(ink >= INK / 2, ink, 0.0).astype(np.float32)


def digit_box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    """The (top, left, bottom, right) of the strokes, specks left out; None when there is no ink."""
    from scipy import ndimage

    labels, count = ndimage.label(ink >= INK)
    if count == 0:
        return None
    sizes = ndimage.sum_labels(np.ones_like(ink), labels, index=np.arange(1, count + 1))
    kept = np.isin(labels, 1 + np.flatnonzero(sizes >= SPECK * sizes.max()))
    rows, cols = np.flatnonzero(kept.any(axis=1)), np.flatnonzero(kept.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def _square(crop: np.ndarray) -> np.ndarray:
    """The crop in the middle of a black square as wide as its longer side (its aspect ratio kept)."""
    height, width = crop.shape
    side = max(height, width)
    square = np.zeros((side, side), dtype=np.float32)
    top, left = (side - height) // 2, (side - width) // 2
    square[top : top + height, left : left + width] = crop
    return square


def _as_digit(image: Image.Image, dataset_name: str, shape: tuple[int, ...], dark_on_light: bool) -> np.ndarray:
    """The picture remade as the dataset's digits were, at the network's input size."""
    ink = strokes(image, dark_on_light)
    box = digit_box(ink)
    if box is None:
        return np.zeros(shape, dtype=np.float32)
    top, left, bottom, right = box
    square = _square(ink[top:bottom, left:right])
    digit = _like_scikit_learn(square) if dataset_name == "digits" else _like_mnist(square)
    if digit.shape[:2] != shape[:2]:
        resized = Image.fromarray(digit[:, :, 0], mode="F").resize((shape[1], shape[0]), Image.Resampling.BILINEAR)
        digit = np.asarray(resized, dtype=np.float32)[:, :, None]
    return np.clip(digit, 0.0, 1.0).astype(np.float32)


def thickened(bitmap: np.ndarray, share: float = STROKE) -> np.ndarray:
    """The strokes of a square bitmap widened (a round pen) to ``share`` of its side when they are thinner."""
    from scipy import ndimage

    if not bitmap.any():
        return bitmap
    width = 2.0 * float(np.percentile(ndimage.distance_transform_edt(bitmap)[bitmap], 90))
    radius = round((share * bitmap.shape[0] - width) / 2)
    if radius <= 0:
        return bitmap
    yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    return ndimage.binary_dilation(bitmap, structure=xx**2 + yy**2 <= radius**2)


def _like_scikit_learn(square: np.ndarray) -> np.ndarray:
    """As scikit-learn's digits: the bitmap counted into 8x8 blocks, 17 levels, then ``upsample_digits``.

    The strokes are first made as thick as theirs (``thickened``).
    """
    bitmap = thickened(square >= INK).astype(np.float32)
    blocks = np.asarray(Image.fromarray(bitmap, mode="F").resize((8, 8), Image.Resampling.BOX), dtype=np.float32)
    peak = float(blocks.max()) or 1.0
    levels = np.round(np.clip(blocks / peak, 0.0, 1.0) * 16.0)  # a stroke that fills a block counts 16
    return upsample_digits(levels[None])[0]


def _like_mnist(square: np.ndarray) -> np.ndarray:
    """As MNIST's digits: into a 20x20 box (aspect kept, anti-aliased), centred by its centre of mass in 28x28."""
    from scipy import ndimage

    small = np.asarray(Image.fromarray(square, mode="F").resize((20, 20), Image.Resampling.LANCZOS), np.float32)
    small = np.clip(small, 0.0, None)
    canvas = np.zeros((28, 28), dtype=np.float32)
    canvas[4:24, 4:24] = small
    if small.sum() > 0:
        row, col = ndimage.center_of_mass(canvas)
        canvas = ndimage.shift(canvas, (13.5 - row, 13.5 - col), order=1, mode="constant", cval=0.0)
    peak = float(canvas.max()) or 1.0
    return (canvas / peak)[:, :, None]
