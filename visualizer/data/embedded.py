"""The datasets that ship with the app and work offline: real handwritten digits and generated shapes.

Both are made deterministically on first use and kept for the process
(``functools.cache``): every session shares the same read-only arrays.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image, ImageDraw

from visualizer.data.dataset import Dataset, from_arrays

DIGITS_SIDE = 28
SHAPES_SIDE = 64
SHAPES_PER_CLASS = 2000
SHAPES_SEED = 2024
SHAPE_CLASSES = ("circle", "square", "triangle", "star", "cross", "ring")


@functools.cache
def digits() -> Dataset:
    """scikit-learn's 1,797 real 8x8 digits, upsampled into a 20x20 box centred in 28x28 (as MNIST)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0  # 0..16 -> 0..1
    upsampled = np.zeros((len(images), DIGITS_SIDE, DIGITS_SIDE, 1), dtype=np.float32)
    for index, image in enumerate(images):
        small = Image.fromarray(image, mode="F").resize((20, 20), Image.Resampling.BICUBIC)
        upsampled[index, 4:24, 4:24, 0] = np.clip(np.asarray(small), 0.0, 1.0)
    return from_arrays("digits", upsampled, digits.target, [str(digit) for digit in range(10)])


def _shape_polygon(kind: str, centre: tuple[float, float], radius: float, angle: float) -> list:
    """Vertices of a regular shape around ``centre`` (for star and cross, their outline)."""
    cx, cy = centre

    def at(r: float, theta: float) -> tuple[float, float]:
        return (cx + r * math.cos(theta + angle), cy + r * math.sin(theta + angle))

    if kind == "square":
        return [at(radius, math.pi / 4 + k * math.pi / 2) for k in range(4)]
    if kind == "triangle":
        return [at(radius, -math.pi / 2 + k * 2 * math.pi / 3) for k in range(3)]
    if kind == "star":
        return [at(radius if k % 2 == 0 else radius * 0.42, -math.pi / 2 + k * math.pi / 5) for k in range(10)]
    if kind == "cross":
        arm = 0.34 * radius
        outline = [
            (arm, radius),
            (arm, arm),
            (radius, arm),
            (radius, -arm),
            (arm, -arm),
            (arm, -radius),
            (-arm, -radius),
            (-arm, -arm),
            (-radius, -arm),
            (-radius, arm),
            (-arm, arm),
            (-arm, radius),
        ]
        return [at(math.hypot(px, py), math.atan2(py, px)) for px, py in outline]
    raise ValueError(kind)


def _contrasting_colours(rng: np.random.RandomState) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A background and a foreground colour at least 0.35 apart in brightness."""
    while True:
        background = rng.randint(0, 256, size=3)
        foreground = rng.randint(0, 256, size=3)
        weights = np.array([0.299, 0.587, 0.114])
        if abs(float(weights @ background) - float(weights @ foreground)) / 255 >= 0.35:
            return tuple(int(v) for v in background), tuple(int(v) for v in foreground)


def draw_shape(kind: str, rng: np.random.RandomState, side: int = SHAPES_SIDE) -> np.ndarray:
    """One generated image: a shape of random size, place, rotation and colours over a noisy background.

    Drawn at twice the size and downsampled, for smooth edges.
    """
    scale = 2
    canvas_side = side * scale
    background, foreground = _contrasting_colours(rng)
    image = Image.new("RGB", (canvas_side, canvas_side), background)
    draw = ImageDraw.Draw(image)
    radius = rng.uniform(0.17, 0.36) * canvas_side
    margin = radius + 2
    centre = (rng.uniform(margin, canvas_side - margin), rng.uniform(margin, canvas_side - margin))
    angle = rng.uniform(0, 2 * math.pi)
    if kind == "circle":
        box = [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]
        draw.ellipse(box, fill=foreground)
    elif kind == "ring":
        box = [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]
        draw.ellipse(box, outline=foreground, width=max(3, int(radius * 0.3)))
    else:
        draw.polygon(_shape_polygon(kind, centre, radius, angle), fill=foreground)
    small = image.resize((side, side), Image.Resampling.LANCZOS)
    array = np.asarray(small, dtype=np.float32) / 255.0
    noise = rng.normal(0.0, 0.04, size=array.shape).astype(np.float32)
    return np.clip(array + noise, 0.0, 1.0)


@functools.cache
def shapes() -> Dataset:
    """Generated deterministically from ``SHAPES_SEED``: 6 classes x 2,000 RGB 64x64 images."""
    rng = np.random.RandomState(SHAPES_SEED)
    count = SHAPES_PER_CLASS * len(SHAPE_CLASSES)
    x = np.empty((count, SHAPES_SIDE, SHAPES_SIDE, 3), dtype=np.float32)
    y = np.empty(count, dtype=np.int64)
    for index in range(count):
        label = index % len(SHAPE_CLASSES)
        x[index] = draw_shape(SHAPE_CLASSES[label], rng)
        y[index] = label
    return from_arrays("shapes", x, y, SHAPE_CLASSES)
