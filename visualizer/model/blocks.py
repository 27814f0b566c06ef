"""Blocks: the places where a network stops being a plain stack.

A spec's ``layers`` may hold, anywhere a layer may, one of two blocks (not nested):

- ``{"type": "residual", "layers": [...], "shortcut": "identity" | "projection", "activation": "relu"}``:
  the inner layers applied in order, the block's input added to their output (Keras ``Add``), then the
  activation (``"linear"`` for none). A ``"projection"`` shortcut is a 1x1 convolution with a bias, no
  activation, as many filters as the inner output has channels and a stride equal to the inner layers'
  total stride.
- ``{"type": "branch", "branches": [[...], [...]], "merge": "concatenate" | "add"}``: every branch applied
  to the block's input; their outputs joined on the channel axis (``Concatenate``) or summed (``Add``).
  An empty branch passes the block's input on unchanged.

The merge layers (``Add``, ``Concatenate``) are layers the planner adds itself; a person never adds one
on its own. This module imports no TensorFlow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from visualizer.errors import SpecError
from visualizer.model.checks import MAX_LAYERS, choice, describe, format_shape
from visualizer.model.layer_base import Unknown
from visualizer.model.layers import ACTIVATIONS, LAYERS, Layer, LayerSpec, Shape, layer_from_dict

SHORTCUTS: tuple[str, ...] = ("identity", "projection")
MERGES: tuple[str, ...] = ("concatenate", "add")
MAX_BRANCHES = 4


class Merge(Layer):
    """A layer that joins several inputs into one (the end of a residual or branch block).

    Class attributes each merge sets besides a layer's:
        joining: How the Build page offers it ("adding them (add)").
        joined: How the overview heads its column ("⊕ sum").
    """

    joining: ClassVar[str]
    joined: ClassVar[str]

    def merge(self, shapes: list[Shape], where: str, index: int | None) -> tuple[Shape, int]:
        """The output shape and parameters of joining ``shapes``.

        Raises:
            SpecError: the shapes cannot be joined; the message says how to make them fit.
        """
        raise NotImplementedError

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:
        """A merge of one input is that input."""
        return self.merge([shape], where, index)


def _listed(shapes: list[Shape]) -> str:
    texts = [format_shape(shape) for shape in shapes]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


@dataclass(frozen=True)
class Add(Merge):
    """Adds its inputs value by value: they must have the same shape."""

    type: ClassVar[str] = "add"
    title: ClassVar[str] = "Add"
    colour: ClassVar[str] = "#e11d48"
    keras_class: ClassVar[str] = "Add"
    joining: ClassVar[str] = "adding them (add)"
    joined: ClassVar[str] = "⊕ sum"
    what: ClassVar[str] = "Add the inputs value by value"

    def merge(self, shapes: list[Shape], where: str, index: int | None) -> tuple[Shape, int]:
        """All shapes equal: that shape; no parameters."""
        if any(shape != shapes[0] for shape in shapes):
            raise SpecError(
                f"{where} adds {_listed(shapes)}, but adding needs equal shapes: give every branch the same "
                "filters and strides, or join them with merge 'concatenate'.",
                index,
            )
        return shapes[0], 0


@dataclass(frozen=True)
class Concatenate(Merge):
    """Stacks its inputs' channels: maps of one height and width (or vectors)."""

    type: ClassVar[str] = "concatenate"
    title: ClassVar[str] = "Concatenate"
    colour: ClassVar[str] = "#be185d"
    keras_class: ClassVar[str] = "Concatenate"
    joining: ClassVar[str] = "stacking their channels (concatenate)"
    joined: ClassVar[str] = "‖ stacked"
    links: ClassVar[str] = "stacked"
    what: ClassVar[str] = "Stack the inputs' channels"

    def merge(self, shapes: list[Shape], where: str, index: int | None) -> tuple[Shape, int]:
        """The shared height and width with the channels summed; no parameters."""
        ranks = {len(shape) for shape in shapes}
        if len(ranks) > 1 or any(shape[:-1] != shapes[0][:-1] for shape in shapes):
            raise SpecError(
                f"{where} joins {_listed(shapes)}, but concatenating needs maps of the same height and width "
                "(or all vectors): use padding='same' and the same strides in every branch.",
                index,
            )
        return (*shapes[0][:-1], sum(shape[-1] for shape in shapes)), 0


MERGE_LAYERS: dict[str, type[Merge]] = {cls.type: cls for cls in (Add, Concatenate)}
KINDS: dict[str, type[Layer]] = {**LAYERS, **MERGE_LAYERS}
"""Every kind of layer a network the app builds has: the layer types and the merges."""


def traits(kind: str) -> type[Layer] | type[Unknown]:
    """What the views may do with a layer of ``kind`` (``Layer.links``, ``walk``, ``kernel``...).

    A kind no registry type builds (``other``: an uploaded model's own layers) gets ``Unknown``'s answers.
    """
    return KINDS.get(kind, Unknown)


"""The merge layers by their ``type``, as a block's ``merge`` names them."""


def _inner_layers(raw: Any, where: str, key: str, index: int) -> tuple[LayerSpec, ...]:
    """A block's list of layer dicts as layers; a nested block or a non-list is refused."""
    if not isinstance(raw, list):
        raise SpecError(f"{where}: `{key}` must be a list of layer objects, received {describe(raw)}.", index)
    if len(raw) > MAX_LAYERS:  # refused before any layer is read: a hostile file cannot make us build a million
        raise SpecError(f"{where} has {len(raw)} layers, over the limit of {MAX_LAYERS}. Remove some layers.", index)
    layers = []
    for position, data in enumerate(raw):
        if _type_of(data) in BLOCKS:
            raise SpecError(
                f"{where}, layer {position + 1}: blocks cannot be nested. Put the inner block after this one.",
                index,
            )
        try:
            layers.append(layer_from_dict(data))
        except SpecError as error:
            raise SpecError(f"{where}, layer {position + 1}: {error.message}", index) from None
    return tuple(layers)


def _layer_tuple(value: Any, where: str) -> tuple[LayerSpec, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, tuple(LAYERS.values())) for item in value):
        raise SpecError(f"{where} must hold layers (blocks cannot be nested), received {describe(value)}.")
    return tuple(value)


@dataclass(frozen=True)
class Residual:
    """A residual block: inner layers, plus their input added back (the skip connection).

    Attributes:
        layers: The inner layers, applied in order (at least one).
        shortcut: ``identity`` (the input itself) or ``projection`` (a 1x1 convolution that matches
            the inner output's channels and stride).
        activation: Applied after the addition; ``linear`` for none.
    """

    layers: tuple[LayerSpec, ...]
    shortcut: str = "identity"
    activation: str = "relu"

    type: ClassVar[str] = "residual"
    short: ClassVar[str] = "res"
    parallel: ClassVar[bool] = False
    title: ClassVar[str] = "Residual block"
    colour: ClassVar[str] = "#e11d48"
    keys: ClassVar[tuple[str, ...]] = ("layers", "shortcut", "activation")
    new: ClassVar[dict[str, Any]] = {
        "layers": [
            {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same"},
            {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "linear"},
        ],
        "shortcut": "projection",
        "activation": "relu",
    }

    def __post_init__(self) -> None:
        layers = _layer_tuple(self.layers, "A residual block's `layers`")
        if not layers:
            raise SpecError(
                "A residual block needs at least one layer inside it, for example "
                '{"type": "residual", "layers": [{"type": "conv2d", "filters": 8, "padding": "same"}]}.'
            )
        object.__setattr__(self, "layers", layers)
        choice("shortcut", self.shortcut, SHORTCUTS)
        choice("activation", self.activation, ACTIVATIONS)

    @property
    def paths(self) -> tuple[tuple[LayerSpec, ...], ...]:
        """The block's layer lists (one for a residual block)."""
        return (self.layers,)

    @property
    def size(self) -> int:
        """How many layers a person put in it."""
        return len(self.layers)

    def to_dict(self) -> dict[str, Any]:
        """The block as a JSON-safe dict with every key spelled out."""
        return {
            "type": self.type,
            "layers": [layer.to_dict() for layer in self.layers],
            "shortcut": self.shortcut,
            "activation": self.activation,
        }

    def replace_paths(self, paths: tuple[tuple[LayerSpec, ...], ...]) -> Residual:
        """A copy with other inner layers."""
        return Residual(paths[0], self.shortcut, self.activation)

    @classmethod
    def from_dict(cls, data: dict[str, Any], index: int) -> Residual:
        """The block of a dict with ``layers`` and optionally ``shortcut`` and ``activation``."""
        where = f"Block {index + 1} (residual)"
        layers = _inner_layers(data.get("layers"), where, "layers", index)
        try:
            return cls(layers, data.get("shortcut", "identity"), data.get("activation", "relu"))
        except SpecError as error:
            raise SpecError(f"{where}: {error.message}", index) from None


@dataclass(frozen=True)
class Branch:
    """Parallel branches from one input, joined by concatenation or addition (an Inception-style block).

    Attributes:
        branches: Two to ``MAX_BRANCHES`` lists of layers; an empty one passes the input on.
        merge: ``concatenate`` (stack the channels) or ``add`` (sum value by value).
    """

    branches: tuple[tuple[LayerSpec, ...], ...]
    merge: str = "concatenate"

    type: ClassVar[str] = "branch"
    short: ClassVar[str] = "br"
    parallel: ClassVar[bool] = True
    title: ClassVar[str] = "Branch block"
    colour: ClassVar[str] = "#be185d"
    keys: ClassVar[tuple[str, ...]] = ("branches", "merge")
    new: ClassVar[dict[str, Any]] = {
        "branches": [
            [{"type": "conv2d", "filters": 4, "kernel_size": 1, "padding": "same"}],
            [{"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same"}],
        ],
        "merge": "concatenate",
    }

    def __post_init__(self) -> None:
        branches = self.branches
        if not isinstance(branches, (list, tuple)) or not 2 <= len(branches) <= MAX_BRANCHES:
            raise SpecError(
                f"A branch block needs from 2 to {MAX_BRANCHES} branches, received {describe(branches)}. "
                "Each branch is a list of layers; an empty list passes the input on."
            )
        object.__setattr__(
            self,
            "branches",
            tuple(_layer_tuple(path, f"Branch {number}") for number, path in enumerate(branches, start=1)),
        )
        choice("merge", self.merge, MERGES)

    @property
    def paths(self) -> tuple[tuple[LayerSpec, ...], ...]:
        """The block's layer lists, one per branch."""
        return self.branches

    @property
    def size(self) -> int:
        """How many layers a person put in it."""
        return sum(len(path) for path in self.branches)

    def to_dict(self) -> dict[str, Any]:
        """The block as a JSON-safe dict with every key spelled out."""
        return {
            "type": self.type,
            "branches": [[layer.to_dict() for layer in path] for path in self.branches],
            "merge": self.merge,
        }

    def replace_paths(self, paths: tuple[tuple[LayerSpec, ...], ...]) -> Branch:
        """A copy with other branches."""
        return Branch(paths, self.merge)

    @classmethod
    def from_dict(cls, data: dict[str, Any], index: int) -> Branch:
        """The block of a dict with ``branches`` and optionally ``merge``."""
        where = f"Block {index + 1} (branch)"
        raw = data.get("branches")
        if not isinstance(raw, list):
            raise SpecError(
                f"{where}: `branches` must be a list of layer lists, received {describe(raw)}, for example "
                '[[{"type": "conv2d", "filters": 4, "kernel_size": 1}], []].',
                index,
            )
        if not 2 <= len(raw) <= MAX_BRANCHES:
            raise SpecError(
                f"{where} has {len(raw)} branches: a branch block needs from 2 to {MAX_BRANCHES}. "
                "An empty list is a branch that passes the input on.",
                index,
            )
        paths = tuple(
            _inner_layers(path, f"{where}, branch {number}", "branch", index)
            for number, path in enumerate(raw, start=1)
        )
        try:
            return cls(paths, data.get("merge", "concatenate"))
        except SpecError as error:
            raise SpecError(f"{where}: {error.message}", index) from None


Block = Residual | Branch
BLOCKS: dict[str, type[Residual] | type[Branch]] = {cls.type: cls for cls in (Residual, Branch)}
"""Every block type by its JSON ``type`` string (``short``: its few letters in narrow places; ``parallel``: its
paths stand side by side, rather than one path beside the skip)."""

BLOCK_LAYER = re.compile(rf"^({'|'.join(BLOCKS)})_(\d+)_(\w+)$")
"""A block's own layer's name (``residual_1_add``): the block type, its number, the layer's part."""


def block_type(block_name: str) -> type[Residual] | type[Branch]:
    """The type of the block called ``block_name`` (``residual_1`` -> ``Residual``).

    Raises:
        KeyError: not a block's name.
    """
    return BLOCKS[block_name.rsplit("_", 1)[0]]


Item = LayerSpec | Block
"""What a spec's ``layers`` holds: a layer or a block."""


def _type_of(data: Any) -> str | None:
    """The ``type`` string of a layer or block dict, or ``None``."""
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def item_from_dict(data: Any, index: int) -> Item:
    """One entry of a spec's ``layers``: a block, or a layer (``layers.layer_from_dict``).

    Raises:
        SpecError: anything malformed, with ``layer_index`` set to ``index``.
    """
    kind = _type_of(data)
    if kind in BLOCKS:
        cls = BLOCKS[kind]
        unknown = [key for key in data if key != "type" and key not in cls.keys]
        if unknown:
            allowed = ", ".join(f"`{key}`" for key in cls.keys)
            raise SpecError(
                f"Block {index + 1} ({cls.type}) has an unknown key `{unknown[0]}`: a {cls.type} block takes "
                f"{allowed}. Remove `{unknown[0]}` or check its spelling.",
                index,
            )
        return cls.from_dict(data, index)
    if isinstance(data, dict) and kind not in LAYERS:
        known = ", ".join(f'"{name}"' for name in (*LAYERS, *BLOCKS))
        raise SpecError(
            f"Layer {index + 1} has an unknown type {describe(data.get('type'))}: expected one of {known}. "
            "Set its `type` to one of those.",
            index,
        )
    return layer_from_dict(data, index)


def split_paths(data: dict[str, Any]) -> tuple[dict[str, Any], list[list[Any]]]:
    """A block's JSON form as (its own settings, its lists of inner layers): the one residual list, or each branch."""
    settings = dict(data)
    if settings["type"] == Residual.type:
        return settings, [settings.pop("layers", [])]
    return settings, list(settings.pop("branches", []))


def join_paths(settings: dict[str, Any], paths: list[list[Any]]) -> dict[str, Any]:
    """The inverse of ``split_paths``: a block's JSON form from its settings and its lists of inner layers."""
    if settings["type"] == Residual.type:
        return {**settings, "layers": paths[0]}
    return {**settings, "branches": paths}


def new_block(block_type: str) -> dict[str, Any]:
    """The JSON form of a newly added block of ``block_type``, every key spelled out."""
    return item_from_dict({"type": block_type, **BLOCKS[block_type].new}, 0).to_dict()


def is_block(item: Any) -> bool:
    """Whether a spec entry is a block (rather than a single layer)."""
    return isinstance(item, (Residual, Branch))
