"""The colours every figure shares: training and validation, heat and diverging scales, layer types."""

from __future__ import annotations

from functools import cache

import numpy as np
from plotly.colors import get_colorscale, hex_to_rgb, unlabel_rgb

from visualizer.model.layers import LAYERS

TRAIN_COLOUR = "#2563eb"
VALIDATION_COLOUR = "#f97316"
HEAT_COLOURS = "Viridis"
DIVERGING_COLOURS = "RdBu_r"
CURVE_COLOURS = ("#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777")
INPUT_COLOUR = "#9aa5b1"
OUTPUT_COLOUR = "#ef4444"
OTHER_COLOUR = "#6b7280"

LAYER_COLOURS: dict[str, str] = {
    "input": INPUT_COLOUR,
    **{layer_type: cls.colour for layer_type, cls in LAYERS.items()},
    "output": OUTPUT_COLOUR,
}
"""One colour per layer type (from the registry), the input and the classifier's output."""


@cache
def colour_table(scale: str) -> np.ndarray:
    """A named Plotly colour scale as a (256, 3) uint8 lookup table."""
    stops = get_colorscale(scale)
    positions = np.array([position for position, _ in stops], dtype=np.float64)
    colours = np.array(
        [unlabel_rgb(colour) if colour.startswith("rgb") else hex_to_rgb(colour) for _, colour in stops],
        dtype=np.float64,
    )
    grid = np.linspace(0.0, 1.0, 256)
    table = np.stack([np.interp(grid, positions, colours[:, channel]) for channel in range(3)], axis=1)
    return np.clip(table + 0.5, 0, 255).astype(np.uint8)


def coloured(values: np.ndarray, low: float, high: float, scale: str = "Viridis") -> np.ndarray:
    """A 2-D array as RGB uint8 pixels on ``scale``, ``low`` and ``high`` at its ends (not-a-number as ``low``)."""
    span = high - low if high > low else 1.0
    data = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=low, posinf=high, neginf=low)
    indices = np.clip((data - low) / span * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return colour_table(scale)[indices]
