"""The network overview's payload: the whole network on one screen, as the data its JavaScript draws.

One column per layer (the input first): a map layer as a column of thumbnails
(one per channel, each a small PNG coloured on the layer's one scale), a vector
layer as a column of bars, the output as labelled class probabilities. Every item
carries the items it is computed from (``sources``: ranges of items of the columns it
reads, decided here from the registry's ``Layer.links``), and a conv layer each
filter's kernel, so the component draws the lines and shows the kernel on hover
without asking the server and without a rule of its own. Pure: NumPy arrays and plain
layer descriptions in, a JSON-safe ``OverviewPayload`` out; no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, Protocol, TypedDict

import numpy as np

from visualizer.data.dataset import class_labels
from visualizer.figures.encoding import png_data_uri
from visualizer.figures.style import coloured
from visualizer.model.blocks import BLOCK_LAYER, BLOCKS, traits
from visualizer.model.checks import format_shape

MAX_SHOWN = 16
"""Thumbnails a map column shows before "+k more"."""
MAX_SENT = 64
"""Thumbnails a column carries at most (the rest are counted, not drawn)."""
MAX_UNITS = 32
"""Bars a vector column shows."""
CHANNEL_TINTS = ((1.0, 0.25, 0.25), (0.25, 0.8, 0.25), (0.3, 0.45, 1.0))
"""How the input's red, green and blue channels are drawn, as CNN Explainer does."""

Range = list[int]
"""``[column, first, last]``: the items ``first`` to ``last`` (inclusive) of column ``column``."""


class Item(TypedDict):
    """One thumbnail of a map column."""

    src: str
    label: str


class Column(TypedDict):
    """One column of the overview: a layer (or the input) for one image.

    ``reads`` lists the positions of the columns it reads; ``sources[i]`` the items its item ``i`` is
    computed from, as ranges of those columns;
    ``how`` says in words how (``all`` of them, their ``sum``, the one ``stacked`` item, or ``from``
    the items listed); a merge point's ``joined`` heads its column ("⊕ sum").
    """

    name: str
    title: str
    shape: str
    kind: str
    total: int
    reads: list[int]
    sources: list[list[Range]]
    how: str | None
    label: NotRequired[str]
    joined: NotRequired[str]
    items: NotRequired[list[Item]]
    range: NotRequired[list[float]]
    bars: NotRequired[list[float]]
    scale: NotRequired[float]
    labels: NotRequired[list[str]]
    kernels: NotRequired[list[str]]
    kernel_shape: NotRequired[str]


class Selected(TypedDict):
    """The item the person picked: its column's position and its index."""

    column: int
    item: int


class OverviewPayload(TypedDict):
    """What ``overview.js`` draws."""

    columns: list[Column]
    selected: Selected | None
    max_shown: int


class LayerLike(Protocol):
    """What the overview needs of a layer (``backend.info.LayerInfo`` has it)."""

    name: str
    kind: str
    keras_class: str
    output_shape: tuple[int, ...]
    inputs: tuple[str, ...]


def _input_items(x: np.ndarray) -> list[dict[str, Any]]:
    """The input's channels: grey for one channel, tinted red, green and blue for colour images."""
    pixels = np.clip(np.asarray(x, dtype=np.float32), 0.0, 1.0)
    channels = pixels.shape[2]
    items = []
    for channel in range(channels):
        plane = pixels[:, :, channel]
        if channels == 3:
            tint = np.asarray(CHANNEL_TINTS[channel], dtype=np.float32)
            rgb = (plane[:, :, None] * tint * 255.0 + 0.5).astype(np.uint8)
            label = ("red", "green", "blue")[channel]
        else:
            rgb = np.repeat((plane[:, :, None] * 255.0 + 0.5).astype(np.uint8), 3, axis=2)
            label = "grey" if channels == 1 else f"channel {channel}"
        items.append({"src": png_data_uri(rgb), "label": f"input, {label}"})
    return items


def _map_items(name: str, values: np.ndarray) -> tuple[list[dict[str, Any]], list[float]]:
    """Thumbnails of a layer's maps (H, W, C) on the layer's one colour scale, and that scale's ends."""
    data = np.asarray(values, dtype=np.float32)
    sent = data[:, :, :MAX_SENT]
    finite = sent[np.isfinite(sent)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    pixels = coloured(sent, low, high)  # every map at once: (H, W, C, 3)
    items = [
        {"src": png_data_uri(np.ascontiguousarray(pixels[:, :, index])), "label": f"{name}, map {index}"}
        for index in range(sent.shape[2])
    ]
    return items, [low, high]


def _kernel_images(kernel: np.ndarray) -> list[str]:
    """Each filter's kernel (kh, kw, in, out) as one strip of its input channels, on one diverging scale."""
    weights = np.asarray(kernel, dtype=np.float32)[:, :, :MAX_SENT, :MAX_SENT]
    bound = float(np.abs(weights).max()) or 1.0
    height, width, channels, filters = weights.shape
    # Every tile coloured at once (h, w, in, out, 3), then laid side by side per filter with a white column between.
    tiles = np.moveaxis(coloured(weights, -bound, bound, "RdBu_r"), 3, 0)  # (out, h, w, in, 3)
    tiles = np.moveaxis(tiles, 3, 2)  # (out, h, in, w, 3)
    padded = np.pad(tiles, ((0, 0), (0, 0), (0, 0), (0, 1), (0, 0)), constant_values=255)
    strips = padded.reshape(filters, height, channels * (width + 1), 3)[:, :, :-1]
    return [png_data_uri(np.ascontiguousarray(strip)) for strip in strips]


def _bars(values: np.ndarray) -> tuple[list[float], float]:
    """A vector's first ``MAX_UNITS`` values and the largest magnitude (the bars' common scale)."""
    data = np.nan_to_num(np.asarray(values, dtype=np.float64).ravel()[:MAX_UNITS])
    return [round(float(value), 5) for value in data], float(np.abs(data).max()) or 1.0


def shown_count(column: Column) -> int:
    """How many items a column carries (thumbnails or bars): the ones lines can reach."""
    return len(column["items"]) if "items" in column else len(column.get("bars", []))


def item_sources(links: str, item: int, reads: list[Column], positions: list[int]) -> list[Range]:
    """The items of the columns a layer reads that its item ``item`` is computed from.

    Args:
        links: The layer's ``Layer.links``: ``all``, ``same``, ``channel`` or ``stacked``.
        item: The item's index in the layer's column.
        reads: The columns it reads, in order.
        positions: Their positions in the overview.
    """
    if links == "stacked":  # a concatenation: the one input item it stacks at this index
        offset = 0
        for column, position in zip(reads, positions, strict=True):
            if item < offset + column["total"]:
                index = item - offset
                return [[position, index, index]] if index < shown_count(column) else []
            offset += column["total"]
        return []
    found = []
    for column, position in zip(reads, positions, strict=True):
        count = shown_count(column)
        index = item % column["total"] if links == "channel" else item
        if links == "all" and count:
            found.append([position, 0, count - 1])
        elif links in ("same", "channel") and index < count:
            found.append([position, index, index])
    return found


def overview_payload(
    x: np.ndarray,
    layers: Sequence[LayerLike],
    maps: Mapping[str, np.ndarray],
    probabilities: np.ndarray,
    class_names: Sequence[str],
    kernels: Mapping[str, np.ndarray] | None = None,
    selected: tuple[str, int] | None = None,
) -> OverviewPayload:
    """The data the overview component draws: one column per layer, the input first.

    Args:
        x: The model input (H, W, C) in [0, 1].
        layers: Every layer but the input, in order (``name``, ``kind``, ``keras_class``, ``output_shape``,
            ``inputs``: the names of the layers it reads).
        maps: Each layer's output for ``x`` (``backend.forward.feature_maps``).
        probabilities: The prediction (the last layer's output).
        class_names: The classes' names (numbers stand in for the rest).
        kernels: Conv layer name -> its kernel (kh, kw, in, out), shown when a map is hovered.
        selected: The (layer name, item) the person picked, drawn highlighted.

    Returns:
        The columns (``Column``: thumbnails or bars, each item's ``sources``), the picked item and how many
        thumbnails a column shows before "+k more".
    """
    inputs = _input_items(x)
    columns: list[Column] = [
        {
            "name": "input",
            "title": "input",
            "shape": format_shape(tuple(int(size) for size in np.shape(x))),
            "kind": "input",
            "total": int(np.shape(x)[2]),
            "reads": [],
            "sources": [[] for _ in inputs],
            "how": None,
            "items": inputs,
        }
    ]
    last = len(layers) - 1
    index = {layer.name: position + 1 for position, layer in enumerate(layers)}
    for position, layer in enumerate(layers):
        values = np.asarray(maps[layer.name])
        kind = traits(layer.kind)
        # The columns it reads (0 is the input): the one before it in a stack, any in a graph.
        reads = [index.get(source, 0) for source in layer.inputs] or [position]
        merge = len(layer.inputs) > 1
        column: Column = {
            "name": layer.name,
            "title": f"{layer.name} · {layer.keras_class}",
            "shape": format_shape(tuple(layer.output_shape)),
            "kind": "output" if position == last else layer.kind,
            "total": int(values.shape[-1]),
            "reads": reads,
            "sources": [],
            # The hover sentence: every item read, the one item stacked, a sum, or the items listed.
            "how": kind.links if kind.links in ("all", "stacked") else ("sum" if merge else "from"),
        }
        if merge:
            column["joined"] = getattr(kind, "joined", "joined")
        short = BLOCK_LAYER.match(layer.name)
        if short:  # "res1 add": a block's own layers, short enough for a narrow column
            column["label"] = f"{BLOCKS[short[1]].short}{short[2]} {short[3]}"
        if position == last:
            bars = np.asarray(probabilities, dtype=np.float64)
            column["bars"] = [round(float(value), 5) for value in bars]
            column["labels"] = class_labels(class_names, len(bars))
            column["scale"] = 1.0
        elif values.ndim == 3:
            column["items"], column["range"] = _map_items(layer.name, values)
            if kernels is not None and layer.name in kernels:
                column["kernels"] = _kernel_images(kernels[layer.name])
                column["kernel_shape"] = format_shape(tuple(int(size) for size in kernels[layer.name].shape[:3]))
        else:
            column["bars"], column["scale"] = _bars(values)
        read = [columns[where] for where in reads]
        column["sources"] = [item_sources(kind.links, item, read, reads) for item in range(shown_count(column))]
        columns.append(column)
    chosen = None
    if selected is not None:
        names = [column["name"] for column in columns]
        if selected[0] in names:
            chosen = {"column": names.index(selected[0]), "item": int(selected[1])}
    return {"columns": columns, "selected": chosen, "max_shown": MAX_SHOWN}
