"""Plotly encoding shared by every figure family: typed arrays, PNG data URIs, explicit colour scales, outlines.

Figures drawn many times per rerun are built from plain dicts without Plotly's
validation (``unvalidated_figure``); the tests validate each of them.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import get_colorscale

_DTYPES = {
    "float32": "f4",
    "float64": "f8",
    "int32": "i4",
    "int16": "i2",
    "int8": "i1",
    "uint8": "u1",
    "uint16": "u2",
    "uint32": "u4",
}


def typed_array(values: np.ndarray) -> dict:
    """A NumPy array in Plotly's typed-array JSON form (base64 bytes), as Plotly itself sends arrays."""
    array = np.ascontiguousarray(values)
    encoded = {"dtype": _DTYPES[str(array.dtype)], "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        encoded["shape"] = ", ".join(str(size) for size in array.shape)
    return encoded


def decode_typed_array(value) -> np.ndarray:
    """The inverse of ``typed_array`` (plain lists pass through): for tests and figure readers."""
    if isinstance(value, dict) and "bdata" in value:
        inverse = {code: name for name, code in _DTYPES.items()}
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=inverse[value["dtype"]])
        if "shape" in value:
            array = array.reshape([int(size) for size in value["shape"].split(",")])
        return array
    return np.asarray(value)


def unvalidated_figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """A figure from plain trace, layout (and frame) dicts, skipping Plotly's (slow) property validation.

    For figures drawn many times per rerun; ``tests/figures/test_validation.py`` validates every one.
    """
    return go.Figure(data=data, layout=layout, frames=frames, _validate=False)


def png_data_uri(pixels: np.ndarray) -> str:
    """A uint8 (H, W, 3) or (H, W) array as a PNG data URI: a few KB where JSON lists would take MB."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def explicit_scale(name: str) -> list[list]:
    """A named Python Plotly colour scale (``RdBu_r``, ``Greys``...) as explicit [position, colour] pairs."""
    return [[float(position), colour] for position, colour in get_colorscale(name)]


def cell_outline(
    row: float, col: float, height: float = 1, width: float = 1, colour: str = "#ef4444", xref="x", yref="y"
) -> dict:
    """A layout shape outlining ``height`` x ``width`` cells of a heatmap from (row, col)."""
    return {
        "type": "rect",
        "xref": xref,
        "yref": yref,
        "x0": col - 0.5,
        "x1": col + width - 0.5,
        "y0": row - 0.5,
        "y1": row + height - 0.5,
        "line": {"color": colour, "width": 3},
    }


PLOTLY_FONT_SIZE = 12
"""Plotly's default text size, which every text of a figure inherits unless it sets its own."""
_FONT_KEYS = frozenset({"font", "textfont", "tickfont", "insidetextfont", "outsidetextfont"})


def _scale_fonts(node: Any, factor: float) -> None:
    """Multiplies every explicit font size inside a figure dict (in place)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _FONT_KEYS and isinstance(value, dict) and isinstance(value.get("size"), (int, float)):
                value["size"] = value["size"] * factor
            if isinstance(value, (dict, list)) and not (isinstance(value, dict) and "bdata" in value):
                _scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                _scale_fonts(item, factor)


def scaled(figure: go.Figure, factor: float) -> go.Figure:
    """The same figure with every text, margin and its height ``factor`` times larger (presenter mode).

    Texts that set no size inherit the layout's font, which is set to ``factor`` x Plotly's default.
    """
    if factor == 1:
        return figure
    spec = figure.to_dict()
    layout = spec.setdefault("layout", {})
    _scale_fonts(spec, factor)
    font = layout.setdefault("font", {})
    if "size" not in font:
        font["size"] = PLOTLY_FONT_SIZE * factor
    for size in ("height", "width"):
        if isinstance(layout.get(size), (int, float)):
            layout[size] = round(layout[size] * factor)
    margin = layout.get("margin")
    if isinstance(margin, dict):
        for side in ("l", "r", "t", "b"):
            if isinstance(margin.get(side), (int, float)):
                margin[side] = round(margin[side] * factor)
    return unvalidated_figure(spec.get("data", []), layout, spec.get("frames"))


def figure_text(value: object, limit: int = 40) -> str:
    """Text a person gave (a class name), safe in a Plotly label, cut to ``limit`` characters.

    Plotly draws a few HTML tags in its texts (links among them), so ``&``, ``<`` and ``>`` are escaped.
    """
    text = str(value)
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def figure_labels(class_names, count: int) -> list[str]:
    """``class_labels`` for a figure: each name as ``figure_text``."""
    from visualizer.data.dataset import class_labels

    return [figure_text(name) for name in class_labels(class_names, count)]
