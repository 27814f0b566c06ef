"""Images and maps: feature maps, images, kernels, number grids, kernel outputs."""

import numpy as np

from visualizer.figures.encoding import decode_typed_array
from visualizer.figures.maps import (
    feature_map_grid,
    image_grid,
    kernel_grid,
    kernel_output_figure,
    number_grid,
)


def test_feature_map_grid_is_one_compact_heatmap_with_clickable_maps():
    maps = np.random.RandomState(0).rand(5, 6, 40).astype(np.float32)
    fig = feature_map_grid(maps, max_maps=32, shared_scale=False)
    heat, markers = fig.data
    z = decode_typed_array(heat.z)
    assert z.dtype == np.float32 and z.shape == (4 * 5 + 3, 8 * 6 + 7)  # 32 maps, 8 per row, 1-pixel gaps
    assert np.isnan(z[5]).all()  # the gap row
    np.testing.assert_allclose(np.nanmax(z[:5, :6]), 1.0)  # per-map scaling
    assert list(decode_typed_array(markers.customdata)) == list(range(32))
    assert '"z":{"dtype":"f4"' in fig.to_json()  # sent as base64 float32, not lists


def test_image_grid_sends_a_png_not_a_list_of_pixels():
    fig = image_grid(np.zeros((3, 8, 8, 1), np.float32), ["a", "b", "c"])
    assert fig.data[0].source.startswith("data:image/png;base64,")
    assert [annotation.text for annotation in fig.layout.annotations] == ["a", "b", "c"]


def test_kernel_grid_is_centred_on_zero():
    kernel = np.random.RandomState(1).randn(3, 3, 2, 4).astype(np.float32)
    heat = kernel_grid(kernel).data[0]
    assert heat.zmid == 0 and heat.zmin == -heat.zmax
    single = kernel_grid(kernel[:, :, :1, :])
    assert [annotation.text for annotation in single.layout.annotations] == [f"filter {i}" for i in range(4)]


def test_number_grid_names_colour_scales_plotly_js_knows():
    heat = number_grid(np.eye(3), "kernel", "RdBu_r").data[0]
    scale = list(heat.colorscale)
    assert scale[0][0] == 0 and scale[-1][0] == 1
    assert scale[-1][1] == "rgb(103,0,31)"  # RdBu_r ends in dark red: high values red, as the caption says
    assert [row[0] for row in heat.text] == ["1", "0", "0"]  # whole numbers print as whole numbers
    assert number_grid(np.array([[0.25, -2.0]]), "mixed").data[0].text[0] == ["0.25", "-2"]


def test_kernel_output_figure_is_diverging_only_with_negative_values():
    signed = kernel_output_figure(np.array([[-1.0, 2.0], [0.0, 1.0]]))
    assert signed.data[0].zmid == 0 and signed.data[0].zmin == -2
    blurred = kernel_output_figure(np.array([[0.1, 0.2], [0.3, 0.4]]))
    assert blurred.data[0].zmid is None
    assert kernel_output_figure(np.zeros((4, 4, 3))).data[0].type == "image"
