"""The first page renders without TensorFlow, proven the strong way: the real app.py, run, in a fresh interpreter.

Parsing imports is not enough: the first page once loaded TensorFlow through a chain
(app.py -> a lesson helper -> lessons -> training -> Keras) that no import of app.py showed.
So a fresh Python runs ``app.py`` in AppTest for the URLs a person opens first (the Home page,
a shared stack, lessons whose page needs no network) and reports ``sys.modules`` after each.
"""

import json
import subprocess
import sys

from tests.helpers import APP, ROOT
from visualizer.model.presets import PRESETS

PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
results = []
for params in json.loads(sys.argv[2]):
    at = AppTest.from_file(sys.argv[1], default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    results.append({
        "params": params,
        "exception": [str(item.value) for item in at.exception],
        "title": [item.value for item in at.title],
        "notices": [item.value for item in [*at.success, *at.error]],
        "heavy": sorted(m for m in ("tensorflow", "keras") if m in sys.modules),
    })
print(json.dumps(results))
"""

URLS = [
    {},
    {"spec": PRESETS["tinyvgg"].to_json(indent=None)},
    {"lesson": "pooling"},
    {"lesson": "overfitting"},
    {"lesson": "nope"},
    {"present": "1"},
]


def test_the_first_pages_never_load_tensorflow():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, APP, json.dumps(URLS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    runs = json.loads(result.stdout.strip().splitlines()[-1])
    assert [run["params"] for run in runs] == URLS
    for run in runs:
        assert run["exception"] == [], run
        assert run["heavy"] == [], f"{run['params']} loaded {run['heavy']}"
    titles = [run["title"][0] if run["title"] else None for run in runs]
    # Each URL really rendered its page: Home, Home with the shared stack, the lessons' pages.
    assert titles == ["CNN Visualizer", "CNN Visualizer", "Learn", "Compare", "CNN Visualizer", "CNN Visualizer"]
    assert any("Loaded the stack from the shared link" in notice for notice in runs[1]["notices"])
    assert any("No lesson called 'nope'" in notice for notice in runs[4]["notices"])
