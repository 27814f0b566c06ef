"""The colours every figure shares: training and validation, heat and diverging scales, layer types."""

from __future__ import annotations

from functools import cache

import numpy as np
from plotly.colors import get_colorscale, hex_to_rgb, unlabel_rgb

from visualizer.model.activations import ACTIVATIONS
from visualizer.model.blocks import MERGE_LAYERS
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
    **{layer_type: cls.colour for layer_type, cls in {**LAYERS, **MERGE_LAYERS}.items()},
    "output": OUTPUT_COLOUR,
}
"""One colour per layer type (from the registry, merges included), the input and the classifier's output."""


ACTIVATION_COLOURS: dict[str, str] = {
    "linear": "#999999",
    "relu": "#0072b2",
    "sigmoid": "#d55e00",
    "tanh": "#009e73",
    "leaky_relu": "#56b4e9",
    "elu": "#cc79a7",
    "selu": "#e69f00",
    "gelu": "#000000",
    "swish": "#8c564b",
    "softplus": "#b8a400",
}
"""One colour per activation, the same in every chart (Okabe-Ito's colour-blind-safe set, then brown and olive)."""


CLASS_COLOURS = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9",
    "#d55e00", "#f0e442", "#000000", "#999999", "#882255",
)  # fmt: skip
"""Okabe and Ito's colour-blind-safe palette, then two more; it repeats after ten classes."""


def activation_colour(label: str) -> str:
    """The colour of an activation given by its name (``relu``) or title (``ReLU``); grey for anything else."""
    if label in ACTIVATION_COLOURS:
        return ACTIVATION_COLOURS[label]
    for name, activation in ACTIVATIONS.items():
        if activation.title == label:
            return ACTIVATION_COLOURS.get(name, OTHER_COLOUR)
    return OTHER_COLOUR


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
