"""One-change variants of a stack, for training two networks side by side.

``variant(spec, name)`` returns the stack with one idea changed (dropout added,
sigmoid instead of ReLU, max instead of average pooling...), so the Compare page
can train both on the same data and seed and show what that one change does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from visualizer.errors import InputError
from visualizer.model.blocks import Residual, is_block
from visualizer.model.layers import Activation, AvgPool2D, Conv2D, Dense, Dropout, Layer, MaxPool2D
from visualizer.model.spec import ModelSpec

VARIANTS: dict[str, str] = {
    "add_dropout": "with dropout (rate 0.5) before each dense layer and the output",
    "remove_dropout": "without its dropout layers",
    "sigmoid": "with sigmoid instead of ReLU",
    "relu": "with ReLU instead of sigmoid and tanh",
    "max_pooling": "with max pooling instead of average",
    "average_pooling": "with average pooling instead of max",
    "double_filters": "with twice the filters in every conv layer",
    "remove_skips": "without its skip connections (each residual block's layers as a plain stack)",
}
"""Variant name -> what it changes, as it reads after "the same network ..."."""


def _gives_a_vector(layer: Layer) -> bool:
    """Whether a layer's output is a vector (a flatten, a global pooling, a dense layer): dropout goes after it."""
    return layer.reach == "whole"


def _add_dropout(layers: list) -> list:
    result = []
    for index, layer in enumerate(layers):
        before_dense = isinstance(layer, Dense) and index > 0 and not isinstance(layers[index - 1], Dropout)
        if before_dense and _gives_a_vector(layers[index - 1]):
            result.append(Dropout(0.5))
        result.append(layer)
    if result and not isinstance(result[-1], Dropout):
        result.append(Dropout(0.5))  # before the output layer
    return result


def _each(items: list, change: Callable[[Layer], Layer]) -> list:
    """Every layer changed by ``change``, those inside blocks included (the blocks kept)."""
    return [
        item.replace_paths(tuple(tuple(change(layer) for layer in path) for path in item.paths))
        if is_block(item)
        else change(item)
        for item in items
    ]


def _without_skips(items: list) -> list:
    """Each residual block replaced by its layers and, when it has one, its activation as a layer."""
    result = []
    for item in items:
        if isinstance(item, Residual):
            result += [*item.layers, *([Activation(item.activation)] if item.activation != "linear" else [])]
        else:
            result.append(item)
    return result


def variant(spec: ModelSpec, name: str) -> ModelSpec:
    """``spec`` with the one change ``name`` (a key of ``VARIANTS``).

    Raises:
        InputError: an unknown variant, or one that changes nothing in this stack
            (removing dropout from a stack without any).
    """
    if name not in VARIANTS:
        raise InputError(f"Unknown variant {name!r}: choose one of {', '.join(VARIANTS)}.")
    layers = list(spec.layers)
    if name == "add_dropout":
        changed = _add_dropout(layers)
    elif name == "remove_dropout":
        changed = [layer for layer in layers if not isinstance(layer, Dropout)]
    elif name == "remove_skips":
        changed = _without_skips(layers)
    elif name in ("sigmoid", "relu"):
        source, target = (("relu",), "sigmoid") if name == "sigmoid" else (("sigmoid", "tanh"), "relu")
        changed = _each(
            layers,
            lambda layer: (
                replace(layer, activation=target)
                if isinstance(layer, (Conv2D, Dense, Activation)) and layer.activation in source
                else layer
            ),
        )
    elif name == "max_pooling":
        changed = _each(
            layers,
            lambda layer: (
                MaxPool2D(layer.pool_size, layer.strides, layer.padding) if isinstance(layer, AvgPool2D) else layer
            ),
        )
    elif name == "average_pooling":
        changed = _each(
            layers,
            lambda layer: (
                AvgPool2D(layer.pool_size, layer.strides, layer.padding) if isinstance(layer, MaxPool2D) else layer
            ),
        )
    else:
        changed = _each(
            layers, lambda layer: replace(layer, filters=layer.filters * 2) if isinstance(layer, Conv2D) else layer
        )
    result = spec.replace_layers(changed)
    if result == spec:
        raise InputError(f'This stack has nothing to change for "{VARIANTS[name]}": pick another comparison.')
    return result


def applicable_variants(spec: ModelSpec) -> list[str]:
    """The variants that change something in ``spec``."""
    found = []
    for name in VARIANTS:
        try:
            variant(spec, name)
        except InputError:
            continue
        found.append(name)
    return found
