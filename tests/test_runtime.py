"""runtime.configure(): the process settings in one call, made before TensorFlow starts."""

import os
import subprocess
import sys

from PIL import Image

from tests.helpers import ROOT
from visualizer import runtime
from visualizer.data.images import MAX_IMAGE_PIXELS

PROBE = """
import builtins, json, os, sys
sys.path.insert(0, {root!r})
seen = {{}}
original = builtins.__import__

def spy(name, *args, **kwargs):  # what the environment held when TensorFlow was first imported
    if name.split(".")[0] == "tensorflow" and "threads" not in seen:
        seen["threads"] = [os.environ.get("TF_NUM_INTRAOP_THREADS"), os.environ.get("TF_NUM_INTEROP_THREADS")]
        seen["log"] = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    return original(name, *args, **kwargs)

builtins.__import__ = spy
from visualizer.backend.engine import tf
from PIL import Image
seen["pixels"] = Image.MAX_IMAGE_PIXELS
print(json.dumps(seen))
"""


def clean_environment(**extra: str) -> dict[str, str]:
    keep = {key: value for key, value in os.environ.items() if not key.startswith(("TF_", "CNN_VISUALIZER_"))}
    return {**keep, **extra}


def run_probe(**extra: str) -> dict:
    import json

    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=str(ROOT))],
        cwd=ROOT,
        env=clean_environment(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_backend_starts_tensorflow_configured_even_when_nobody_called_configure():
    found = run_probe()
    assert found["threads"] == ["1", "1"]  # one thread per op (the other core serves the pages), set in time
    assert found["log"] == "2" and found["pixels"] == MAX_IMAGE_PIXELS


def test_a_deployment_can_choose_the_threads():
    assert run_probe(CNN_VISUALIZER_TF_THREADS="2")["threads"] == ["2", "2"]
    assert run_probe(TF_NUM_INTRAOP_THREADS="3")["threads"] == ["3", "1"]  # a value already set wins


def test_configure_is_idempotent_and_sets_the_pillow_guard(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10**9)
    runtime.configure()
    runtime.configure()
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"
