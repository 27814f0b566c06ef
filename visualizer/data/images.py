"""Reading a person's image safely, and turning it into exactly what a model sees.

``load_image`` accepts PNG, JPEG, GIF, BMP, WebP and TIFF bytes and always
returns an RGB or L image, or raises ``InputError`` with a message a student
understands: never another exception, and never after decoding something huge
(the size is checked from the header, before any pixel is decoded).
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from visualizer.errors import InputError
from visualizer.runtime import MAX_IMAGE_PIXELS

MAX_IMAGE_BYTES = 20 * 1024 * 1024
ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF", "MPO"}
IMAGE_TYPES: tuple[str, ...] = ("png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff")
"""File extensions of the images a person may upload."""
BACKGROUND = (255, 255, 255)


def load_image(data: bytes) -> Image.Image:
    """Decodes image bytes into an upright RGB or grayscale (L) image.

    EXIF orientation is applied, transparency is composited onto white,
    palette, 16-bit, CMYK and 1-bit images are converted, and only the first
    frame of an animation is kept.

    Args:
        data: The file's bytes.

    Returns:
        A fully loaded ``PIL.Image.Image`` in mode ``RGB`` or ``L``.

    Raises:
        InputError: empty, too large, not an image, an unsupported format,
            truncated or otherwise unreadable data.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputError("This is not a file's contents: expected the bytes of an image.")
    data = bytes(data)
    if not data:
        raise InputError("This file is empty: choose a PNG, JPEG, GIF, BMP, WebP or TIFF image.")
    if len(data) > MAX_IMAGE_BYTES:
        raise InputError(
            f"This file is {len(data) / 1e6:.1f} MB; images up to {MAX_IMAGE_BYTES // (1024 * 1024)} MB "
            "are accepted. Save a smaller copy and try again."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(data)
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            f"This image has too many pixels (the limit is {MAX_IMAGE_PIXELS:,}): use a smaller image."
        ) from None
    except UnidentifiedImageError:
        raise InputError(
            "This file is not an image that can be read: choose a PNG, JPEG, GIF, BMP, WebP or TIFF file."
        ) from None
    except MemoryError:
        raise InputError("This image is too large to open here: use a smaller image.") from None
    except Exception as error:
        raise InputError(
            f"This image could not be read: it may be damaged or cut short ({type(error).__name__}). "
            "Try saving it again as PNG or JPEG."
        ) from None


def declared_pixels(data: bytes) -> int:
    """Width x height from an image's header, without decoding it (0 when it is not a readable image)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:
        return 0
    return int(width) * int(height)


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    if image.format not in ALLOWED_FORMATS:
        raise InputError(f"{image.format or 'This'} files are not supported: use PNG, JPEG, GIF, BMP, WebP or TIFF.")
    width, height = image.size
    if width < 1 or height < 1:
        raise InputError("This image has no pixels.")
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(
            f"This image is {width}x{height} = {width * height:,} pixels; the limit is "
            f"{MAX_IMAGE_PIXELS:,}. Use a smaller image."
        )
    image.load()  # the first frame only: a multi-page file is never walked (counting TIFF pages is quadratic)
    with contextlib.suppress(Exception):
        image = ImageOps.exif_transpose(image) or image
    return _normalise_mode(image)


def _normalise_mode(image: Image.Image) -> Image.Image:
    """Converts any mode to RGB or L, compositing transparency onto white."""
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        mode = image.mode
    if mode in ("RGBA", "LA", "RGBa", "La", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
        composite = Image.alpha_composite(background, rgba)
        return composite.convert("L" if mode.startswith("L") else "RGB")
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        if mode.startswith("I;16"):
            scaled = values / 257.0  # 16-bit to 8-bit, keeping absolute brightness
        else:
            low, high = float(values.min()), float(values.max())
            scaled = (values - low) / (high - low) * 255.0 if high > low else np.zeros_like(values)
        return Image.fromarray(np.clip(scaled, 0, 255).astype(np.uint8), mode="L")
    if mode in ("1", "L"):
        return image.convert("L")
    if mode == "RGB":
        return image
    return image.convert("RGB")


def to_model_input(
    image: Image.Image,
    input_shape: tuple[int, int, int] | list[int],
    invert: bool = False,
    fit: str = "crop",
) -> np.ndarray:
    """Resizes and converts an image into one model input.

    Args:
        image: An image from ``load_image``.
        input_shape: ``(height, width, channels)`` the model expects.
        invert: Whether to turn dark-on-light into light-on-dark (digit models
            are trained on white strokes on black).
        fit: ``"crop"`` cuts the centre to the model's aspect ratio before
            resizing; ``"pad"`` fits the whole image and fills the margins;
            ``"stretch"`` resizes without keeping the aspect ratio.

    Returns:
        A float32 array of shape ``(height, width, channels)`` in [0, 1].
    """
    height, width, channels = (int(size) for size in input_shape)
    grey = channels == 1
    converted = image.convert("L" if grey else "RGB")
    if fit == "crop":
        resized = ImageOps.fit(converted, (width, height), method=Image.Resampling.BILINEAR)
    elif fit == "pad":
        fill = 0 if grey else (0, 0, 0)
        resized = ImageOps.pad(converted, (width, height), method=Image.Resampling.BILINEAR, color=fill)
    else:
        resized = converted.resize((width, height), Image.Resampling.BILINEAR)
    array = np.asarray(resized, dtype=np.float32) / 255.0
    if grey:
        array = array[:, :, None]
    if invert:
        array = 1.0 - array
    if array.shape[2] != channels:
        # RGB into a 2- or 4-channel model: repeat the grey level, an honest neutral choice.
        grey_level = array.mean(axis=2, keepdims=True)
        array = np.repeat(grey_level, channels, axis=2)
    return np.ascontiguousarray(array, dtype=np.float32)


def looks_dark_on_light(image: Image.Image) -> bool:
    """Whether an image is mostly light with dark strokes, so inverting it would help a digit model."""
    grey = np.asarray(image.convert("L").resize((32, 32)), dtype=np.float32)
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return float(np.median(border)) > 127.0


def perturb(
    x: np.ndarray,
    shift: tuple[int, int] = (0, 0),
    angle: float = 0.0,
    noise: float = 0.0,
    occlusion: tuple[int, int, int] | None = None,
    seed: int = 0,
) -> np.ndarray:
    """A probed copy of one model input (H, W, C) in [0, 1]: shifted, rotated, noisy, occluded.

    Args:
        x: The model input.
        shift: Pixels to move the content (down, right); what moves in is black.
        angle: Degrees to rotate counter-clockwise about the centre.
        noise: Standard deviation of Gaussian noise added (then clipped to [0, 1]).
        occlusion: ``(row, col, size)`` of a black square to cover, or None.
        seed: Seeds the noise, so the same settings give the same picture.
    """
    from scipy import ndimage

    image = np.asarray(x, dtype=np.float32)
    if angle:
        image = ndimage.rotate(image, angle, axes=(1, 0), reshape=False, order=1, mode="constant", cval=0.0)
    if shift != (0, 0):
        image = ndimage.shift(image, (shift[0], shift[1], 0), order=0, mode="constant", cval=0.0)
    if noise > 0:
        image = image + np.random.RandomState(seed).normal(0.0, noise, size=image.shape).astype(np.float32)
    if occlusion is not None:
        row, col, size = occlusion
        image = image.copy()
        image[max(row, 0) : row + size, max(col, 0) : col + size, :] = 0.0
    return np.clip(image, 0.0, 1.0).astype(np.float32)


def reduced(image: Image.Image, max_side: int) -> np.ndarray:
    """A picture shrunk to fit ``max_side`` (aspect kept, never enlarged), as (H, W, C) float32 in [0, 1]."""
    picture = image.copy()
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    pixels = np.asarray(picture, dtype=np.float32) / 255.0
    return pixels[:, :, None] if pixels.ndim == 2 else pixels


def from_drawing(rgba: np.ndarray | None) -> Image.Image | None:
    """A drawing canvas's RGBA pixels as an RGB picture, or None while nothing is drawn (all black)."""
    if rgba is None:
        return None
    pixels = np.asarray(rgba)[..., :3]
    if not pixels.any():
        return None
    return Image.fromarray(pixels.astype(np.uint8))
