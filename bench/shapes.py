"""How long the embedded shapes take the first time a person picks them, against two baselines in the same run.

Each repeat runs in a fresh interpreter (the first pick in a new server: nothing cached, the memory
touched for the first time) and times ``load_dataset("shapes")`` alone: 12,000 RGB 64x64 images drawn
with NumPy and split. Baselines, each in fresh interpreters too:

- **Pillow, one image at a time** (how the app drew them before: each shape drawn at twice the size with
  ``ImageDraw`` and shrunk with Lanczos, plus Gaussian noise): timed on 1,200 images and scaled to 12,000;
- **the floor**: allocating and filling the same 590 MB of float32, which any way of making them pays.

    python -m bench.shapes --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 2.0

NUMPY_DRAWING = """
import time
started = time.perf_counter()
from visualizer.data.catalog import load_dataset
dataset = load_dataset("shapes")
print(time.perf_counter() - started)
"""

FLOOR = """
import time
import numpy as np
started = time.perf_counter()
x_train = np.empty((9600, 64, 64, 3), dtype=np.float32)
x_train.fill(0.5)
x_test = np.empty((2400, 64, 64, 3), dtype=np.float32)
x_test.fill(0.5)
print(time.perf_counter() - started)
"""

PILLOW_DRAWING = """
import math, time
import numpy as np
from PIL import Image, ImageDraw

def polygon(kind, cx, cy, radius, angle):
    def at(r, theta):
        return (cx + r * math.cos(theta + angle), cy + r * math.sin(theta + angle))
    if kind == "square":
        return [at(radius, math.pi / 4 + k * math.pi / 2) for k in range(4)]
    if kind == "triangle":
        return [at(radius, -math.pi / 2 + k * 2 * math.pi / 3) for k in range(3)]
    if kind == "star":
        return [at(radius if k % 2 == 0 else radius * 0.42, -math.pi / 2 + k * math.pi / 5) for k in range(10)]
    arm = 0.34 * radius
    corners = [(arm, radius), (arm, arm), (radius, arm), (radius, -arm), (arm, -arm), (arm, -radius)]
    corners += [(-x, -y) for x, y in corners]
    return [at(math.hypot(x, y), math.atan2(y, x)) for x, y in corners]

def draw(kind, rng, side=64):
    canvas = side * 2
    while True:
        background, foreground = rng.randint(0, 256, size=3), rng.randint(0, 256, size=3)
        weights = np.array([0.299, 0.587, 0.114])
        if abs(float(weights @ background) - float(weights @ foreground)) / 255 >= 0.35:
            break
    background, foreground = tuple(int(v) for v in background), tuple(int(v) for v in foreground)
    image = Image.new("RGB", (canvas, canvas), background)
    pen = ImageDraw.Draw(image)
    radius = rng.uniform(0.17, 0.36) * canvas
    cx, cy = rng.uniform(radius + 2, canvas - radius - 2), rng.uniform(radius + 2, canvas - radius - 2)
    angle = rng.uniform(0, 2 * math.pi)
    box = [cx - radius, cy - radius, cx + radius, cy + radius]
    if kind == "circle":
        pen.ellipse(box, fill=foreground)
    elif kind == "ring":
        pen.ellipse(box, outline=foreground, width=max(3, int(radius * 0.3)))
    else:
        pen.polygon(polygon(kind, cx, cy, radius, angle), fill=foreground)
    array = np.asarray(image.resize((side, side), Image.Resampling.LANCZOS), dtype=np.float32) / 255.0
    return np.clip(array + rng.normal(0.0, 0.04, size=array.shape).astype(np.float32), 0.0, 1.0)

kinds = ("circle", "square", "triangle", "star", "cross", "ring")
rng = np.random.RandomState(2024)
started = time.perf_counter()
x = np.empty((1200, 64, 64, 3), dtype=np.float32)
for index in range(1200):
    x[index] = draw(kinds[index % 6], rng)
print((time.perf_counter() - started) * 10)
"""


def child_seconds(code: str) -> float:
    """Runs ``code`` in a fresh interpreter from the repository; returns the seconds it prints."""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Measures and prints the three medians and their ratios; returns 1 when the goal is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.shapes", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    found: dict[str, list[float]] = {"numpy": [], "pillow": [], "floor": []}
    for _ in range(args.repeats):  # interleaved, so the machine's noise falls on all three alike
        found["numpy"].append(child_seconds(NUMPY_DRAWING))
        found["pillow"].append(child_seconds(PILLOW_DRAWING))
        found["floor"].append(child_seconds(FLOOR))
    median = {name: statistics.median(values) for name, values in found.items()}
    print(f"repeats: {args.repeats}, each in a fresh interpreter")
    print(f"load_dataset('shapes'), NumPy drawing: median {median['numpy']:.2f} s (max {max(found['numpy']):.2f} s)")
    print(f"Pillow, one image at a time (1,200 x 10): median {median['pillow']:.2f} s")
    print(f"the floor (allocate and fill 590 MB): median {median['floor']:.2f} s")
    speedup = median["pillow"] / median["numpy"]
    print(f"ratio NumPy / Pillow: {median['numpy'] / median['pillow']:.3f} ({speedup:.1f}x faster)")
    print(f"ratio NumPy / floor: {median['numpy'] / median['floor']:.2f}")
    verdict = "met" if median["numpy"] < GOAL_SECONDS else "MISSED"
    print(f"goal: under {GOAL_SECONDS:.0f} s: {verdict}")
    return 0 if median["numpy"] < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
