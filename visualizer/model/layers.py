"""The layer registry: every layer type a person can add, declared once.

Each type is one frozen dataclass. Its fields are the layer's JSON keys (with
the editor's label, bounds and help in their metadata); its class attributes
say everything else the app needs about it: the JSON ``type``, the title, the
colour in every figure, the Keras class it becomes, the values a newly added
layer starts with, and how it changes the shape of the data. ``LAYERS`` maps
each ``type`` to its class. Adding a layer type is one new class here, added to
``LAYERS``, plus its tests: the spec, the shape planner, the builder, the
generated code, the editor, the diagrams and the uploaded-model allow-list all
read it from here.

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
    pair_to_json,
    whole_number,
)

Shape = tuple[int, ...]

ACTIVATIONS: tuple[str, ...] = tuple(_ACTIVATION_REGISTRY)
"""Activation names a person may choose for conv and dense layers (``model.activations.ACTIVATIONS``)."""

OUTPUT_ACTIVATION = "softmax"
"""The classifier head's activation; also accepted by ``Dense``."""

PADDINGS: tuple[str, ...] = ("valid", "same")

_WINDOW_HELP = "Height and width of the window, in pixels of this layer's input."


def _editor(widget: str, label: str, help_text: str = "", **settings: Any) -> dict[str, Any]:
    """A field's editor metadata: which widget edits it, its label and help, and the widget's settings.

    Widgets: ``count`` (a whole number from 1 to ``maximum``), ``pair`` (a size, square or
    [height, width]), ``pool_strides`` (a stride or "as window"), ``choice`` (one of ``options``)
    and ``rate`` (a fraction from 0 to 0.99). ``width`` is the field's share of the row (1 by default).
    """
    return {"editor": {"widget": widget, "label": label, "help": help_text, **settings}}


class Layer:
    """What every layer type shares: serialisation, the Keras arguments and the shape rules.

    Class attributes each type sets:
        type: The JSON ``type`` string, also the stem of its Keras layer names (``conv2d_1``).
        title: What the app calls it.
        colour: Its colour in every figure.
        keras_class: The ``keras.layers`` class it becomes.
        new: The keys a newly added layer gets (every required key included).
        required: Keys a layer dict must give (no default is assumed for them).
        positional: The Keras argument that generated code writes without its name.
        code_omits: Keras arguments generated code leaves out when they have these (default) values.
        random: ``"weights"`` for seeded kernel and bias initialisers, ``"mask"`` for a seeded dropout mask.
        reach: How the receptive field passes through it: ``"window"`` (it grows by the window),
            ``"whole"`` (from here each value sees the whole image) or ``"same"`` (unchanged).
        what: What it does, in a few words (the generated code's comment), for a type that says it the same
            way whatever its settings; the others override ``describe``.
    """

    type: ClassVar[str]
    title: ClassVar[str]
    colour: ClassVar[str]
    keras_class: ClassVar[str]
    new: ClassVar[dict[str, Any]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    positional: ClassVar[str | None] = None
    code_omits: ClassVar[dict[str, Any]] = {}
    random: ClassVar[str] = ""
    reach: ClassVar[str] = "same"
    what: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """Returns the layer as a JSON-safe dict with every key spelled out."""
        data: dict[str, Any] = {"type": self.type}
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            data[item.name] = pair_to_json(value) if isinstance(value, tuple) else value
        return data

    def keras_arguments(self) -> dict[str, Any]:
        """The ``keras.layers.<keras_class>`` arguments (without name and initialisers), in Keras' terms."""
        return {item.name: getattr(self, item.name) for item in fields(self)}  # type: ignore[arg-type]

    def describe(self) -> str:
        """What the layer does, in a few words (the generated code's comment)."""
        return self.what

    def window_and_step(self) -> tuple[Pair, Pair] | None:
        """The window and its step, for a layer whose ``reach`` is ``"window"``."""
        return None

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:
        """The output shape and parameter count of this layer applied to ``shape`` (one example).

        Args:
            shape: The input shape, without the batch axis.
            where: How error messages name the layer ("Layer 3 (conv2d)").
            index: The layer's position in the stack, for ``SpecError.layer_index``.

        Raises:
            SpecError: the layer cannot take this input; the message says how to fix it.
        """
        raise NotImplementedError

    @classmethod
    def field_names(cls) -> list[str]:
        """The layer's JSON keys besides ``type``."""
        return [item.name for item in fields(cls)]  # type: ignore[arg-type]

    @classmethod
    def example(cls) -> str:
        """A minimal JSON example of this layer, for messages."""
        keys = "".join(f', "{key}": {cls.new[key]!r}' for key in cls.required)
        return f'{{"type": "{cls.type}"{keys}}}'


def _map_input(shape: Shape, where: str, index: int | None, needs: str) -> tuple[int, int, int]:
    """The (height, width, channels) of a 3-D input; a flattened input is refused with a message."""
    if len(shape) != 3:
        raise SpecError(
            f"{where} comes after the map was flattened (it gets a vector of {shape[0]:,} values), but {needs}. "
            "Move it above the flatten or global pooling layer, or remove it.",
            index,
        )
    return shape  # type: ignore[return-value]


def _window_output(size: int, window: int, stride: int, padding: str) -> int:
    if padding == "same":
        return -(-size // stride)
    return (size - window) // stride + 1


def _windowed(
    shape: Shape, window: Pair, step: Pair, padding: str, noun: str, where: str, index: int | None
) -> tuple[int, int, int]:
    """Output (height, width) of a window sliding over a map, and its input channels."""
    height, width, channels = _map_input(shape, where, index, "it needs a 2-D map with channels")
    if padding == "valid" and (height < window[0] or width < window[1]):
        raise SpecError(
            f"{where} gets a {format_shape(shape)} map but its {format_pair(window)} {noun} needs at least "
            f"{format_pair(window)}: use a smaller {noun}, padding='same', or remove a layer above it that shrinks "
            "the map.",
            index,
        )
    return (
        _window_output(height, window[0], step[0], padding),
        _window_output(width, window[1], step[1], padding),
        channels,
    )


@dataclass(frozen=True)
class Conv2D(Layer):
    """A 2-D convolution: ``filters`` kernels slide over the map."""

    filters: int = field(
        metadata=_editor("count", "Filters", "How many kernels: each makes one feature map.", maximum=MAX_FILTERS)
    )
    kernel_size: Pair = field(default=(3, 3), metadata=_editor("pair", "Kernel", _WINDOW_HELP))
    strides: Pair = field(
        default=(1, 1), metadata=_editor("pair", "Stride", "How many pixels the kernel moves per step.")
    )
    padding: str = field(
        default="valid",
        metadata=_editor(
            "choice",
            "Padding",
            "'valid' shrinks the map by kernel - 1; 'same' pads with zeros to keep its size.",
            options=PADDINGS,
            width=1.2,
        ),
    )
    activation: str = field(
        default="relu",
        metadata=_editor("choice", "Activation", "Applied to every value.", options=ACTIVATIONS, width=1.4),
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
        out_h, out_w, channels = _windowed(shape, self.kernel_size, self.strides, self.padding, "kernel", where, index)
        params = (self.kernel_size[0] * self.kernel_size[1] * channels + 1) * self.filters
        return (out_h, out_w, self.filters), params


@dataclass(frozen=True)
class _Pooling(Layer):
    """Shared by max and average pooling: a window, its stride and padding."""

    pool_size: Pair = field(default=(2, 2), metadata=_editor("pair", "Window", _WINDOW_HELP))
    strides: Pair | None = field(
        default=None,
        metadata=_editor(
            "pool_strides", "Stride", "How far the window moves each step; 'as window' means windows do not overlap."
        ),
    )
    padding: str = field(
        default="valid",
        metadata=_editor(
            "choice",
            "Padding",
            "'valid' drops windows that would hang over the edge; 'same' keeps them.",
            options=PADDINGS,
        ),
    )

    code_omits: ClassVar[dict[str, Any]] = {"strides": None, "padding": "valid"}
    reach: ClassVar[str] = "window"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "pool_size", pair("pool_size", self.pool_size, 1, MAX_WINDOW, "Pooling windows are usually 2.")
        )
        if self.strides is not None:
            object.__setattr__(
                self,
                "strides",
                pair("strides", self.strides, 1, MAX_WINDOW, "Use null to step by the window size."),
            )
        choice("padding", self.padding, PADDINGS)

    @property
    def effective_strides(self) -> Pair:
        """The step of the window: ``strides``, or ``pool_size`` when unset."""
        return self.strides if self.strides is not None else self.pool_size

    def window_and_step(self) -> tuple[Pair, Pair]:
        """The pooling window and its step."""
        return self.pool_size, self.effective_strides

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:
        """Output map (same channels); pooling has no parameters."""
        out_h, out_w, channels = _windowed(
            shape, self.pool_size, self.effective_strides, self.padding, "window", where, index
        )
        return (out_h, out_w, channels), 0


@dataclass(frozen=True)
class MaxPool2D(_Pooling):
    """Max pooling: keeps the largest value of each window."""

    type: ClassVar[str] = "maxpool2d"
    title: ClassVar[str] = "Max pooling"
    colour: ClassVar[str] = "#f59e0b"
    keras_class: ClassVar[str] = "MaxPooling2D"
    what: ClassVar[str] = "Keep the largest value of each window"


@dataclass(frozen=True)
class AvgPool2D(_Pooling):
    """Average pooling: keeps the mean of each window."""

    type: ClassVar[str] = "avgpool2d"
    title: ClassVar[str] = "Average pooling"
    colour: ClassVar[str] = "#fbbf24"
    keras_class: ClassVar[str] = "AveragePooling2D"
    what: ClassVar[str] = "Keep the average of each window"


@dataclass(frozen=True)
class _GlobalPooling(Layer):
    """Shared by the global poolings: one number per channel of a map."""

    summary: ClassVar[str]
    """What it keeps of each channel, as a verb phrase ("averages each channel")."""
    reach: ClassVar[str] = "whole"

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:
        """One value per channel; no parameters."""
        if len(shape) != 3:
            raise SpecError(
                f"{where} comes after the map was flattened, but global pooling {self.summary} of a 2-D map. "
                "Move it above the flatten layer or remove it.",
                index,
            )
        return (shape[2],), 0


@dataclass(frozen=True)
class GlobalAvgPool2D(_GlobalPooling):
    """Averages each channel over the whole map: one number per channel."""

    type: ClassVar[str] = "globalavgpool2d"
    title: ClassVar[str] = "Global average pooling"
    colour: ClassVar[str] = "#d97706"
    keras_class: ClassVar[str] = "GlobalAveragePooling2D"
    summary: ClassVar[str] = "averages each channel"
    what: ClassVar[str] = "Average each channel over the whole map"


@dataclass(frozen=True)
class GlobalMaxPool2D(_GlobalPooling):
    """Keeps each channel's largest value over the whole map: one number per channel."""

    type: ClassVar[str] = "globalmaxpool2d"
    title: ClassVar[str] = "Global max pooling"
    colour: ClassVar[str] = "#b45309"
    keras_class: ClassVar[str] = "GlobalMaxPooling2D"
    summary: ClassVar[str] = "keeps the largest value of each channel"
    what: ClassVar[str] = "Keep each channel's largest value over the whole map"


@dataclass(frozen=True)
class Flatten(Layer):
    """Unrolls a map into a vector so dense layers can read it."""

    type: ClassVar[str] = "flatten"
    title: ClassVar[str] = "Flatten"
    colour: ClassVar[str] = "#a855f7"
    keras_class: ClassVar[str] = "Flatten"
    reach: ClassVar[str] = "whole"
    what: ClassVar[str] = "Unroll the map into a vector"

    def output(self, shape: Shape, where: str, index: int | None) -> tuple[Shape, int]:  # noqa: ARG002 - the shared signature
        """All values in one vector."""
        return (math.prod(shape),), 0


@dataclass(frozen=True)
class Dense(Layer):
    """A fully connected layer: every unit sees every input value."""

    units: int = field(metadata=_editor("count", "Units", maximum=MAX_UNITS))
    activation: str = field(
        default="relu", metadata=_editor("choice", "Activation", "Applied to every unit.", options=ACTIVATIONS)
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
        default=0.5, metadata=_editor("rate", "Rate", "Fraction of values set to zero at random while training.")
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
        default="relu", metadata=_editor("choice", "Activation", "Applied to every value.", options=ACTIVATIONS)
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
