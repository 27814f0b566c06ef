"""The embedded shapes, drawn with NumPy alone: many images at once, no drawing library.

Each shape is a signed distance (negative inside, in pixels) worked out for
every pixel of a batch of images at once; a pixel's coverage is that distance
turned into a ramp one pixel wide, which smooths the edges as drawing at a
larger size and shrinking would. This module needs NumPy and the standard
library only: the notebook the app writes (``training.notebook``) copies these
functions so that it draws the same images without the app installed.
"""

from __future__ import annotations

import math
import statistics

import numpy as np

SHAPE_CLASSES = ("circle", "square", "triangle", "star", "cross", "ring")
SHAPE_NOISE = 0.04
"""Standard deviation of the Gaussian grain over every image (0..1 scale; one value per pixel for all channels)."""


def contrasting_colours(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` background and foreground colours (0..255 RGB) at least 0.35 apart in brightness."""
    weights = np.array([0.299, 0.587, 0.114])
    background = np.empty((count, 3))
    foreground = np.empty((count, 3))
    missing = np.arange(count)
    while missing.size:
        pairs = rng.integers(0, 256, size=(missing.size, 2, 3)).astype(np.float64)
        apart = np.abs(pairs[:, 0] @ weights - pairs[:, 1] @ weights) / 255 >= 0.35
        background[missing[apart]] = pairs[apart, 0]
        foreground[missing[apart]] = pairs[apart, 1]
        missing = missing[~apart]
    return background, foreground


def shape_distance(kind: str, u: np.ndarray, v: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """Signed distance to the outline of ``kind`` (negative inside) at shape-centred, rotated coordinates.

    Args:
        kind: One of ``SHAPE_CLASSES``.
        u: (n, side, side) pixel centres along the shape's own first axis, in pixels.
        v: the same along its second axis.
        radius: (n, 1, 1) the distance from the centre to the shape's corners (its outer radius).
    """
    if kind == "circle":
        return np.hypot(u, v) - radius
    if kind == "ring":
        width = np.maximum(1.5, 0.3 * radius)
        return np.abs(np.hypot(u, v) - (radius - width / 2)) - width / 2
    if kind == "square":  # corners at 45 degrees: half a side is radius / sqrt(2)
        return np.maximum(np.abs(u), np.abs(v)) - radius / math.sqrt(2)
    if kind == "triangle":  # corners at -90, 30 and 150 degrees; each side radius / 2 from the centre
        sides = [u * math.cos(angle) + v * math.sin(angle) for angle in (math.pi / 2, -math.pi / 6, 7 * math.pi / 6)]
        return np.maximum(np.maximum(sides[0], sides[1]), sides[2]) - radius / 2
    if kind == "cross":  # two bars, each 0.68 of the radius wide
        arm = 0.34 * radius
        across = np.maximum(np.abs(u) - radius, np.abs(v) - arm)
        down = np.maximum(np.abs(u) - arm, np.abs(v) - radius)
        return np.minimum(across, down)
    if kind == "star":  # five points; the inner corners at 0.42 of the radius
        # Fold every angle into the half-sector between a point (angle 0) and the next inner corner
        # (36 degrees): there the star's edge is one straight line.
        sector = 2 * math.pi / 5
        angle = np.arctan2(v, u) + math.pi / 2  # the first point straight up
        folded = np.abs(np.mod(angle + sector / 2, sector) - sector / 2)
        distance = np.hypot(u, v)
        across, along = 0.42 * math.sin(sector / 2), 1 - 0.42 * math.cos(sector / 2)  # normal of that edge
        norm = math.hypot(across, along)
        return ((distance * np.cos(folded) - radius) * across + distance * np.sin(folded) * along) / norm
    raise ValueError(f"unknown shape {kind!r}")


def draw_shapes(labels: np.ndarray, rng: np.random.Generator, side: int = 64, chunk: int = 500) -> np.ndarray:
    """One image per label: its shape at a random size, place, rotation and colours, with noise.

    Args:
        labels: (N,) indices into ``SHAPE_CLASSES``.
        rng: Where every random number comes from: the same generator state gives the same images.
        side: Height and width of each image.
        chunk: How many images are worked on at once (bounds the memory of the intermediate arrays).

    Returns:
        float32 (N, side, side, 3) in [0, 1].
    """
    count = len(labels)
    background, foreground = contrasting_colours(rng, count)
    radius = rng.uniform(0.17, 0.36, size=count) * side
    margin = radius + 1
    centre_x = rng.uniform(margin, side - margin)
    centre_y = rng.uniform(margin, side - margin)
    angle = rng.uniform(0, 2 * math.pi, size=count)
    # Gaussian noise from a table of 256 of its quantiles indexed by random bytes: drawing 12,000 images'
    # worth of normal numbers directly would take longer than drawing the shapes.
    quantiles = [statistics.NormalDist(0.0, SHAPE_NOISE).inv_cdf((k + 0.5) / 256) for k in range(256)]
    noise_table = np.array(quantiles, dtype=np.float32)
    pixel = np.arange(side, dtype=np.float32) + 0.5
    images = np.empty((count, side, side, 3), dtype=np.float32)
    for start in range(0, count, chunk):
        part = slice(start, min(start + chunk, count))
        coverage = np.empty((part.stop - start, side, side), dtype=np.float32)
        for label, kind in enumerate(SHAPE_CLASSES):
            which = np.flatnonzero(labels[part] == label)
            if which.size == 0:
                continue
            at = which + start
            dx = pixel[None, None, :] - centre_x[at, None, None].astype(np.float32)
            dy = pixel[None, :, None] - centre_y[at, None, None].astype(np.float32)
            cos = np.cos(angle[at])[:, None, None].astype(np.float32)
            sin = np.sin(angle[at])[:, None, None].astype(np.float32)
            u, v = dx * cos + dy * sin, dy * cos - dx * sin
            distance = shape_distance(kind, u, v, radius[at, None, None].astype(np.float32))
            coverage[which] = np.clip(0.5 - distance, 0.0, 1.0)
        colour = (background[part] / 255).astype(np.float32)
        change = (foreground[part] / 255).astype(np.float32) - colour
        grain = noise_table.take(rng.integers(0, 256, size=coverage.shape, dtype=np.uint8), mode="wrap")
        for channel in range(3):  # one channel at a time: broadcasting over a last axis of 3 is slow
            plane = images[part, :, :, channel]
            np.multiply(coverage, change[:, channel, None, None], out=plane)
            plane += colour[:, channel, None, None] + grain
        np.clip(images[part], 0.0, 1.0, out=images[part])
    return images
