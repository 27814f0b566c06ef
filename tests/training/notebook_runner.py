"""Runs notebooks' code cells top to bottom, as Jupyter would, and records what the tests compare with the app.

    python tests/training/notebook_runner.py out.npz first.ipynb [second.ipynb ...]

Started by ``tests/training/test_notebook.py`` in a directory of its own and without this project on the
path: the notebook must run with the dependencies alone. Each notebook runs in a fresh namespace; what it
``show()``s is collected instead of opening a browser. Written to ``out.npz`` per notebook ``k``: the
model's weights right after the cell that built it, samples and sums of the data, the history, the test
accuracy, the parameter count and the figures shown.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys

import numpy as np
import plotly.basedatatypes


def run(path: str, index: int, shown: list) -> dict[str, np.ndarray]:
    """Executes one notebook's code cells; returns its records, keyed ``k<index>_<what>``."""
    with open(path, encoding="utf-8") as file:
        notebook = json.load(file)
    namespace: dict = {"__name__": "__main__"}
    starting_weights = None
    printed = io.StringIO()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        with contextlib.redirect_stdout(printed):
            exec(compile("".join(cell["source"]), f"{path}:{cell['id']}", "exec"), namespace)
        model = namespace.get("model")
        if starting_weights is None and model is not None and hasattr(model, "get_weights"):
            starting_weights = [np.array(weight) for weight in model.get_weights()]
    x_train, x_test = namespace["x_train"], namespace["x_test"]
    history = {key: [float(value) for value in values] for key, values in namespace["history"].history.items()}
    records = {
        "params": np.array(namespace["model"].count_params()),
        "x_train_head": x_train[:3],
        "x_train_last": x_train[-1],
        "x_test_last": x_test[-1],
        "x_sums": np.array([x_train.astype(np.float64).sum(), x_test.astype(np.float64).sum()]),
        "y_train": namespace["y_train"],
        "y_test": namespace["y_test"],
        "history": np.array(json.dumps(history)),
        "test_accuracy": np.array(namespace["test_accuracy"]),
        "class_names": np.array(namespace["CLASS_NAMES"]),
        "figures": np.array(json.dumps(shown)),
        "printed": np.array(printed.getvalue()),
        "project_imported": np.array("visualizer" in sys.modules),
    }
    records |= {f"weight_{number}": weight for number, weight in enumerate(starting_weights or [])}
    shown.clear()
    return {f"k{index}_{key}": value for key, value in records.items()}


def main(argv: list[str]) -> int:
    out, paths = argv[0], argv[1:]
    shown: list = []
    # fig.show() records the figure's kind and titles instead of opening a browser.
    plotly.basedatatypes.BaseFigure.show = lambda figure, *args, **kwargs: shown.append(  # type: ignore[method-assign]
        {"traces": [trace.type for trace in figure.data], "titles": [a.text for a in figure.layout.annotations]}
    )
    records: dict[str, np.ndarray] = {}
    for index, path in enumerate(paths):
        records |= run(path, index, shown)
    np.savez(out, **records)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
