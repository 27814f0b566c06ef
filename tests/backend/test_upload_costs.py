"""Uploaded models checked for cost before Keras builds them: hostile-but-valid files, generated here.

Each file uses only allowed Keras classes but asks for gigabytes (a wide Dense layer, a huge padding, a
huge input or kernel, thousands of layers, a weight file declaring a gigabyte): each is refused by
``load_user_model`` from its config or its weight file's headers. A child process measures that the
refusals cost little time and memory, so the measure is not the suite's own (noisy) process.
"""

import copy
import io
import json
import zipfile

import h5py
import keras
import numpy as np
import pytest

from tests.helpers import ROOT, child_measures
from visualizer.backend.saving import model_to_bytes
from visualizer.backend.uploads import load_user_model
from visualizer.errors import InputError


def small_archive() -> bytes:
    inputs = keras.Input((28, 28, 1), name="image")
    x = keras.layers.ZeroPadding2D(1, name="pad")(inputs)
    x = keras.layers.Conv2D(4, 3, name="conv")(x)
    x = keras.layers.Dropout(0.1, name="drop")(x)
    x = keras.layers.Flatten(name="flat")(x)
    x = keras.layers.Dense(8, name="hidden")(x)
    return model_to_bytes(keras.Model(inputs, keras.layers.Dense(10, activation="softmax", name="out")(x)))


def rewritten(data: bytes, change=None, weights: bytes | None = None) -> bytes:
    """The archive with its config.json changed by ``change(config)`` and/or its weight file replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "config.json" and change is not None:
                config = json.loads(body)
                change(config)
                body = json.dumps(config).encode()
            if item.filename == "model.weights.h5" and weights is not None:
                body = weights
            target.writestr(item.filename, body)
    return out.getvalue()


def layer(config: dict, name: str) -> dict:
    return next(node for node in config["config"]["layers"] if node["config"]["name"] == name)["config"]


def many_dropouts(config: dict) -> None:
    template = next(node for node in config["config"]["layers"] if node["config"]["name"] == "drop")
    for index in range(1000):  # 6,000 would pass 2 MB of config, refused before this check
        extra = copy.deepcopy(template)
        extra["config"]["name"] = f"drop_{index}"
        extra["name"] = f"drop_{index}"
        config["config"]["layers"].append(extra)


def h5_bytes(build) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as weights:
        build(weights)
    return buffer.getvalue()


def declared_gigabyte(weights) -> None:
    weights.create_dataset("layers/hidden/vars/0", shape=(2**28,), dtype="float32", chunks=(1024,))  # no data


def external_link(weights) -> None:
    weights["layers/out"] = h5py.ExternalLink("/etc/passwd", "/x")


def soft_link(weights) -> None:
    weights.create_dataset("a", data=np.zeros(3, np.float32))
    weights["layers/b"] = h5py.SoftLink("/a")


HOSTILE = {
    "Dense with 100,000 units": (lambda c: layer(c, "hidden").update(units=100_000), None, "units of 100,000"),
    "ZeroPadding2D(5000)": (lambda c: layer(c, "pad").update(padding=[[5000, 5000], [5000, 5000]]), None, "padding"),
    "an 8000x8000 input": (
        lambda c: layer(c, "image").update(batch_shape=[None, 8000, 8000, 1]),
        None,
        "input side of 8,000",
    ),
    "a 3000x3000 kernel": (lambda c: layer(c, "conv").update(kernel_size=[3000, 3000]), None, "kernel size"),
    "1,000 Dropout layers": (many_dropouts, None, "1,007 layers"),
    "a dataset declared at 1 GB": (None, declared_gigabyte, "declares more than 100 MB"),
    "an external link": (None, external_link, "links to other data"),
    "a soft link": (None, soft_link, "links to other data"),
}


def hostile(name: str) -> bytes:
    change, weights, _ = HOSTILE[name]
    return rewritten(small_archive(), change, h5_bytes(weights) if weights else None)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_file_is_refused_before_keras_builds_it(name, monkeypatch):
    import visualizer.backend.uploads as uploads

    def never(_data):
        raise AssertionError("Keras was asked to load a refused file")

    monkeypatch.setattr(uploads, "load_archive_bytes", never)
    with pytest.raises(InputError, match=HOSTILE[name][2]):
        load_user_model(hostile(name))


def test_the_small_model_still_loads_with_its_weights(tmp_path):
    data = small_archive()
    loaded = load_user_model(data)
    # The oracle: the archive's own weight file, read by Keras without the app's checks.
    path = tmp_path / "small.keras"
    path.write_bytes(data)
    reference = keras.saving.load_model(path)
    assert loaded.count_params() == reference.count_params() == 4 * (9 + 1) + (28 * 28 * 4) * 8 + 8 + 8 * 10 + 10
    for ours, theirs in zip(loaded.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from visualizer import runtime
runtime.configure()
from tests.backend.test_upload_costs import HOSTILE, hostile
from visualizer.backend.uploads import load_user_model
from visualizer.errors import InputError
files = {{name: hostile(name) for name in HOSTILE}}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
for name, data in files.items():
    try:
        load_user_model(data)
        print("LOADED", name)
    except InputError:
        pass
print("SECONDS", time.perf_counter() - started)
print("GROWTH_MB", (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def test_refusing_them_all_costs_little_time_and_memory_in_a_child_process():
    lines = child_measures(CHILD.format(root=str(ROOT)))
    assert "LOADED" not in lines, lines
    assert float(lines["SECONDS"]) < 10  # the probes: 37-100 s and +0.4 to +3.9 GB each before the checks
    assert float(lines["GROWTH_MB"]) < 100, lines


def test_a_model_is_tried_in_a_worker_first_and_one_that_explodes_there_is_refused(monkeypatch):
    from visualizer.training.worker import trial_load

    assert trial_load(small_archive()) > 0  # a plain model loads in the worker: its parameters come back
    with pytest.raises(InputError, match="units of 100,000"):
        trial_load(hostile("Dense with 100,000 units"))  # the worker's own checks refuse it, by name
    monkeypatch.setenv("CNN_VISUALIZER_WORKER_MEMORY_MB", "256")  # less than the worker itself holds
    with pytest.raises(InputError, match=r"needed more than 0\.2 GB of memory"):
        trial_load(small_archive())
    monkeypatch.delenv("CNN_VISUALIZER_WORKER_MEMORY_MB")
    assert trial_load(small_archive()) > 0  # a fresh worker took the killed one's place
