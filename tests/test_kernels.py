"""apply_kernel against SciPy's correlate2d, with strides and both paddings."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.signal import correlate2d

from visualizer.errors import InputError
from visualizer.kernels import CLASSIC_KERNELS, apply_kernel, output_size


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
