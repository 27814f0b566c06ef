"""The network a person is editing on the Build page, as plain data: no Streamlit, tested on its own.

An ``EditableStack`` holds the input shape, the number of classes and the layers as entries
``{"uid": int, "layer": dict}``: the layer in its JSON form plus a stable id that names its
widgets, so moving a layer keeps its controls. A block's entry is ``{"uid", "layer": its
settings without the inner layers, "paths": [[entry...]...]}``: every inner layer has its own
uid too. Loading a whole spec (a preset, a file, a shared URL) gives every layer a fresh id, so
its widgets start from the new values. ``ui/session.py`` keeps one per session.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from visualizer.errors import SpecError
from visualizer.model.blocks import BLOCKS, MAX_BRANCHES, join_paths, new_block, split_paths
from visualizer.model.layers import new_layer
from visualizer.model.spec import ModelSpec

Entry = dict[str, Any]
"""One layer or block of the stack: ``{"uid", "layer"}``, and ``"paths"`` for a block."""


@dataclass
class EditableStack:
    """The stack being edited: its settings, its entries in order and the next free uid.

    Attributes:
        input_shape: ``[height, width, channels]``.
        num_classes: The number of classes.
        entries: The layers and blocks, in order (edited in place).
        next_uid: The uid the next new entry gets (uids are never reused, so widgets never mix).
    """

    input_shape: list[int] = field(default_factory=lambda: [28, 28, 1])
    num_classes: int = 10
    entries: list[Entry] = field(default_factory=list)
    next_uid: int = 0

    def load(self, spec: ModelSpec) -> None:
        """Replaces the settings and every layer with ``spec``'s, each layer with a fresh uid."""
        self.input_shape = list(spec.input_shape)
        self.num_classes = spec.num_classes
        self.entries = [self.new_entry(layer.to_dict()) for layer in spec.layers]

    def copy(self) -> EditableStack:
        """An independent copy (to bring back after a replacement)."""
        return copy.deepcopy(self)

    def new_entry(self, layer: dict[str, Any]) -> Entry:
        """Wraps a layer dict with a fresh uid; a block's inner layers become entries of their own, per path."""
        uid = self.next_uid
        self.next_uid += 1
        if layer.get("type") not in BLOCKS:
            return {"uid": uid, "layer": dict(layer)}
        settings, paths = split_paths(layer)
        return {"uid": uid, "layer": settings, "paths": [[self.new_entry(inner) for inner in path] for path in paths]}

    def to_dict(self) -> dict[str, Any]:
        """The stack in the JSON form of ``ModelSpec.from_dict``."""
        return {
            "input_shape": list(self.input_shape),
            "num_classes": self.num_classes,
            "layers": [entry_dict(entry) for entry in self.entries],
        }

    def to_json(self) -> str:
        """The stack as compact JSON, as put in a shareable URL."""
        return json.dumps(self.to_dict(), separators=(",", ":"))

    def to_spec(self) -> tuple[ModelSpec | None, SpecError | None]:
        """The stack as a ``ModelSpec``, or the error that prevents it."""
        try:
            return ModelSpec.from_dict(self.to_dict()), None
        except SpecError as error:
            return None, error

    def _holder(self, uid: int) -> tuple[list[Entry], int]:
        """The list that holds the entry with this uid (the stack or a block's path) and its position there."""
        lists = [self.entries] + [path for entry in self.entries for path in entry.get("paths", [])]
        for entries in lists:
            for position, entry in enumerate(entries):
                if entry["uid"] == uid:
                    return entries, position
        raise KeyError(uid)

    def find(self, uid: int) -> Entry:
        """The entry (layer or block, at the top or inside a block) with this uid.

        Raises:
            KeyError: no entry has this uid.
        """
        entries, position = self._holder(uid)
        return entries[position]

    def add_layer(self, layer_type: str) -> None:
        """Appends a new layer (or block) of ``layer_type`` with its default settings."""
        self.entries.append(self.new_entry(new_block(layer_type) if layer_type in BLOCKS else new_layer(layer_type)))

    def add_inner_layer(self, uid: int, path: int, layer_type: str) -> None:
        """Appends a new layer of ``layer_type`` to path ``path`` of the block with this uid."""
        self.find(uid)["paths"][path].append(self.new_entry(new_layer(layer_type)))

    def add_branch(self, uid: int) -> None:
        """Adds an empty branch (the input passed on) to the branch block with this uid, up to the limit."""
        paths = self.find(uid)["paths"]
        if len(paths) < MAX_BRANCHES:
            paths.append([])

    def remove_branch(self, uid: int, path: int) -> None:
        """Removes branch ``path`` of the branch block with this uid, keeping at least two."""
        paths = self.find(uid)["paths"]
        if len(paths) > 2:
            del paths[path]

    def remove_layer(self, uid: int) -> None:
        """Removes the layer (or block) with this uid."""
        entries, position = self._holder(uid)
        del entries[position]

    def duplicate_layer(self, uid: int) -> None:
        """Inserts a copy of the layer (or block) with this uid right below it, with fresh uids."""
        entries, position = self._holder(uid)
        entries.insert(position + 1, self.new_entry(copy.deepcopy(entry_dict(entries[position]))))

    def move_layer(self, uid: int, offset: int) -> None:
        """Moves the layer with this uid up (-1) or down (+1) within its stack or path, if it can."""
        entries, position = self._holder(uid)
        target = position + offset
        if 0 <= target < len(entries):
            entries[position], entries[target] = entries[target], entries[position]


def entry_dict(entry: Entry) -> dict[str, Any]:
    """An entry back in the spec's JSON form (a block with its inner layers)."""
    if "paths" not in entry:
        return entry["layer"]
    return join_paths(entry["layer"], [[inner["layer"] for inner in path] for path in entry["paths"]])
