"""Named architectures a person can start from."""

from __future__ import annotations

from visualizer.model.blocks import Residual
from visualizer.model.layers import (
    Activation,
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAvgPool2D,
    MaxPool2D,
)
from visualizer.model.spec import ModelSpec


def _residual(filters: int, shortcut: str = "identity", strides: int = 1) -> Residual:
    """A ResNet basic block: conv-BN-ReLU, conv-BN, plus the input, then ReLU (He et al., 2016)."""
    return Residual(
        (
            Conv2D(filters=filters, kernel_size=3, strides=strides, padding="same", activation="linear"),
            BatchNorm(),
            Activation("relu"),
            Conv2D(filters=filters, kernel_size=3, padding="same", activation="linear"),
            BatchNorm(),
        ),
        shortcut=shortcut,
    )


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
    # A small ResNet (He et al., 2016) for 64x64 RGB: a strided stem, two basic blocks (the second
    # doubles the filters through a 1x1 projection), global average pooling.
    "resnet_small": ModelSpec(
        input_shape=(64, 64, 3),
        num_classes=10,
        layers=(
            Conv2D(filters=16, kernel_size=3, strides=2, padding="same"),
            _residual(16),
            MaxPool2D(),
            _residual(32, shortcut="projection"),
            MaxPool2D(),
            GlobalAvgPool2D(),
        ),
    ),
    # For the lesson on skip connections: 17 convolutions deep, 8 residual blocks with identity
    # shortcuts. The variant "remove_skips" is the same layers as a plain stack (same parameters).
    "deep_residual": ModelSpec(
        input_shape=(28, 28, 1),
        num_classes=10,
        layers=(
            Conv2D(filters=16, kernel_size=3, padding="same"),
            MaxPool2D(),
            *(
                Residual(
                    (
                        Conv2D(filters=16, kernel_size=3, padding="same"),
                        Conv2D(filters=16, kernel_size=3, padding="same", activation="linear"),
                    )
                )
                for _ in range(8)
            ),
            MaxPool2D(),
            Flatten(),
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
    "resnet_small": "Small ResNet: two residual blocks (64x64 RGB)",
    "deep_residual": "Deep residual: 8 blocks, 17 convolutions (28x28)",
    "keras_mnist_convnet": "Keras simple MNIST convnet",
}
"""A title for each preset, as shown in the app."""


def preset_title(spec: ModelSpec) -> str | None:
    """The title of the preset ``spec`` is exactly, or None for a stack of the person's own."""
    return next((PRESET_TITLES[name] for name, preset in PRESETS.items() if preset == spec), None)
