"""The pooling layer types of the registry (``model/layers.py`` lists them in ``LAYERS``).

Max and average pooling summarise each window of a map; the global poolings summarise each
whole channel. This module imports no TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from visualizer.errors import SpecError
from visualizer.model.checks import MAX_WINDOW, Pair, choice, pair
from visualizer.model.layer_base import WINDOW_HELP, Layer, Shape, editor, windowed

PADDINGS: tuple[str, ...] = ("valid", "same")


@dataclass(frozen=True)
class _Pooling(Layer):
    """Shared by max and average pooling: a window, its stride and padding."""

    pool_size: Pair = field(default=(2, 2), metadata=editor("pair", "Window", WINDOW_HELP))
    strides: Pair | None = field(
        default=None,
        metadata=editor(
            "pool_strides", "Stride", "How far the window moves each step; 'as window' means windows do not overlap."
        ),
    )
    padding: str = field(
        default="valid",
        metadata=editor(
            "choice",
            "Padding",
            "'valid' drops windows that would hang over the edge; 'same' keeps them.",
            options=PADDINGS,
        ),
    )

    code_omits: ClassVar[dict[str, Any]] = {"strides": None, "padding": "valid"}
    reach: ClassVar[str] = "window"
    walk: ClassVar[str | None] = "pooling"

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
        out_h, out_w, channels = windowed(
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
    features: ClassVar[bool] = True

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
