"""Classic image kernels and the cross-correlation a conv layer computes, in NumPy.

``apply_kernel`` is what Keras' Conv2D does for one input and one output
channel (cross-correlation, no kernel flip), with TensorFlow's 'same' padding.
``output_size`` and ``same_padding`` are the window arithmetic that pooling,
the Inspect steps and the Learn formulas share.
"""

from __future__ import annotations

import numpy as np

from visualizer.errors import InputError


def _gaussian(size: int, sigma: float) -> np.ndarray:
    axis = np.arange(size) - (size - 1) / 2
    bell = np.exp(-(axis**2) / (2 * sigma**2))
    kernel = np.outer(bell, bell)
    return kernel / kernel.sum()


CLASSIC_KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float32),
    "sobel_x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32),
    "sobel_y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32),
    "prewitt_x": np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=np.float32),
    "prewitt_y": np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], dtype=np.float32),
    "laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32),
    "box_blur": np.full((3, 3), 1 / 9, dtype=np.float32),
    "gaussian_blur": _gaussian(3, 0.85).astype(np.float32),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=np.float32),
}
"""Named 3x3 kernels: edge detectors, blurs, sharpening, emboss and the identity."""

KERNEL_TITLES: dict[str, str] = {
    "identity": "Identity (copies the input)",
    "sobel_x": "Sobel x (vertical edges)",
    "sobel_y": "Sobel y (horizontal edges)",
    "prewitt_x": "Prewitt x (vertical edges)",
    "prewitt_y": "Prewitt y (horizontal edges)",
    "laplacian": "Laplacian (edges in every direction)",
    "sharpen": "Sharpen",
    "box_blur": "Box blur",
    "gaussian_blur": "Gaussian blur",
    "emboss": "Emboss",
}


def classic_kernel(name: str, size: int = 3) -> np.ndarray:
    """A classic kernel at ``size`` x ``size`` (odd): blurs spread over the whole window, others centred in zeros."""
    if name not in CLASSIC_KERNELS:
        raise InputError(f"Unknown kernel {name!r}: choose one of {', '.join(CLASSIC_KERNELS)}.")
    if size < 3 or size % 2 == 0:
        raise InputError(f"A classic kernel is odd-sized and at least 3x3, not {size}x{size}.")
    if name == "box_blur":
        return np.full((size, size), 1 / size**2, dtype=np.float32)
    if name == "gaussian_blur":
        return _gaussian(size, 0.85 * size / 3).astype(np.float32)
    kernel = np.zeros((size, size), dtype=np.float32)
    offset = (size - 3) // 2
    kernel[offset : offset + 3, offset : offset + 3] = CLASSIC_KERNELS[name]
    return kernel


def kernels_that_fit(window: tuple[int, int]) -> list[str]:
    """The classic kernels no larger than a conv layer's ``window`` (height, width), in ``CLASSIC_KERNELS`` order."""
    return [
        name
        for name, kernel in CLASSIC_KERNELS.items()
        if kernel.shape[0] <= window[0] and kernel.shape[1] <= window[1]
    ]


def output_size(size: int, kernel: int, stride: int, padding: str) -> int:
    """Output length along one axis: floor((n - k) / s) + 1 for 'valid', ceil(n / s) for 'same'."""
    if padding == "same":
        return -(-size // stride)
    return (size - kernel) // stride + 1


def same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding (before, after) along one axis: the extra goes after."""
    total = max((output_size(size, window, stride, "same") - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def apply_kernel(image2d: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Cross-correlates a 2-D image with a 2-D kernel, as a Conv2D layer does for one channel.

    Args:
        image2d: (H, W) values.
        kernel: (kh, kw) weights.
        stride: Step of the window in both directions.
        padding: ``"valid"`` (no padding) or ``"same"`` (zeros, TensorFlow's split: extra after).

    Raises:
        InputError: a kernel larger than a 'valid' image, or bad settings.
    """
    image = np.asarray(image2d, dtype=np.float64)
    weights = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or weights.ndim != 2:
        raise InputError("apply_kernel takes a 2-D image and a 2-D kernel.")
    if stride < 1 or padding not in ("valid", "same"):
        raise InputError("stride must be at least 1 and padding 'valid' or 'same'.")
    (height, width), (kh, kw) = image.shape, weights.shape
    if padding == "same":
        image = np.pad(image, [same_padding(height, kh, stride), same_padding(width, kw, stride)])
    elif height < kh or width < kw:
        raise InputError(f"A {kh}x{kw} kernel does not fit a {height}x{width} image without padding.")
    out_h = output_size(height, kh, stride, padding)
    out_w = output_size(width, kw, stride, padding)
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))[::stride, ::stride][:out_h, :out_w]
    return np.einsum("ijkl,kl->ij", windows, weights).astype(np.float32)


LUMINANCE = np.array([0.299, 0.587, 0.114], dtype=np.float32)
"""ITU-R 601 weights that turn RGB into one gray channel."""


def to_grayscale(image: np.ndarray) -> np.ndarray:
    """(H, W, C) in [0, 1] -> (H, W): the luminance of RGB, or the single channel itself."""
    pixels = np.asarray(image, dtype=np.float32)
    if pixels.ndim == 2:
        return pixels
    if pixels.shape[2] == 1:
        return pixels[:, :, 0]
    return pixels[:, :, :3] @ LUMINANCE


def apply_to_image(
    image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: str = "valid", per_channel: bool = False
) -> np.ndarray:
    """A kernel applied to a whole picture: to its gray version (H', W'), or to each channel (H', W', C)."""
    pixels = np.asarray(image, dtype=np.float32)
    if not per_channel or pixels.ndim == 2:
        return apply_kernel(to_grayscale(pixels), kernel, stride, padding)
    return np.stack([apply_kernel(pixels[:, :, c], kernel, stride, padding) for c in range(pixels.shape[2])], axis=2)
