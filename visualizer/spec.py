"""The architecture spec: what a person builds, as plain immutable data.

A ``ModelSpec`` is an input shape, a number of classes and a stack of layers,
one frozen dataclass per layer type. It round-trips through JSON-safe dicts::

    {"input_shape": [28, 28, 1], "num_classes": 10,
     "layers": [{"type": "conv2d", "filters": 8, "kernel_size": 3},
                {"type": "maxpool2d"}, {"type": "flatten"},
                {"type": "dense", "units": 64}]}

Values are checked when a layer is constructed (as Keras does); whether the
layers fit together (shapes) is checked by ``visualizer.shapes.summarize``.
The classifier head (``Flatten`` if needed, then ``Dense(num_classes,
softmax)``) is never part of ``layers``: it is appended when the model is
summarised or built. This module imports no TensorFlow.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from visualizer.errors import SpecError

ACTIVATIONS: tuple[str, ...] = (
    "linear",
    "relu",
    "sigmoid",
    "tanh",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "swish",
    "softplus",
)
"""Activation names a person may choose for conv and dense layers."""

OUTPUT_ACTIVATION = "softmax"
"""The classifier head's activation; also accepted by ``Dense``."""

PADDINGS: tuple[str, ...] = ("valid", "same")

# Size limits: they keep one classroom machine responsive. Keras itself would
# accept larger models; these are the app's policy and every refusal names them.
MAX_INPUT_SIDE = 256
MAX_CHANNELS = 4
MAX_LAYERS = 40
MAX_FILTERS = 1024
MAX_UNITS = 4096
MAX_WINDOW = 32
MAX_CLASSES = 1000
MAX_PARAMS = 5_000_000
MAX_MAP_VALUES = 4_194_304

Pair = tuple[int, int]


def _describe(value: Any) -> str:
    """A short, readable rendering of a received value for error messages."""
    text = json.dumps(value) if _is_jsonable(value) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_jsonable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _whole_number(name: str, value: Any, minimum: int, maximum: int, hint: str) -> int:
    """Checks that ``value`` is an int in [minimum, maximum] (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(
            f"Invalid value for `{name}`: expected a whole number from {minimum} to "
            f"{maximum}, received {_describe(value)}. {hint}"
        )
    if not minimum <= value <= maximum:
        raise SpecError(
            f"Invalid value for `{name}`: expected a whole number from {minimum} to {maximum}, received {value}. {hint}"
        )
    return value


def _pair(name: str, value: Any, minimum: int, maximum: int, hint: str) -> Pair:
    """Checks an int or a [height, width] pair and returns it as a tuple."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise SpecError(
                f"Invalid value for `{name}`: expected one number or a [height, width] "
                f"pair, received {_describe(list(value))}. {hint}"
            )
        height = _whole_number(name, value[0], minimum, maximum, hint)
        width = _whole_number(name, value[1], minimum, maximum, hint)
        return (height, width)
    size = _whole_number(name, value, minimum, maximum, hint)
    return (size, size)


def _choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(f'"{option}"' for option in options)
        raise SpecError(
            f"Invalid value for `{name}`: expected one of {allowed}, received {_describe(value)}. Pick one of those."
        )
    return value


def _pair_to_json(pair: Pair) -> int | list[int]:
    return pair[0] if pair[0] == pair[1] else [pair[0], pair[1]]


def format_pair(pair: Pair) -> str:
    """Renders a (height, width) pair as ``3x3``."""
    return f"{pair[0]}x{pair[1]}"


class _Layer:
    """Shared behaviour of the layer dataclasses: serialisation and naming."""

    type: ClassVar[str]
    title: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        """Returns the layer as a JSON-safe dict with every key spelled out."""
        data: dict[str, Any] = {"type": self.type}
        for field in fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            data[field.name] = _pair_to_json(value) if isinstance(value, tuple) else value
        return data


@dataclass(frozen=True)
class Conv2D(_Layer):
    """A 2-D convolution: ``filters`` kernels slide over the map."""

    filters: int
    kernel_size: Pair = (3, 3)
    strides: Pair = (1, 1)
    padding: str = "valid"
    activation: str = "relu"

    type: ClassVar[str] = "conv2d"
    title: ClassVar[str] = "Convolution"

    def __post_init__(self) -> None:
        _whole_number("filters", self.filters, 1, MAX_FILTERS, "Use a positive number of filters such as 8.")
        object.__setattr__(
            self,
            "kernel_size",
            _pair("kernel_size", self.kernel_size, 1, MAX_WINDOW, "Kernels are usually 3 or 5."),
        )
        object.__setattr__(
            self,
            "strides",
            _pair("strides", self.strides, 1, MAX_WINDOW, "A stride of 1 moves the kernel one pixel at a time."),
        )
        _choice("padding", self.padding, PADDINGS)
        _choice("activation", self.activation, ACTIVATIONS)


@dataclass(frozen=True)
class _Pooling(_Layer):
    pool_size: Pair = (2, 2)
    strides: Pair | None = None
    padding: str = "valid"

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "pool_size",
            _pair("pool_size", self.pool_size, 1, MAX_WINDOW, "Pooling windows are usually 2."),
        )
        if self.strides is not None:
            object.__setattr__(
                self,
                "strides",
                _pair("strides", self.strides, 1, MAX_WINDOW, "Use null to step by the window size."),
            )
        _choice("padding", self.padding, PADDINGS)

    @property
    def effective_strides(self) -> Pair:
        """The step of the window: ``strides``, or ``pool_size`` when unset."""
        return self.strides if self.strides is not None else self.pool_size


@dataclass(frozen=True)
class MaxPool2D(_Pooling):
    """Max pooling: keeps the largest value of each window."""

    type: ClassVar[str] = "maxpool2d"
    title: ClassVar[str] = "Max pooling"


@dataclass(frozen=True)
class AvgPool2D(_Pooling):
    """Average pooling: keeps the mean of each window."""

    type: ClassVar[str] = "avgpool2d"
    title: ClassVar[str] = "Average pooling"


@dataclass(frozen=True)
class GlobalAvgPool2D(_Layer):
    """Averages each channel over the whole map: one number per channel."""

    type: ClassVar[str] = "globalavgpool2d"
    title: ClassVar[str] = "Global average pooling"


@dataclass(frozen=True)
class Flatten(_Layer):
    """Unrolls a map into a vector so dense layers can read it."""

    type: ClassVar[str] = "flatten"
    title: ClassVar[str] = "Flatten"


@dataclass(frozen=True)
class Dense(_Layer):
    """A fully connected layer: every unit sees every input value."""

    units: int
    activation: str = "relu"

    type: ClassVar[str] = "dense"
    title: ClassVar[str] = "Dense"

    def __post_init__(self) -> None:
        _whole_number("units", self.units, 1, MAX_UNITS, "Use a positive number of units such as 64.")
        _choice("activation", self.activation, (*ACTIVATIONS, OUTPUT_ACTIVATION))


@dataclass(frozen=True)
class Dropout(_Layer):
    """Randomly zeroes a fraction ``rate`` of values while training."""

    rate: float = 0.5

    type: ClassVar[str] = "dropout"
    title: ClassVar[str] = "Dropout"

    def __post_init__(self) -> None:
        rate = self.rate
        valid_number = isinstance(rate, (int, float)) and not isinstance(rate, bool)
        if not valid_number or not math.isfinite(rate) or not 0 <= rate < 1:
            raise SpecError(
                f"Invalid value for `rate`: expected a number from 0 up to (not including) 1, "
                f"received {_describe(rate)}. A rate of 0.5 drops half the values while training."
            )
        object.__setattr__(self, "rate", float(rate))


@dataclass(frozen=True)
class BatchNorm(_Layer):
    """Normalises each channel to zero mean and unit variance, then rescales."""

    type: ClassVar[str] = "batchnorm"
    title: ClassVar[str] = "Batch normalisation"


LayerSpec = Conv2D | MaxPool2D | AvgPool2D | GlobalAvgPool2D | Flatten | Dense | Dropout | BatchNorm

LAYER_TYPES: dict[str, type[_Layer]] = {
    cls.type: cls for cls in (Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool2D, Flatten, Dense, Dropout, BatchNorm)
}
"""Every layer type by its JSON ``type`` string."""

_REQUIRED_KEYS = {"conv2d": ("filters",), "dense": ("units",), "dropout": ("rate",)}


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
            f"{where} is {_describe(data)}, but each layer must be an object such as "
            '{"type": "conv2d", "filters": 8}.',
            index,
        )
    layer_type = data.get("type")
    if not isinstance(layer_type, str) or layer_type not in LAYER_TYPES:
        known = ", ".join(f'"{name}"' for name in LAYER_TYPES)
        raise SpecError(
            f"{where} has an unknown type {_describe(layer_type)}: expected one of {known}. "
            "Set its `type` to one of those.",
            index,
        )
    cls = LAYER_TYPES[layer_type]
    allowed = [field.name for field in fields(cls)]  # type: ignore[arg-type]
    unknown = [key for key in data if key != "type" and key not in allowed]
    if unknown:
        allowed_text = ", ".join(f"`{key}`" for key in allowed) or "no other keys"
        raise SpecError(
            f"{where} ({layer_type}) has an unknown key `{unknown[0]}`: a {layer_type} layer "
            f"takes {allowed_text}. Remove `{unknown[0]}` or check its spelling.",
            index,
        )
    missing = [key for key in _REQUIRED_KEYS.get(layer_type, ()) if key not in data]
    if missing:
        raise SpecError(
            f"{where} ({layer_type}) has no `{missing[0]}`: a {layer_type} layer needs it. "
            f"Add `{missing[0]}`, for example {_example(layer_type)}.",
            index,
        )
    kwargs = {key: value for key, value in data.items() if key != "type"}
    try:
        return cls(**kwargs)  # type: ignore[return-value]
    except SpecError as error:
        raise SpecError(f"{where} ({layer_type}): {error.message}", index) from None


def _example(layer_type: str) -> str:
    examples = {
        "conv2d": '{"type": "conv2d", "filters": 8}',
        "dense": '{"type": "dense", "units": 64}',
        "dropout": '{"type": "dropout", "rate": 0.5}',
    }
    return examples[layer_type]


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
    layers: tuple[LayerSpec, ...] = ()

    def __post_init__(self) -> None:
        shape = self.input_shape
        if not isinstance(shape, (list, tuple)) or len(shape) != 3:
            raise SpecError(
                f"Invalid input_shape {_describe(shape)}: expected [height, width, channels], "
                "for example [28, 28, 1] for grayscale or [64, 64, 3] for colour images."
            )
        hint = "Use [height, width, channels], e.g. [28, 28, 1]."
        height = _whole_number("input_shape height", shape[0], 1, MAX_INPUT_SIDE, hint)
        width = _whole_number("input_shape width", shape[1], 1, MAX_INPUT_SIDE, hint)
        channels = _whole_number("input_shape channels", shape[2], 1, MAX_CHANNELS, "Use 1 for grayscale or 3 for RGB.")
        object.__setattr__(self, "input_shape", (height, width, channels))
        _whole_number("num_classes", self.num_classes, 2, MAX_CLASSES, "A classifier needs at least 2 classes.")
        layers = self.layers
        if not isinstance(layers, (list, tuple)):
            raise SpecError(f"Invalid layers {_describe(layers)}: expected a list of layers.")
        if len(layers) > MAX_LAYERS:
            raise SpecError(f"This stack has {len(layers)} layers, over the limit of {MAX_LAYERS}. Remove some layers.")
        for index, layer in enumerate(layers):
            if not isinstance(layer, tuple(LAYER_TYPES.values())):
                raise SpecError(f"Layer {index + 1} is not a layer: {_describe(layer)}.", index)
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
                f"A model spec must be an object with input_shape, num_classes and layers; received {_describe(data)}."
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
            raise SpecError(f"`layers` must be a list of layer objects, received {_describe(raw_layers)}.")
        if len(raw_layers) > MAX_LAYERS:
            raise SpecError(
                f"This stack has {len(raw_layers)} layers, over the limit of {MAX_LAYERS}. Remove some layers."
            )
        layers = tuple(layer_from_dict(layer, index) for index, layer in enumerate(raw_layers))
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

    def replace_layers(self, layers: tuple[LayerSpec, ...] | list[LayerSpec]) -> ModelSpec:
        """Returns a copy with another layer stack."""
        return ModelSpec(self.input_shape, self.num_classes, tuple(layers))
