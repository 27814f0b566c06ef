"""The only errors a person using the app should ever see.

Both are ``ValueError`` subclasses, so code that already guards against bad
values catches them. Their messages are written for a student: what happened,
what was expected, and how to fix it.
"""

from __future__ import annotations


class SpecError(ValueError):
    """An architecture spec that cannot become a model.

    Attributes:
        layer_index: Position of the offending layer in ``ModelSpec.layers``
            (0-based), or ``None`` when the problem concerns the whole model
            (input shape, number of classes, size limits).
    """

    def __init__(self, message: str, layer_index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.layer_index = layer_index


class InputError(ValueError):
    """Data a person supplied (an image, an archive, a file) that cannot be used."""
