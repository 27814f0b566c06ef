"""apply_kernel against SciPy's correlate2d, with strides and both paddings."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.signal import correlate2d

from visualizer.errors import InputError
from visualizer.numerics.kernels import (
    CLASSIC_KERNELS,
    apply_kernel,
    apply_to_image,
    classic_kernel,
    kernels_that_fit,
    output_size,
    to_grayscale,
)


@given(
    st.integers(3, 12),
    st.integers(3, 12),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 2**16),
)
def test_valid_equals_scipy_correlate2d(height, width, kh, kw, stride, seed):
    rng = np.random.RandomState(seed)
    image, kernel = rng.randn(height, width), rng.randn(kh, kw)
    expected = correlate2d(image, kernel, mode="valid")[::stride, ::stride]
    np.testing.assert_allclose(apply_kernel(image, kernel, stride, "valid"), expected, rtol=1e-5, atol=1e-5)


@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**16))
def test_same_equals_scipy_on_tensorflows_padding(height, width, size, stride, seed):
    rng = np.random.RandomState(seed)
    image, kernel = rng.randn(height, width), rng.randn(size, size)
    out_h, out_w = output_size(height, size, stride, "same"), output_size(width, size, stride, "same")
    pads = [
        (
            max((o - 1) * stride + size - n, 0) // 2,
            max((o - 1) * stride + size - n, 0) - max((o - 1) * stride + size - n, 0) // 2,
        )
        for o, n in ((out_h, height), (out_w, width))
    ]
    expected = correlate2d(np.pad(image, pads), kernel, mode="valid")[::stride, ::stride][:out_h, :out_w]
    result = apply_kernel(image, kernel, stride, "same")
    assert result.shape == (out_h, out_w)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)


def test_classic_kernels_do_what_they_say():
    ramp = np.tile(np.arange(6, dtype=np.float32), (6, 1))  # brighter to the right
    assert (apply_kernel(ramp, CLASSIC_KERNELS["sobel_x"]) == 8).all()
    assert (apply_kernel(ramp, CLASSIC_KERNELS["sobel_y"]) == 0).all()
    np.testing.assert_allclose(apply_kernel(ramp, CLASSIC_KERNELS["identity"]), ramp[1:-1, 1:-1])
    assert CLASSIC_KERNELS["gaussian_blur"].sum() == pytest.approx(1.0)


def test_refusals():
    with pytest.raises(InputError):
        apply_kernel(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(InputError):
        apply_kernel(np.zeros((4, 4)), np.zeros((3, 3)), padding="full")


def test_apply_to_image_gray_and_per_channel():
    rng = np.random.RandomState(3)
    image = rng.rand(8, 8, 3).astype(np.float32)
    kernel = CLASSIC_KERNELS["sobel_x"]
    gray = image @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    np.testing.assert_allclose(apply_to_image(image, kernel), correlate2d(gray, kernel, "valid"), atol=1e-5)
    per_channel = apply_to_image(image, kernel, 2, "same", per_channel=True)
    assert per_channel.shape == (4, 4, 3)
    for channel in range(3):
        np.testing.assert_allclose(per_channel[:, :, channel], apply_kernel(image[:, :, channel], kernel, 2, "same"))
    np.testing.assert_allclose(to_grayscale(image[:, :, :1]), image[:, :, 0])


def test_classic_kernels_at_5x5_keep_their_meaning():
    np.testing.assert_array_equal(classic_kernel("sobel_x", 3), CLASSIC_KERNELS["sobel_x"])
    large = classic_kernel("sobel_x", 5)
    np.testing.assert_array_equal(large[1:4, 1:4], CLASSIC_KERNELS["sobel_x"])
    assert large[0].sum() == 0 and large[:, 0].sum() == 0
    for blur in ("box_blur", "gaussian_blur"):
        kernel = classic_kernel(blur, 5)
        assert kernel.shape == (5, 5) and kernel.sum() == pytest.approx(1.0, abs=1e-6)
    assert classic_kernel("gaussian_blur", 5)[2, 2] == classic_kernel("gaussian_blur", 5).max()
    with pytest.raises(InputError):
        classic_kernel("sobel_x", 4)
    with pytest.raises(InputError):
        classic_kernel("nope")


def test_classic_kernels_that_fit_a_window():
    assert kernels_that_fit((5, 5)) == list(CLASSIC_KERNELS)
    assert kernels_that_fit((2, 2)) == []  # every classic kernel is 3x3
    assert kernels_that_fit((3, 1)) == []
