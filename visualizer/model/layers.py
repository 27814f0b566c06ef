"""The layer registry: every layer type a person can add, declared once.

Each type is one frozen dataclass (the base, ``layer_base.Layer``, says what they
share; the pooling types are in ``pooling_layers``). Its fields are the layer's JSON
keys (with the editor's label, bounds and help in their metadata); its class
attributes say everything else the app needs about it: the JSON ``type``, the
title, the colour in every figure, the Keras class it becomes, the values a newly
added layer starts with, how it changes the shape of the data, and what the views
do with it (``links``, ``walk``, ``kernel``, ``features``...). ``LAYERS`` maps each
``type`` to its class; ``blocks.traits(kind)`` answers for any kind a built network can have.
Adding a layer type is one new class here, added to ``LAYERS``, plus its tests: the
spec, the shape planner, the builder, the generated code, the editor, the diagrams,
the views and the uploaded-model allow-list all read it from here.

This module imports no TensorFlow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from visualizer.errors import SpecError
from visualizer.model.activations import ACTIVATIONS as _ACTIVATION_REGISTRY
from visualizer.model.checks import (
    MAX_FILTERS,
    MAX_UNITS,
    MAX_WINDOW,
    Pair,
    choice,
    counted,
    describe,
    format_pair,
    format_shape,
    pair,
    whole_number,
)
from visualizer.model.layer_base import WINDOW_HELP, Layer, Shape, editor, windowed
from visualizer.model.pooling_layers import PADDINGS, AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D

ACTIVATIONS: tuple[str, ...] = tuple(_ACTIVATION_REGISTRY)
"""Activation names a person may choose for conv and dense layers (``model.activations.ACTIVATIONS``)."""

OUTPUT_ACTIVATION = "softmax"
"""The classifier head's activation; also accepted by ``Dense``."""


@dataclass(frozen=True)
class Conv2D(Layer):
    """A 2-D convolution: ``filters`` kernels slide over the map."""

    filters: int = field(
        metadata=editor("count", "Filters", "How many kernels: each makes one feature map.", maximum=MAX_FILTERS)
    )
    kernel_size: Pair = field(default=(3, 3), metadata=editor("pair", "Kernel", WINDOW_HELP))
    strides: Pair = field(
        default=(1, 1), metadata=editor("pair", "Stride", "How many pixels the kernel moves per step.")
    )
    padding: str = field(
        default="valid",
        metadata=editor(
            "choice",
            "Padding",
            "'valid' shrinks the map by kernel - 1; 'same' pads with zeros to keep its size.",
            options=PADDINGS,
            width=1.2,
        ),
    )
    activation: str = field(
        default="relu",
        metadata=editor("choice", "Activation", "Applied to every value.", options=ACTIVATIONS, width=1.4),
    )

    type: ClassVar[str] = "conv2d"
    title: ClassVar[str] = "Convolution"
    colour: ClassVar[str] = "#3b82f6"
    keras_class: ClassVar[str] = "Conv2D"
    new: ClassVar[dict[str, Any]] = {"filters": 8, "kernel_size": 3}
    required: ClassVar[tuple[str, ...]] = ("filters",)
    positional: ClassVar[str | None] = "filters"
    code_omits: ClassVar[dict[str, Any]] = {"strides": (1, 1), "padding": "valid"}
    random: ClassVar[str] = "weights"
    reach: ClassVar[str] = "window"
    links: ClassVar[str] = "all"
    walk: ClassVar[str | None] = "convolution"
    kernel: ClassVar[bool] = True
    weighted: ClassVar[bool] = True

    def __post_init__(self) -> None:
        whole_number("filters", self.filters, 1, MAX_FILTERS, "Use a positive number of filters such as 8.")
        object.__setattr__(
            self, "kernel_size", pair("kernel_size", self.kernel_size, 1, MAX_WINDOW, "Kernels are usually 3 or 5.")
        )
        object.__setattr__(
            self,
            "strides",
            pair("strides", self.strides, 1, MAX_WINDOW, "A stride of 1 moves the kernel one pixel at a time."),
        )
        choice("padding", self.padding, PADDINGS)
        choice("activation", self.activation, ACTIVATIONS)

    def describe(self) -> str:
        """What the layer does, in a few words."""
        return f"{counted(self.filters, 'filter')} of {format_pair(self.kernel_size)}"

    def window_and_step(self) -> tuple[Pair, Pair]:
        """The kernel and its stride."""
        return self.kernel_size, self.strides

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:
        """Output map and (kernel + bias) parameters."""
        out_h, out_w, channels = windowed(shape, self.kernel_size, self.strides, self.padding, "kernel", where, index)
        params = (self.kernel_size[0] * self.kernel_size[1] * channels + 1) * self.filters
        return (out_h, out_w, self.filters), params


@dataclass(frozen=True)
class Flatten(Layer):
    """Unrolls a map into a vector so dense layers can read it."""

    type: ClassVar[str] = "flatten"
    title: ClassVar[str] = "Flatten"
    colour: ClassVar[str] = "#a855f7"
    keras_class: ClassVar[str] = "Flatten"
    reach: ClassVar[str] = "whole"
    links: ClassVar[str] = "channel"
    features: ClassVar[bool] = True
    what: ClassVar[str] = "Unroll the map into a vector"

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:  # noqa: ARG002 - the shared signature
        """All values in one vector."""
        return (math.prod(shape),), 0


@dataclass(frozen=True)
class Dense(Layer):
    """A fully connected layer: every unit sees every input value."""

    units: int = field(metadata=editor("count", "Units", maximum=MAX_UNITS))
    activation: str = field(
        default="relu", metadata=editor("choice", "Activation", "Applied to every unit.", options=ACTIVATIONS)
    )

    type: ClassVar[str] = "dense"
    title: ClassVar[str] = "Dense"
    colour: ClassVar[str] = "#10b981"
    keras_class: ClassVar[str] = "Dense"
    new: ClassVar[dict[str, Any]] = {"units": 64}
    required: ClassVar[tuple[str, ...]] = ("units",)
    positional: ClassVar[str | None] = "units"
    random: ClassVar[str] = "weights"
    reach: ClassVar[str] = "whole"
    links: ClassVar[str] = "all"
    weighted: ClassVar[bool] = True
    features: ClassVar[bool] = True
    scores: ClassVar[bool] = True

    def __post_init__(self) -> None:
        whole_number("units", self.units, 1, MAX_UNITS, "Use a positive number of units such as 64.")
        choice("activation", self.activation, (*ACTIVATIONS, OUTPUT_ACTIVATION))

    def describe(self) -> str:
        """What the layer does, in a few words."""
        return f"{counted(self.units, 'fully connected unit')}"

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:
        """A vector of ``units``; (inputs + 1) x units parameters."""
        if len(shape) != 1:
            raise SpecError(
                f"{where} gets a {format_shape(shape)} map, but a dense layer needs a vector: add a flatten or "
                "globalavgpool2d layer before it.",
                index,
            )
        return (self.units,), (shape[0] + 1) * self.units


@dataclass(frozen=True)
class Dropout(Layer):
    """Randomly zeroes a fraction ``rate`` of values while training."""

    rate: float = field(
        default=0.5, metadata=editor("rate", "Rate", "Fraction of values set to zero at random while training.")
    )

    type: ClassVar[str] = "dropout"
    title: ClassVar[str] = "Dropout"
    colour: ClassVar[str] = "#6b7280"
    keras_class: ClassVar[str] = "Dropout"
    new: ClassVar[dict[str, Any]] = {"rate": 0.5}
    required: ClassVar[tuple[str, ...]] = ("rate",)
    positional: ClassVar[str | None] = "rate"
    random: ClassVar[str] = "mask"

    def __post_init__(self) -> None:
        rate = self.rate
        valid_number = isinstance(rate, (int, float)) and not isinstance(rate, bool)
        if not valid_number or not math.isfinite(rate) or not 0 <= rate < 1:
            raise SpecError(
                f"Invalid value for `rate`: expected a number from 0 up to (not including) 1, "
                f"received {describe(rate)}. A rate of 0.5 drops half the values while training."
            )
        object.__setattr__(self, "rate", float(rate))

    def describe(self) -> str:
        """What the layer does, in a few words."""
        return f"While training, zero {self.rate:.0%} of the values at random"

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:  # noqa: ARG002 - the shared signature
        """The same shape; no parameters."""
        return shape, 0


@dataclass(frozen=True)
class BatchNorm(Layer):
    """Normalises each channel to zero mean and unit variance, then rescales."""

    type: ClassVar[str] = "batchnorm"
    title: ClassVar[str] = "Batch normalisation"
    colour: ClassVar[str] = "#14b8a6"
    keras_class: ClassVar[str] = "BatchNormalization"
    what: ClassVar[str] = "Normalise each channel"

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:  # noqa: ARG002 - the shared signature
        """The same shape; gamma, beta, moving mean and moving variance per channel."""
        return shape, 4 * shape[-1]


@dataclass(frozen=True)
class Activation(Layer):
    """An activation function as a layer of its own (conv -> batchnorm -> activation, as in ResNet)."""

    activation: str = field(
        default="relu", metadata=editor("choice", "Activation", "Applied to every value.", options=ACTIVATIONS)
    )

    type: ClassVar[str] = "activation"
    title: ClassVar[str] = "Activation"
    colour: ClassVar[str] = "#ec4899"
    keras_class: ClassVar[str] = "Activation"
    new: ClassVar[dict[str, Any]] = {"activation": "relu"}
    positional: ClassVar[str | None] = "activation"

    def __post_init__(self) -> None:
        choice("activation", self.activation, ACTIVATIONS)

    def describe(self) -> str:
        """What the layer does, in a few words."""
        return f"Apply {_ACTIVATION_REGISTRY[self.activation].title} to every value"

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:  # noqa: ARG002 - the shared signature
        """The same shape; no parameters."""
        return shape, 0


LayerSpec = (
    Conv2D
    | MaxPool2D
    | AvgPool2D
    | GlobalAvgPool2D
    | GlobalMaxPool2D
    | Flatten
    | Dense
    | Dropout
    | BatchNorm
    | Activation
)

LAYERS: dict[str, type[Layer]] = {
    cls.type: cls
    for cls in (
        Conv2D,
        MaxPool2D,
        AvgPool2D,
        GlobalAvgPool2D,
        GlobalMaxPool2D,
        Flatten,
        Dense,
        Dropout,
        BatchNorm,
        Activation,
    )
}
"""Every layer type by its JSON ``type`` string, in the order the app offers them."""


def editor_fields(layer_type: str) -> list[tuple[str, dict[str, Any]]]:
    """``(key, editor metadata)`` for each field of a layer type a person can edit, in order."""
    return [
        (item.name, item.metadata["editor"])
        for item in fields(LAYERS[layer_type])  # type: ignore[arg-type]
        if "editor" in item.metadata
    ]


def layer_from_dict(data: Any, index: int | None = None) -> LayerSpec:
    """Builds one layer from its dict form.

    Args:
        data: A dict with a ``type`` key and that type's keys.
        index: The layer's position in the stack, used in error messages.

    Returns:
        The layer dataclass.

    Raises:
        SpecError: unknown type or key, a missing key, or an invalid value.
    """
    where = "This layer" if index is None else f"Layer {index + 1}"
    if not isinstance(data, dict):
        raise SpecError(
            f"{where} is {describe(data)}, but each layer must be an object such as "
            '{"type": "conv2d", "filters": 8}.',
            index,
        )
    layer_type = data.get("type")
    if not isinstance(layer_type, str) or layer_type not in LAYERS:
        known = ", ".join(f'"{name}"' for name in LAYERS)
        raise SpecError(
            f"{where} has an unknown type {describe(layer_type)}: expected one of {known}. "
            "Set its `type` to one of those.",
            index,
        )
    cls = LAYERS[layer_type]
    allowed = cls.field_names()
    unknown = [key for key in data if key != "type" and key not in allowed]
    if unknown:
        allowed_text = ", ".join(f"`{key}`" for key in allowed) or "no other keys"
        raise SpecError(
            f"{where} ({layer_type}) has an unknown key `{unknown[0]}`: a {layer_type} layer "
            f"takes {allowed_text}. Remove `{unknown[0]}` or check its spelling.",
            index,
        )
    missing = [key for key in cls.required if key not in data]
    if missing:
        raise SpecError(
            f"{where} ({layer_type}) has no `{missing[0]}`: a {layer_type} layer needs it. "
            f"Add `{missing[0]}`, for example {cls.example()}.",
            index,
        )
    kwargs = {key: value for key, value in data.items() if key != "type"}
    try:
        return cls(**kwargs)  # type: ignore[return-value]
    except SpecError as error:
        raise SpecError(f"{where} ({layer_type}): {error.message}", index) from None


def new_layer(layer_type: str) -> dict[str, Any]:
    """The JSON form of a newly added layer of ``layer_type``, every key spelled out."""
    return layer_from_dict({"type": layer_type, **LAYERS[layer_type].new}).to_dict()
