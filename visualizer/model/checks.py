"""Value checks shared by the layer registry and the spec, and the app's size limits.

Every refusal is a ``SpecError`` whose message answers three questions, as
Keras' own do: what was received, what was expected, and how to fix it.
"""

from __future__ import annotations

import json
from typing import Any

from visualizer.errors import SpecError

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


def describe(value: Any) -> str:
    """A short, readable rendering of a received value for error messages."""
    text = json.dumps(value) if _is_jsonable(value) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_jsonable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def whole_number(name: str, value: Any, minimum: int, maximum: int, hint: str) -> int:
    """Checks that ``value`` is an int in [minimum, maximum] (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(
            f"Invalid value for `{name}`: expected a whole number from {minimum} to "
            f"{maximum}, received {describe(value)}. {hint}"
        )
    if not minimum <= value <= maximum:
        raise SpecError(
            f"Invalid value for `{name}`: expected a whole number from {minimum} to {maximum}, received {value}. {hint}"
        )
    return value


def pair(name: str, value: Any, minimum: int, maximum: int, hint: str) -> Pair:
    """Checks an int or a [height, width] pair and returns it as a tuple."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise SpecError(
                f"Invalid value for `{name}`: expected one number or a [height, width] "
                f"pair, received {describe(list(value))}. {hint}"
            )
        height = whole_number(name, value[0], minimum, maximum, hint)
        width = whole_number(name, value[1], minimum, maximum, hint)
        return (height, width)
    size = whole_number(name, value, minimum, maximum, hint)
    return (size, size)


def choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    """Checks that ``value`` is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(f'"{option}"' for option in options)
        raise SpecError(
            f"Invalid value for `{name}`: expected one of {allowed}, received {describe(value)}. Pick one of those."
        )
    return value


def pair_to_json(value: Pair) -> int | list[int]:
    """``(3, 3)`` as ``3`` and ``(3, 5)`` as ``[3, 5]``: the compact JSON form."""
    return value[0] if value[0] == value[1] else [value[0], value[1]]


def format_pair(value: Pair) -> str:
    """Renders a (height, width) pair as ``3x3``."""
    return f"{value[0]}x{value[1]}"


def format_shape(shape: tuple[int, ...]) -> str:
    """Renders ``(26, 26, 8)`` as ``26x26x8`` and ``(64,)`` as ``64``."""
    return "x".join(str(size) for size in shape)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 epoch``, ``3 epochs``, ``2 classes``: a count with its noun in the right number (thousands separated).

    Args:
        count: How many.
        noun: The singular.
        plural: The plural, when adding "s" (or "es" after s, x, sh) is wrong ("batch", "patch").
    """
    if count == 1:
        return f"1 {noun}"
    if plural is None:
        plural = noun + ("es" if noun.endswith(("s", "x", "sh")) else "s")
    return f"{count:,} {plural}"


def shown(value: Any, limit: int | None = 60) -> str:
    """Text a person gave (a name, a key, an id), fit to be quoted in a message.

    Control characters become spaces, and at most ``limit`` characters are kept (the rest cut to "...");
    ``limit=None`` keeps them all.
    """
    text = "".join(character if character.isprintable() else " " for character in str(value))
    return text if limit is None or len(text) <= limit else text[: max(0, limit - 3)] + "..."
