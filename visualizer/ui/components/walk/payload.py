"""The step explainer's payload: one filter (or one pooled channel) walked over its input, every step.

The numbers come from ``backend.steps.conv_walk`` / ``pool_walk`` (each step equals
``conv_step`` / ``pool_step``, and the filled output equals the feature map); this
module only packs them for the browser, which animates them without asking the
server. Arrays travel as base64 float32 (exact, and a third of the JSON's size).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, NotRequired, TypedDict

import numpy as np

from visualizer.figures.style import colour_table

if TYPE_CHECKING:  # types only: no TensorFlow here
    from visualizer.backend.walks import ConvWalk, PoolWalk

MAX_CHANNELS = 16
"""Input channels a conv walk shows (their window, kernel and products); the rest are summed as one."""
MAX_SUMS = 8
"""Channels whose sums are spelled out in the numbers of a step; the rest are added up as "the others"."""


class WalkPayload(TypedDict):
    """What ``walk.js`` animates.

    Arrays are base64 float32; ``origins`` holds each step's window's top-left corner (row, column) in the
    input, step after step; ``sums`` each step's window x kernel sum per spelled channel (conv), ``rest``
    the other channels' total, ``pre`` the value before the activation.
    """

    mode: str
    layer: str
    index: int
    channels: int
    shown_channels: int
    in_shape: list[int]
    out_shape: list[int]
    window: list[int]
    strides: list[int]
    inputs: str
    origins: list[int]
    out: str
    in_range: list[float]
    out_range: list[float]
    input_colours: str
    colours: dict[str, list[list[int]]]
    kind: NotRequired[str]
    activation: NotRequired[str]
    bias: NotRequired[float]
    spelled: NotRequired[int]
    kernel: NotRequired[str]
    sums: NotRequired[str]
    rest: NotRequired[str | None]
    pre: NotRequired[str]
    kernel_bound: NotRequired[float]


def _floats(values: np.ndarray) -> str:
    """A float array as base64 float32 bytes, in C order."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.float32).tobytes()).decode("ascii")


def _range(values: np.ndarray) -> list[float]:
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return [0.0, 1.0]
    low, high = float(finite.min()), float(finite.max())
    return [low, high if high > low else low + 1.0]


def _colour_tables() -> dict[str, list[list[int]]]:
    """The colour scales the explainer paints with, as 256 RGB rows each."""
    return {
        name: colour_table(scale).tolist()
        for name, scale in (("maps", "Viridis"), ("signed", "RdBu_r"), ("grey", "Greys_r"))
    }


def conv_walk_payload(walk: ConvWalk, input_is_image: bool = False) -> WalkPayload:
    """The explainer's data for a ``ConvWalk`` (every step of one filter).

    Args:
        walk: Every step of one filter (``backend.steps.conv_walk``).
        input_is_image: Whether the layer reads the image itself (drawn in grey) rather than maps.
    """
    inputs = np.moveaxis(np.asarray(walk.inputs, dtype=np.float32), 2, 0)  # (C, H, W)
    kernel = np.moveaxis(np.asarray(walk.kernel, dtype=np.float32), 2, 0)  # (C, kh, kw)
    channels = inputs.shape[0]
    shown = min(channels, MAX_CHANNELS)
    out_h, out_w = walk.output.shape
    sums = np.asarray(walk.channel_sums, dtype=np.float32).reshape(out_h * out_w, channels)
    spelled = min(channels, MAX_SUMS)
    rest = _floats(sums[:, spelled:].sum(axis=1)) if channels > spelled else None  # None: every channel spelled
    return {
        "mode": "conv",
        "layer": walk.layer_name,
        "index": int(walk.filter),
        "activation": walk.activation,
        "bias": float(walk.bias),
        "channels": channels,
        "shown_channels": shown,
        "spelled": spelled,
        "in_shape": list(inputs.shape[1:]),
        "out_shape": [out_h, out_w],
        "window": list(kernel.shape[1:]),
        "strides": list(walk.strides),
        "inputs": _floats(inputs[:shown]),
        "kernel": _floats(kernel[:shown]),
        "origins": walk.origins.reshape(-1, 2).astype(int).ravel().tolist(),
        "sums": _floats(sums[:, :spelled]),
        "rest": rest,
        "pre": _floats(walk.pre_activation),
        "out": _floats(walk.output),
        "in_range": _range(inputs[:shown]),
        "out_range": _range(walk.output),
        "kernel_bound": float(np.abs(kernel).max()) or 1.0,
        "input_colours": "grey" if input_is_image else "maps",
        "colours": _colour_tables(),
    }


def pool_walk_payload(walk: PoolWalk) -> WalkPayload:
    """The explainer's data for a ``PoolWalk`` (every window of one channel)."""
    inputs = np.asarray(walk.inputs, dtype=np.float32)[None]  # (1, H, W)
    out_h, out_w = walk.output.shape
    return {
        "mode": "pool",
        "layer": walk.layer_name,
        "index": int(walk.channel),
        "kind": walk.kind,
        "channels": 1,
        "shown_channels": 1,
        "in_shape": list(inputs.shape[1:]),
        "out_shape": [out_h, out_w],
        "window": list(walk.window),
        "strides": list(walk.strides),
        "inputs": _floats(inputs),
        "origins": walk.origins.reshape(-1, 2).astype(int).ravel().tolist(),
        "out": _floats(walk.output),
        "in_range": _range(inputs),
        "out_range": _range(inputs),  # pooling keeps input values: one scale for both
        "input_colours": "maps",
        "colours": _colour_tables(),
    }
