"""The network overview's payload: one column per layer, thumbnails equal to the maps on one scale, each item's
sources worked out by hand, kernels."""

import base64
import io
from dataclasses import dataclass

import numpy as np
import pytest
from PIL import Image

from visualizer.figures.style import coloured
from visualizer.model.blocks import KINDS, traits
from visualizer.ui.components.overview.payload import MAX_SENT, MAX_UNITS, overview_payload


@dataclass
class Layer:
    name: str
    kind: str
    keras_class: str
    output_shape: tuple[int, ...]
    inputs: tuple[str, ...] = ()


def pixels(src: str) -> np.ndarray:
    """The RGB pixels of a PNG data URI."""
    assert src.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB"))


@pytest.fixture
def network():
    rng = np.random.default_rng(0)
    x = rng.random((8, 8, 3)).astype(np.float32)
    layers = [
        Layer("conv", "conv2d", "Conv2D", (6, 6, 4)),
        Layer("pool", "maxpool2d", "MaxPooling2D", (3, 3, 4)),
        Layer("flat", "flatten", "Flatten", (36,)),
        Layer("out", "dense", "Dense", (3,)),
    ]
    maps = {
        "conv": rng.normal(size=(6, 6, 4)).astype(np.float32),
        "pool": rng.normal(size=(3, 3, 4)).astype(np.float32),
        "flat": rng.normal(size=(36,)).astype(np.float32),
        "out": np.array([0.2, 0.5, 0.3], np.float32),
    }
    kernels = {"conv": rng.normal(size=(3, 3, 3, 4)).astype(np.float32)}
    return x, layers, maps, kernels


def test_one_column_per_layer_with_the_input_first(network):
    x, layers, maps, kernels = network
    payload = overview_payload(x, layers, maps, maps["out"], ["cat", "dog", "bird"], kernels)
    columns = payload["columns"]
    assert [column["name"] for column in columns] == ["input", "conv", "pool", "flat", "out"]
    assert [column["kind"] for column in columns] == ["input", "conv2d", "maxpool2d", "flatten", "output"]
    assert [column["shape"] for column in columns][:3] == ["8x8x3", "6x6x4", "3x3x4"]
    assert [column["how"] for column in columns] == [None, "all", "from", "from", "all"]
    assert [column["total"] for column in columns] == [3, 4, 4, 36, 3]
    assert [column["reads"] for column in columns] == [[], [0], [1], [2], [3]]


def test_each_item_lists_the_items_it_is_computed_from(network):
    x, layers, maps, kernels = network
    columns = overview_payload(x, layers, maps, maps["out"], ["cat", "dog", "bird"], kernels)["columns"]
    assert columns[0]["sources"] == [[], [], []]
    assert columns[1]["sources"] == [[[0, 0, 2]]] * 4  # a conv map reads every input channel
    assert columns[2]["sources"][2] == [[1, 2, 2]]  # pooling: the same channel
    assert columns[3]["sources"][5] == [[2, 1, 1]]  # flatten (channels last): value 5 is channel 5 % 4 = 1
    assert len(columns[3]["sources"]) == MAX_UNITS  # one list per bar drawn
    assert columns[4]["sources"] == [[[3, 0, MAX_UNITS - 1]]] * 3  # dense: every bar drawn before it


def test_input_channels_are_tinted_red_green_and_blue(network):
    x, layers, maps, _ = network
    items = overview_payload(x, layers, maps, maps["out"], ["a", "b", "c"])["columns"][0]["items"]
    assert [item["label"] for item in items] == ["input, red", "input, green", "input, blue"]
    red = pixels(items[0]["src"])
    assert red.shape == (8, 8, 3)
    np.testing.assert_allclose(red[:, :, 0], np.round(x[:, :, 0] * 255), atol=1)  # full red
    np.testing.assert_allclose(red[:, :, 1], np.round(x[:, :, 0] * 0.25 * 255), atol=1)


def test_map_thumbnails_are_the_maps_on_the_layers_one_scale(network):
    x, layers, maps, _ = network
    column = overview_payload(x, layers, maps, maps["out"], ["a", "b", "c"])["columns"][1]
    low, high = float(maps["conv"].min()), float(maps["conv"].max())
    assert column["range"] == pytest.approx([low, high])
    for index, item in enumerate(column["items"]):
        np.testing.assert_array_equal(pixels(item["src"]), coloured(maps["conv"][:, :, index], low, high))
        assert item["label"] == f"conv, map {index}"


def test_the_output_is_labelled_probabilities_and_vectors_are_bars(network):
    x, layers, maps, _ = network
    columns = overview_payload(x, layers, maps, maps["out"], ["cat", "dog", "bird"])["columns"]
    assert columns[-1]["bars"] == pytest.approx([0.2, 0.5, 0.3])
    assert columns[-1]["labels"] == ["cat", "dog", "bird"]
    assert columns[-1]["scale"] == 1.0
    flat = columns[3]
    assert len(flat["bars"]) == MAX_UNITS  # 36 values, the first 32 drawn
    assert flat["bars"] == pytest.approx(maps["flat"][:MAX_UNITS], abs=1e-5)
    assert flat["scale"] == pytest.approx(np.abs(maps["flat"][:MAX_UNITS]).max())


def test_each_conv_filter_carries_its_kernel_as_one_strip_of_input_channels(network):
    x, layers, maps, kernels = network
    column = overview_payload(x, layers, maps, maps["out"], ["a", "b", "c"], kernels)["columns"][1]
    assert len(column["kernels"]) == 4 and column["kernel_shape"] == "3x3x3"
    strip = pixels(column["kernels"][2])
    assert strip.shape == (3, 3 * 4 - 1, 3)  # three 3-wide tiles, one white column between
    assert (strip[:, 3] == 255).all()
    bound = float(np.abs(kernels["conv"]).max())
    np.testing.assert_array_equal(strip[:, 4:7], coloured(kernels["conv"][:, :, 1, 2], -bound, bound, "RdBu_r"))


def test_a_wide_layer_sends_at_most_max_sent_thumbnails_and_counts_the_rest():
    x = np.zeros((4, 4, 1), np.float32)
    layers = [Layer("wide", "conv2d", "Conv2D", (4, 4, 100)), Layer("out", "dense", "Dense", (2,))]
    maps = {"wide": np.ones((4, 4, 100), np.float32), "out": np.array([1.0, 0.0], np.float32)}
    column = overview_payload(x, layers, maps, maps["out"], [])["columns"][1]
    assert len(column["items"]) == MAX_SENT and column["total"] == 100
    assert overview_payload(x, layers, maps, maps["out"], [])["columns"][0]["items"][0]["label"] == "input, grey"


def test_non_finite_maps_still_draw():
    x = np.zeros((4, 4, 1), np.float32)
    layers = [Layer("bad", "conv2d", "Conv2D", (4, 4, 2)), Layer("out", "dense", "Dense", (2,))]
    maps = {"bad": np.full((4, 4, 2), np.nan, np.float32), "out": np.array([np.nan, np.nan], np.float32)}
    column = overview_payload(x, layers, maps, maps["out"], [])["columns"][1]
    assert column["range"] == [0.0, 1.0] and len(column["items"]) == 2


def test_the_selected_map_is_resolved_to_its_column(network):
    x, layers, maps, _ = network
    payload = overview_payload(x, layers, maps, maps["out"], ["a", "b", "c"], selected=("pool", 2))
    assert payload["selected"] == {"column": 2, "item": 2}
    assert overview_payload(x, layers, maps, maps["out"], [], selected=("gone", 0))["selected"] is None


def test_every_built_in_layer_kind_says_how_it_links():
    for kind in KINDS:
        assert traits(kind).links in {"all", "same", "channel", "stacked"}, kind
    assert traits("other").links == "all"  # an uploaded model's own layer: computed from all


def test_a_graph_column_reads_the_columns_of_its_inputs_and_marks_merge_points():
    rng = np.random.default_rng(1)
    x = rng.random((6, 6, 1)).astype(np.float32)
    layers = [
        Layer("conv_a", "conv2d", "Conv2D", (6, 6, 2), ("image",)),
        Layer("conv_b", "conv2d", "Conv2D", (6, 6, 2), ("conv_a",)),
        Layer("add", "add", "Add", (6, 6, 2), ("conv_b", "conv_a")),
        Layer("cat", "concatenate", "Concatenate", (6, 6, 3), ("add", "image")),
        Layer("flat", "flatten", "Flatten", (108,), ("cat",)),
        Layer("out", "dense", "Dense", (2,), ("flat",)),
    ]
    maps = {layer.name: rng.normal(size=layer.output_shape).astype(np.float32) for layer in layers}
    payload = overview_payload(x, layers, maps, np.array([0.3, 0.7]), ["cat", "dog"])
    columns = {column["name"]: column for column in payload["columns"]}
    assert columns["conv_a"]["reads"] == [0] and columns["conv_b"]["reads"] == [1]
    assert columns["add"]["reads"] == [2, 1] and columns["add"]["joined"] == "⊕ sum" and columns["add"]["how"] == "sum"
    assert columns["add"]["sources"][1] == [[2, 1, 1], [1, 1, 1]]  # item 1 of each input, added
    assert columns["cat"]["reads"] == [3, 0] and columns["cat"]["joined"] == "‖ stacked"
    assert columns["cat"]["how"] == "stacked"
    # Concatenated channels: add's two, then the image's one.
    assert columns["cat"]["sources"] == [[[3, 0, 0]], [[3, 1, 1]], [[0, 0, 0]]]
    assert "joined" not in columns["conv_b"] and "joined" not in columns["flat"]
