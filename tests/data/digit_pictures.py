"""Digits as a class brings them, made here: drawn with a mouse on a canvas, or in ink on paper and photographed.

Each digit is a handful of pen strokes (polylines in a unit box, y down), jittered per picture:
moved, scaled, slanted, turned, each point shaken. The canvas drawing is what the app's canvas gives
(white strokes of its brush width on black, 280x280, the digit anywhere and any size); the paper photo
is dark ink on light paper under uneven light (a gradient and a vignette), blurred a little, with
noise and JPEG's artefacts, in colour. Deterministic from the seed.
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, steps: int = 14) -> list:
    return [
        (cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
        for a in np.linspace(start, end, steps)
    ]


STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [_arc(0.5, 0.5, 0.3, 0.42, -90, 275, 24)],
    1: [[(0.35, 0.25), (0.55, 0.08), (0.55, 0.92)]],
    2: [[*_arc(0.5, 0.32, 0.28, 0.24, 200, 380, 10), (0.68, 0.5), (0.2, 0.9), (0.82, 0.9)]],
    3: [[*_arc(0.48, 0.3, 0.26, 0.22, 200, 450, 12), *_arc(0.48, 0.7, 0.3, 0.22, -90, 160, 12)]],
    4: [[(0.62, 0.92), (0.62, 0.08), (0.15, 0.65), (0.85, 0.65)]],
    5: [[(0.78, 0.1), (0.3, 0.1), (0.26, 0.45), *_arc(0.48, 0.66, 0.3, 0.26, -110, 160, 12)]],
    6: [[(0.72, 0.1), *_arc(0.5, 0.66, 0.26, 0.26, 200, 560, 22)]],
    7: [[(0.18, 0.1), (0.82, 0.1), (0.42, 0.92)]],
    8: [_arc(0.5, 0.28, 0.22, 0.2, 90, 450, 16), _arc(0.5, 0.7, 0.28, 0.22, -90, 270, 18)],
    9: [[*_arc(0.48, 0.32, 0.25, 0.23, 20, 380, 18), (0.7, 0.4), (0.62, 0.92)]],
}
"""Each digit's pen strokes in a unit box."""


def _placed(strokes: list, rng: np.random.Generator, side: int, height: float, centre: tuple[float, float]) -> list:
    """The strokes slanted, turned, scaled to ``height`` pixels and moved to ``centre``, every point shaken."""
    slant = rng.uniform(-0.25, 0.25)
    angle = math.radians(rng.uniform(-12, 12))
    width = rng.uniform(0.75, 1.1)
    cos, sin = math.cos(angle), math.sin(angle)
    placed = []
    for stroke in strokes:
        points = []
        for x, y in stroke:
            u, v = (x - 0.5) * width + slant * (0.5 - y), y - 0.5
            u, v = u * cos - v * sin, u * sin + v * cos
            u, v = u + rng.normal(0, 0.015), v + rng.normal(0, 0.015)
            points.append((centre[0] + u * height, centre[1] + v * height))
        placed.append(points)
    return placed


def _draw(draw: ImageDraw.ImageDraw, strokes: list, colour, width: int) -> None:
    radius = width / 2
    for points in strokes:
        draw.line(points, fill=colour, width=width, joint="curve")
        for x, y in (points[0], points[-1]):  # round pen ends, as a brush or a pen draws them
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


def canvas_drawing(digit: int, rng: np.random.Generator, side: int = 280, brush: int | None = None) -> Image.Image:
    """A digit as a mouse draws it on the app's canvas: white strokes on black, anywhere, any size."""
    height = rng.uniform(0.35, 0.85) * side
    margin = height / 2 + 4
    centre = (rng.uniform(margin * 0.8, side - margin * 0.8), rng.uniform(margin, side - margin))
    image = Image.new("RGB", (side, side), (0, 0, 0))
    width = int(brush if brush is not None else rng.integers(12, 30))
    _draw(ImageDraw.Draw(image), _placed(STROKES[digit], rng, side, height, centre), (255, 255, 255), width)
    return image


def paper_photo(digit: int, rng: np.random.Generator, size: tuple[int, int] = (360, 300)) -> Image.Image:
    """A digit in dark ink on light paper, photographed: uneven light, a little blur, noise, JPEG, in colour."""
    width, height = size
    digit_height = rng.uniform(0.35, 0.75) * height
    centre = (rng.uniform(0.35, 0.65) * width, rng.uniform(0.4, 0.6) * height)
    ink = Image.new("L", size, 0)
    pen = max(2, int(digit_height * rng.uniform(0.03, 0.09)))
    _draw(ImageDraw.Draw(ink), _placed(STROKES[digit], rng, height, digit_height, centre), 255, pen)
    ink = ink.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
    darkness = np.asarray(ink, dtype=np.float32) / 255.0 * rng.uniform(0.6, 0.9)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    gradient = 1.0 - rng.uniform(0.1, 0.35) * (xx / width if rng.random() < 0.5 else yy / height)
    vignette = 1.0 - rng.uniform(0.05, 0.25) * (((xx - width / 2) / width) ** 2 + ((yy - height / 2) / height) ** 2)
    light = rng.uniform(0.75, 0.95) * gradient * vignette
    paper = np.stack([light * tint for tint in (1.0, rng.uniform(0.93, 1.0), rng.uniform(0.82, 0.97))], axis=-1)
    pixels = paper * (1.0 - darkness[..., None]) + rng.normal(0, 0.02, size=paper.shape)
    photo = Image.fromarray((np.clip(pixels, 0, 1) * 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=int(rng.integers(60, 90)))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def picture_set(kind: str, count: int = 100, seed: int = 0) -> list[tuple[Image.Image, int]]:
    """``count`` pictures of ``kind`` (``canvas`` or ``paper``), the digits taking turns, with their labels."""
    rng = np.random.default_rng(seed)
    make = canvas_drawing if kind == "canvas" else paper_photo
    return [(make(index % 10, rng), index % 10) for index in range(count)]
