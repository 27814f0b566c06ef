"""Payloads for the components' JavaScript tests, written where ``node --test`` reads them.

Each file is a payload exactly as the app builds it, beside what the JavaScript must make
of it, worked out here independently: by hand for the overview's lines and sentences, from
``backend.steps.conv_step`` / ``pool_step`` (one step at a time, not the walk the payload
packs) for the explainer's numbers. ``.ci/run`` runs the Node tests after this suite;
``visualizer/ui/components/*/*.test.mjs`` fail with a clear message when the files are missing.
"""

import json

import numpy as np

from tests.helpers import ROOT
from tests.ui.components.test_overview_payload import Layer
from visualizer.ui.components.overview.payload import overview_payload

PAYLOADS = ROOT / "build" / "js-payloads"


def write(name: str, content: dict) -> None:
    PAYLOADS.mkdir(parents=True, exist_ok=True)
    (PAYLOADS / f"{name}.json").write_text(json.dumps(content, allow_nan=False))


def test_the_overview_payload_of_a_graph_with_a_sum_and_a_concatenation():
    rng = np.random.default_rng(1)
    x = rng.random((6, 6, 1)).astype(np.float32)
    layers = [
        Layer("conv_a", "conv2d", "Conv2D", (6, 6, 2), ("image",)),
        Layer("pool", "maxpool2d", "MaxPooling2D", (6, 6, 2), ("conv_a",)),
        Layer("add", "add", "Add", (6, 6, 2), ("pool", "conv_a")),
        Layer("cat", "concatenate", "Concatenate", (6, 6, 3), ("add", "image")),
        Layer("flat", "flatten", "Flatten", (108,), ("cat",)),
        Layer("out", "dense", "Dense", (2,), ("flat",)),
    ]
    maps = {layer.name: rng.normal(size=layer.output_shape).astype(np.float32) for layer in layers}
    payload = overview_payload(x, layers, maps, np.array([0.3, 0.7]), ["cat", "dog"])
    # Columns: 0 input (1 channel), 1 conv_a (2), 2 pool (2), 3 add (2), 4 cat (3), 5 flat (32 bars of 108), 6 out.
    expected = [
        {"column": 1, "item": 1, "pairs": [[0, 0]], "how": "computed from all 1 items of input"},
        {"column": 2, "item": 1, "pairs": [[1, 1]], "how": "computed from conv_a, item 1"},
        {"column": 3, "item": 0, "pairs": [[2, 0], [1, 0]], "how": "the sum of pool, item 0 and conv_a, item 0"},
        {"column": 4, "item": 2, "pairs": [[0, 0]], "how": "input, item 0, stacked with 1 more input(s)"},
        {"column": 4, "item": 1, "pairs": [[3, 1]], "how": "add, item 1, stacked with 1 more input(s)"},
        {"column": 5, "item": 7, "pairs": [[4, 1]], "how": "computed from cat, item 1"},  # 7 % 3 channels
        {"column": 6, "item": 0, "pairs": [[5, i] for i in range(32)], "how": "computed from all 32 items of flat"},
    ]
    heads = [
        {"column": 3, "shape": "⊕ sum · 6x6x2", "title": "add · Add: joins pool and conv_a"},
        {"column": 4, "shape": "‖ stacked · 6x6x3", "title": "cat · Concatenate: joins add and input"},
        {"column": 2, "shape": "6x6x2", "title": "pool · MaxPooling2D"},
    ]
    assert [column["name"] for column in payload["columns"]] == ["input", *[layer.name for layer in layers]]
    write("overview_graph", {"payload": payload, "expected": expected, "heads": heads})


def test_the_walk_payloads_of_the_shipped_lenet5_on_a_test_digit():
    from visualizer.backend.steps import conv_step, pool_step
    from visualizer.backend.walks import conv_walk, pool_walk
    from visualizer.data.catalog import load_dataset
    from visualizer.training.shipped import load_pretrained
    from visualizer.ui.components.walk.payload import conv_walk_payload, pool_walk_payload

    model = load_pretrained("lenet5_digits")
    x = load_dataset("digits").x_test[3]
    walks = {
        # The first conv pads its input ('same'): the window hangs over the edge at row 0.
        "walk_conv_first": ("conv2d_1", 2, conv_walk_payload(conv_walk(model, "conv2d_1", x, 2), input_is_image=True)),
        "walk_conv_second": ("conv2d_2", 5, conv_walk_payload(conv_walk(model, "conv2d_2", x, 5))),
    }
    for name, (layer, index, payload) in walks.items():
        out_w = payload["out_shape"][1]
        steps = [0, 1, out_w + 3, payload["out_shape"][0] * out_w - 1]
        expected = []
        for step in steps:
            oracle = conv_step(model, layer, x, step // out_w, step % out_w, index)
            expected.append(
                {
                    "step": step,
                    "row": oracle.row,
                    "col": oracle.col,
                    "origin": list(oracle.origin),
                    "window": [float(v) for v in oracle.patch[:, :, 0].ravel()],
                    "pre": float(oracle.pre_activation),
                    "output": float(oracle.output),
                }
            )
        write(name, {"payload": payload, "expected": expected})
    payload = pool_walk_payload(pool_walk(model, "avgpool2d_1", x, 3))
    out_w = payload["out_shape"][1]
    expected = []
    for step in [0, out_w + 2, payload["out_shape"][0] * out_w - 1]:
        oracle = pool_step(model, "avgpool2d_1", x, step // out_w, step % out_w, 3)
        expected.append(
            {
                "step": step,
                "origin": list(oracle.origin),
                "window": [float(v) for v in oracle.window.ravel()],
                "output": oracle.output,
            }
        )
    write("walk_pool", {"payload": payload, "expected": expected})
    assert (PAYLOADS / "walk_pool.json").stat().st_size > 1000


def test_the_components_javascript_passes_its_node_tests():
    """Runs ``node --test`` over the components (after the payloads above are written): their link rules,
    sentences and step arithmetic (``visualizer/ui/components/*/*.test.mjs``)."""
    import os
    import shutil
    import subprocess

    import pytest

    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is needed for the components' JavaScript tests (.ci/run installs nodejs).")
        pytest.skip("no Node.js here")
    components = ROOT / "visualizer" / "ui" / "components"
    result = subprocess.run(
        [node, "--test", str(components)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "JS_PAYLOADS": str(PAYLOADS)},
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    counts = dict(
        line[2:].split(" ", 1) for line in result.stdout.splitlines() if line.startswith(("# pass", "# fail"))
    )
    assert int(counts["fail"]) == 0 and int(counts["pass"]) >= 10, counts
