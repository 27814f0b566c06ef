"""What every layer type shares: the ``Layer`` base of the registry (``model/layers.py``) and its shape rules.

A layer type's class attributes say what it is (its JSON ``type``, title, colour, Keras class,
the values a new layer starts with) and what the views do with it (``links``, ``walk``,
``kernel``, ``weighted``, ``features``, ``scores``). ``Unknown`` answers the same questions for a
layer of an uploaded model that no registry type builds. This module imports no TensorFlow.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, ClassVar

from visualizer.errors import SpecError
from visualizer.model.checks import Pair, format_pair, format_shape, pair_to_json

Shape = tuple[int, ...]

WINDOW_HELP = "Height and width of the window, in pixels of this layer's input."


def editor(widget: str, label: str, help_text: str = "", **settings: Any) -> dict[str, Any]:
    """A field's editor metadata: which widget edits it, its label and help, and the widget's settings.

    Widgets: ``count`` (a whole number from 1 to ``maximum``), ``pair`` (a size, square or
    [height, width]), ``pool_strides`` (a stride or "as window"), ``choice`` (one of ``options``)
    and ``rate`` (a fraction from 0 to 0.99). ``width`` is the field's share of the row (1 by default).
    """
    return {"editor": {"widget": widget, "label": label, "help": help_text, **settings}}


class Traits:
    """What the views do with a layer, one class attribute each (``Layer`` lists their meaning).

    The defaults are a layer that passes each item on and has nothing else to show.
    """

    random: ClassVar[str] = ""
    links: ClassVar[str] = "same"
    walk: ClassVar[str | None] = None
    kernel: ClassVar[bool] = False
    weighted: ClassVar[bool] = False
    features: ClassVar[bool] = False
    scores: ClassVar[bool] = False


class Layer(Traits):
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

    What the views do with it (read from here everywhere, so no view spells a layer type):
        links: Which items of its input an overview item is computed from: ``"all"`` of them, the one at the
            ``"same"`` index, (a flatten) the ``"channel"`` its value came from, or (a concatenation) the one
            item it ``"stacked"``.
        walk: ``"convolution"`` or ``"pooling"`` for a layer the step explainer walks its window through
            (its maps are shown open in the Maps tab), else None.
        kernel: Whether it has a convolution kernel: the kernels, surgery, filter and training-step views
            show it, and Grad-CAM looks at the last one.
        weighted: Whether it has a kernel and a bias that learn (the layers whose gradients are compared).
        features: Whether its output is a vector of features an image can be placed by (the embedding).
        scores: Whether it can give the class scores: a network that ends in it gets every view.
    """

    type: ClassVar[str]
    title: ClassVar[str]
    colour: ClassVar[str]
    keras_class: ClassVar[str]
    new: ClassVar[dict[str, Any]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    positional: ClassVar[str | None] = None
    code_omits: ClassVar[dict[str, Any]] = {}
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


def map_input(shape: Shape, where: str, index: int | None, needs: str) -> tuple[int, int, int]:
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


def windowed(
    shape: Shape, window: Pair, step: Pair, padding: str, noun: str, where: str, index: int | None
) -> tuple[int, int, int]:
    """Output (height, width) of a window sliding over a map, and its input channels."""
    height, width, channels = map_input(shape, where, index, "it needs a 2-D map with channels")
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


class Unknown(Traits):
    """What the views may do with a layer no registry type builds (an uploaded model's own layers)."""

    type: ClassVar[str] = "other"
    links: ClassVar[str] = "all"
