"""The colours every figure shares: training and validation, heat and diverging scales, layer types."""

from __future__ import annotations

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
