"""The architecture spec: what a person builds, as plain immutable data.

A ``ModelSpec`` is an input shape, a number of classes and a stack of layers,
one frozen dataclass per layer type; residual and branch blocks
(``visualizer.model.blocks``) may stand anywhere a layer may. It round-trips through JSON-safe dicts::

    {"input_shape": [28, 28, 1], "num_classes": 10,
     "layers": [{"type": "conv2d", "filters": 8, "kernel_size": 3},
                {"type": "maxpool2d"}, {"type": "flatten"},
                {"type": "dense", "units": 64}]}

Each layer is one of the registry's dataclasses (``visualizer.model.layers``).
Values are checked when a layer is constructed (as Keras does); whether the
layers fit together (shapes) is checked by ``visualizer.model.plan.summarize``.
The classifier head (``Flatten`` if needed, then ``Dense(num_classes,
softmax)``) is never part of ``layers``: it is appended when the model is
summarised or built. This module imports no TensorFlow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from visualizer.errors import SpecError
from visualizer.model.blocks import Item, is_block, item_from_dict
from visualizer.model.checks import MAX_CHANNELS, MAX_CLASSES, MAX_INPUT_SIDE, MAX_LAYERS, describe, whole_number
from visualizer.model.layers import LAYERS


@dataclass(frozen=True)
class ModelSpec:
    """A whole architecture: input shape, number of classes and the layer stack.

    Attributes:
        input_shape: ``(height, width, channels)`` of one input image.
        num_classes: How many classes the softmax head predicts (at least 2).
        layers: The person's layers, in order; the head is not included.
    """

    input_shape: tuple[int, int, int]
    num_classes: int
    layers: tuple[Item, ...] = ()

    def __post_init__(self) -> None:
        shape = self.input_shape
        if not isinstance(shape, (list, tuple)) or len(shape) != 3:
            raise SpecError(
                f"Invalid input_shape {describe(shape)}: expected [height, width, channels], "
                "for example [28, 28, 1] for grayscale or [64, 64, 3] for colour images."
            )
        hint = "Use [height, width, channels], e.g. [28, 28, 1]."
        height = whole_number("input_shape height", shape[0], 1, MAX_INPUT_SIDE, hint)
        width = whole_number("input_shape width", shape[1], 1, MAX_INPUT_SIDE, hint)
        channels = whole_number("input_shape channels", shape[2], 1, MAX_CHANNELS, "Use 1 for grayscale or 3 for RGB.")
        object.__setattr__(self, "input_shape", (height, width, channels))
        whole_number("num_classes", self.num_classes, 2, MAX_CLASSES, "A classifier needs at least 2 classes.")
        layers = self.layers
        if not isinstance(layers, (list, tuple)):
            raise SpecError(f"Invalid layers {describe(layers)}: expected a list of layers.")
        for index, layer in enumerate(layers):
            if not isinstance(layer, tuple(LAYERS.values())) and not is_block(layer):
                raise SpecError(f"Layer {index + 1} is not a layer: {describe(layer)}.", index)
        count = sum(layer.size if is_block(layer) else 1 for layer in layers)
        if count > MAX_LAYERS:
            raise SpecError(f"This network has {count} layers, over the limit of {MAX_LAYERS}. Remove some layers.")
        object.__setattr__(self, "layers", tuple(layers))

    @classmethod
    def from_dict(cls, data: Any) -> ModelSpec:
        """Builds a spec from its JSON-safe dict form.

        Raises:
            SpecError: for anything malformed, with ``layer_index`` set when
                one layer is at fault.
        """
        if not isinstance(data, dict):
            raise SpecError(
                f"A model spec must be an object with input_shape, num_classes and layers; received {describe(data)}."
            )
        unknown = [key for key in data if key not in ("input_shape", "num_classes", "layers")]
        if unknown:
            raise SpecError(
                f"Unknown key `{unknown[0]}` in the model spec: expected input_shape, "
                "num_classes and layers. Remove it or check its spelling."
            )
        for key in ("input_shape", "num_classes"):
            if key not in data:
                raise SpecError(
                    f"The model spec has no `{key}`. Add it, e.g. "
                    '{"input_shape": [28, 28, 1], "num_classes": 10, "layers": [...]}.'
                )
        raw_layers = data.get("layers", [])
        if not isinstance(raw_layers, list):
            raise SpecError(f"`layers` must be a list of layer objects, received {describe(raw_layers)}.")
        if len(raw_layers) > MAX_LAYERS:
            raise SpecError(
                f"This stack has {len(raw_layers)} layers, over the limit of {MAX_LAYERS}. Remove some layers."
            )
        layers = tuple(item_from_dict(layer, index) for index, layer in enumerate(raw_layers))
        return cls(input_shape=data["input_shape"], num_classes=data["num_classes"], layers=layers)

    def to_dict(self) -> dict[str, Any]:
        """Returns the spec as a JSON-safe dict; ``from_dict`` gives it back equal."""
        return {
            "input_shape": list(self.input_shape),
            "num_classes": self.num_classes,
            "layers": [layer.to_dict() for layer in self.layers],
        }

    @classmethod
    def from_json(cls, text: str | bytes) -> ModelSpec:
        """Parses JSON text into a spec; malformed text is a ``SpecError``."""
        try:
            data = json.loads(text)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise SpecError(
                f"This is not valid JSON ({error}). A spec file looks like "
                '{"input_shape": [28, 28, 1], "num_classes": 10, "layers": [...]}.'
            ) from None
        return cls.from_dict(data)

    def to_json(self, indent: int | None = 2) -> str:
        """Serialises the spec to JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    def adapted_to(self, input_shape: tuple[int, int, int], num_classes: int) -> ModelSpec:
        """Returns a copy that takes ``input_shape`` images and predicts ``num_classes`` classes."""
        return ModelSpec(tuple(input_shape), num_classes, self.layers)  # type: ignore[arg-type]

    def replace_layers(self, layers: tuple[Item, ...] | list[Item]) -> ModelSpec:
        """Returns a copy with another layer stack."""
        return ModelSpec(self.input_shape, self.num_classes, tuple(layers))

    @property
    def is_graph(self) -> bool:
        """Whether it has a block (a skip connection or branches), so it is built as a graph, not a stack."""
        return any(is_block(layer) for layer in self.layers)
