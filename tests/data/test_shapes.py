"""The shapes drawn with NumPy: each outline against Pillow's drawing of the same polygon, areas by hand,
determinism, and what makes an image (colours apart, noise, edges smoothed)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw

from visualizer.data.shapes import SHAPE_CLASSES, SHAPE_NOISE, contrasting_colours, draw_shapes, shape_distance

SIDE = 256
CENTRE = (130.0, 120.0)
RADIUS = 90.0
ANGLE = 0.4


def outline(kind: str) -> list[tuple[float, float]]:
    """The polygon of a shape, worked out from its corners (as the app's Pillow drawing did)."""
    cx, cy = CENTRE

    def at(r: float, theta: float) -> tuple[float, float]:
        return (cx + r * math.cos(theta + ANGLE), cy + r * math.sin(theta + ANGLE))

    if kind == "square":
        return [at(RADIUS, math.pi / 4 + k * math.pi / 2) for k in range(4)]
    if kind == "triangle":
        return [at(RADIUS, -math.pi / 2 + k * 2 * math.pi / 3) for k in range(3)]
    if kind == "star":
        return [at(RADIUS if k % 2 == 0 else 0.42 * RADIUS, -math.pi / 2 + k * math.pi / 5) for k in range(10)]
    arm = 0.34 * RADIUS
    corners = [(arm, RADIUS), (arm, arm), (RADIUS, arm), (RADIUS, -arm), (arm, -arm), (arm, -RADIUS)]
    corners += [(-x, -y) for x, y in corners]
    return [at(math.hypot(x, y), math.atan2(y, x)) for x, y in corners]


def distance(kind: str) -> np.ndarray:
    """``shape_distance`` at every pixel centre of one image at the fixed centre, radius and angle."""
    pixel = np.arange(SIDE, dtype=np.float32) + 0.5
    dx, dy = pixel[None, None, :] - CENTRE[0], pixel[None, :, None] - CENTRE[1]
    u = dx * math.cos(ANGLE) + dy * math.sin(ANGLE)
    v = dy * math.cos(ANGLE) - dx * math.sin(ANGLE)
    return shape_distance(kind, u, v, np.full((1, 1, 1), RADIUS, dtype=np.float32))[0]


def inside(kind: str) -> np.ndarray:
    """The pixels whose centre is inside the shape."""
    return distance(kind) < 0


@pytest.mark.parametrize("kind", ["square", "triangle", "star", "cross"])
def test_each_polygon_is_pillows_polygon(kind):
    image = Image.new("L", (SIDE, SIDE), 0)
    ImageDraw.Draw(image).polygon(outline(kind), fill=1)
    pillow = np.asarray(image).astype(bool)
    ours = distance(kind)
    overlap = ((ours < 0) & pillow).sum() / ((ours < 0) | pillow).sum()
    assert overlap > 0.97, overlap
    # Where they differ, the pixel's centre is within a pixel of the outline (Pillow also fills the pixels
    # its outline passes through): the same shape, corners and angle.
    assert np.abs(ours[(ours < 0) != pillow]).max() < 1.0


@pytest.mark.parametrize(
    ("kind", "area"),
    [
        ("circle", math.pi),
        ("square", 2.0),  # a square of diagonal 2r
        ("triangle", 3 * math.sqrt(3) / 4),  # equilateral, corners on the circle of radius r
        ("star", 10 * 0.5 * 0.42 * math.sin(math.pi / 5)),  # ten triangles: centre, point, inner corner
        ("cross", 2 * (2 * 0.68) - 0.68**2),  # two bars of 2r x 0.68r, their middle counted once
        ("ring", math.pi * (1 - (1 - 0.3) ** 2)),  # a band 0.3r wide inside the circle
    ],
)
def test_areas_are_the_hand_computed_ones(kind, area):
    assert inside(kind).sum() / RADIUS**2 == pytest.approx(area, rel=0.01)


def test_the_same_generator_state_draws_the_same_images_and_another_does_not():
    labels = np.arange(60) % 6
    first = draw_shapes(labels, np.random.default_rng(7), 32)
    np.testing.assert_array_equal(first, draw_shapes(labels, np.random.default_rng(7), 32))
    assert not np.allclose(first, draw_shapes(labels, np.random.default_rng(8), 32))
    # Chunks change how many images are worked on at once, not the images.
    np.testing.assert_array_equal(first, draw_shapes(labels, np.random.default_rng(7), 32, chunk=7))


def test_images_have_two_colours_apart_noise_and_smooth_edges():
    images = draw_shapes(np.zeros(40, dtype=int), np.random.default_rng(0), 64)  # 40 circles
    assert images.dtype == np.float32 and images.shape == (40, 64, 64, 3)
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert images.std(axis=0).mean() > 0.1  # sizes, places and colours differ
    corner = images[:, :6, :6].reshape(40, -1, 3)  # background only: the shape keeps a pixel from the border
    noise = corner - np.median(corner, axis=1, keepdims=True)
    assert np.std(noise[np.abs(noise) < 0.2]) == pytest.approx(SHAPE_NOISE, rel=0.25)
    background, foreground = contrasting_colours(np.random.default_rng(1), 500)
    brightness = np.array([0.299, 0.587, 0.114])
    assert (np.abs(background @ brightness - foreground @ brightness) / 255 >= 0.35).all()
    # Edges are smoothed: without noise, pixels between the two colours exist along the outline.
    pixel = np.arange(64, dtype=np.float32) + 0.5
    u = np.broadcast_to(pixel[None, None, :] - 32, (1, 64, 64))
    v = np.broadcast_to(pixel[None, :, None] - 32, (1, 64, 64))
    coverage = np.clip(0.5 - shape_distance("circle", u, v, np.full((1, 1, 1), 20.0)), 0, 1)
    assert ((coverage > 0.05) & (coverage < 0.95)).sum() > 2 * math.pi * 20 * 0.5


def test_an_unknown_shape_is_refused():
    with pytest.raises(ValueError, match="unknown shape"):
        shape_distance("hexagon", np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), np.ones((1, 1, 1)))
    # Every class the dataset names can be drawn: some pixels inside it, the far corner outside.
    pixel = np.arange(64, dtype=np.float32) + 0.5
    u = np.broadcast_to(pixel[None, None, :] - 32, (1, 64, 64))
    v = np.broadcast_to(pixel[None, :, None] - 32, (1, 64, 64))
    for kind in SHAPE_CLASSES:
        distance = shape_distance(kind, u, v, np.full((1, 1, 1), 20.0))
        assert np.isfinite(distance).all() and (distance < 0).sum() > 100 and distance[0, 0, 0] > 0, kind
