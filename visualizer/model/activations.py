"""The activations a person may choose, declared once: name (Keras'), title, parameters with Keras' defaults.

Conv and dense layers offer them (``model.layers``), the Learn page draws them
(``numerics.activations.curve`` computes each), and the upload allow-list accepts
them. Pure data: no NumPy, no TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Activation:
    """One activation a person may choose.

    Attributes:
        name: Keras' name for it (``relu``), as used in specs and ``keras.activations``.
        title: How the app writes it (``ReLU``).
        parameters: Its parameters with Keras' defaults.
    """

    name: str
    title: str
    parameters: dict[str, float] = field(default_factory=dict)


ACTIVATIONS: dict[str, Activation] = {
    item.name: item
    for item in (
        Activation("linear", "linear (none)"),
        Activation("relu", "ReLU"),
        Activation("sigmoid", "sigmoid"),
        Activation("tanh", "tanh"),
        Activation("leaky_relu", "leaky ReLU", {"negative_slope": 0.2}),
        Activation("elu", "ELU", {"alpha": 1.0}),
        Activation("selu", "SELU"),
        Activation("gelu", "GELU"),
        Activation("swish", "swish"),
        Activation("softplus", "softplus"),
    )
}
"""Every activation by its name, in the order the app offers them."""
