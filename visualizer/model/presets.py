"""Named architectures a person can start from."""

from __future__ import annotations

from visualizer.model.layers import (
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
)
from visualizer.model.spec import ModelSpec

PRESETS: dict[str, ModelSpec] = {
    # One convolution and one pooling layer: the smallest network worth looking inside.
    "starter": ModelSpec(
        input_shape=(28, 28, 1),
        num_classes=10,
        layers=(Conv2D(filters=4, kernel_size=3), MaxPool2D()),
    ),
    # LeNet-5 (LeCun et al., 1998) as usually written in Keras for 28x28 digits:
    # 'same' padding on the first convolution stands in for the original 32x32 input.
    "lenet5": ModelSpec(
        input_shape=(28, 28, 1),
        num_classes=10,
        layers=(
            Conv2D(filters=6, kernel_size=5, padding="same", activation="relu"),
            AvgPool2D(),
            Conv2D(filters=16, kernel_size=5, activation="relu"),
            AvgPool2D(),
            Flatten(),
            Dense(units=120, activation="relu"),
            Dense(units=84, activation="relu"),
        ),
    ),
    # CNN Explainer's Tiny VGG (Wang et al., 2020): 64x64 RGB, 10 classes, 19,920 parameters.
    "tinyvgg": ModelSpec(
        input_shape=(64, 64, 3),
        num_classes=10,
        layers=(
            Conv2D(filters=10, kernel_size=3),
            Conv2D(filters=10, kernel_size=3),
            MaxPool2D(),
            Conv2D(filters=10, kernel_size=3),
            Conv2D(filters=10, kernel_size=3),
            MaxPool2D(),
        ),
    ),
    # The Keras example "Simple MNIST convnet": 34,826 parameters.
    "keras_mnist_convnet": ModelSpec(
        input_shape=(28, 28, 1),
        num_classes=10,
        layers=(
            Conv2D(filters=32, kernel_size=3),
            MaxPool2D(),
            Conv2D(filters=64, kernel_size=3),
            MaxPool2D(),
            Flatten(),
            Dropout(rate=0.5),
        ),
    ),
}
"""Every preset by its name."""

PRESET_TITLES: dict[str, str] = {
    "starter": "Starter: one convolution",
    "lenet5": "LeNet-5 (digits, 28x28)",
    "tinyvgg": "Tiny VGG from CNN Explainer (64x64 RGB)",
    "keras_mnist_convnet": "Keras simple MNIST convnet",
}
"""A title for each preset, as shown in the app."""


def preset_title(spec: ModelSpec) -> str | None:
    """The title of the preset ``spec`` is exactly, or None for a stack of the person's own."""
    return next((PRESET_TITLES[name] for name, preset in PRESETS.items() if preset == spec), None)
