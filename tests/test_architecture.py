"""The layering the README's code map describes, enforced.

model -> backend / training -> figures -> ui, and TensorFlow only behind the backend:

- only ``backend/engine.py`` imports TensorFlow or Keras (every other backend module goes through it);
- outside ``backend/`` and the training internals (``training/fit.py``), no module imports the backend
  at module level: ``ui/``, ``data/`` and ``training/`` reach it only inside functions;
- ``model/``, ``data/``, ``numerics/``, ``figures/``, ``lessons/`` and ``training/`` never import Streamlit;
- ``numerics/`` and ``model/`` import nothing of the app above them (``numerics`` takes only the pure-data
  list of activations from ``model.activations``).

Parsing is not enough (the first page once loaded TensorFlow through a chain nobody saw), so
the last test also imports every TF-free module in a fresh interpreter and checks ``sys.modules``.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "visualizer"
HEAVY = {"tensorflow", "keras"}
ENGINE = "visualizer/backend/engine.py"
TF_INTERNALS = {"visualizer/training/fit.py"}
"""Modules outside backend/ that may import the backend at module level: they run inside a training job."""


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imports(path: Path, module_level_only: bool) -> set[str]:
    """Every module ``path`` imports (full dotted names), at module level only or anywhere in it."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    if module_level_only:  # module level includes imports under if/try at the top, not `if TYPE_CHECKING:`
        nodes = [
            node
            for top in tree.body
            if not isinstance(top, ast.FunctionDef) and not _type_checking_only(top)
            for node in ast.walk(top)
        ]
        inside = _inside_functions(tree)
        nodes = [node for node in nodes if id(node) not in inside]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _type_checking_only(node: ast.stmt) -> bool:
    """Whether ``node`` is an ``if TYPE_CHECKING:`` block (imports for type hints only, never run)."""
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _inside_functions(tree: ast.Module) -> set[int]:
    """The ids of every node inside a function or lambda (one walk per function, not one per node)."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    return {id(child) for node in ast.walk(tree) if isinstance(node, functions) for child in ast.walk(node)}


def roots(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_only_the_engine_imports_tensorflow_or_keras():
    offenders = [relative(path) for path in modules() if roots(imports(path, False)) & HEAVY]
    assert offenders == [ENGINE]
    assert not roots(imports(ROOT / "app.py", False)) & HEAVY


def test_outside_the_backend_the_backend_is_imported_only_inside_functions():
    offenders = []
    for path in modules():
        name = relative(path)
        if name.startswith("visualizer/backend/") or name in TF_INTERNALS:
            continue
        eager = {module for module in imports(path, True) if module.startswith("visualizer.backend")}
        eager |= {module for module in imports(path, True) if module.startswith("visualizer.training.fit")}
        if eager:
            offenders.append((name, sorted(eager)))
    assert offenders == []


@pytest.mark.parametrize("package", ["model", "data", "numerics", "figures", "lessons", "training", "backend"])
def test_only_the_ui_imports_streamlit(package):
    for path in (PACKAGE / package).rglob("*.py"):
        assert "streamlit" not in roots(imports(path, False)), relative(path)


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("numerics", {"visualizer.errors", "visualizer.numerics", "visualizer.model.activations"}),
        ("model", {"visualizer.errors", "visualizer.model", "visualizer.numerics"}),
        ("figures", {"visualizer.errors", "visualizer.figures", "visualizer.model", "visualizer.data"}),
    ],
)
def test_the_lower_layers_import_nothing_above_them(package, allowed):
    for path in (PACKAGE / package).rglob("*.py"):
        ours = {name for name in imports(path, False) if name.startswith("visualizer")}
        above = {name for name in ours if not any(name == a or name.startswith(f"{a}.") for a in allowed)}
        assert not above, (relative(path), sorted(above))


def test_every_tf_free_module_loads_without_tensorflow_in_a_fresh_interpreter():
    names = [
        relative(path)[:-3].replace("/", ".").removesuffix(".__init__")
        for path in modules()
        if not relative(path).startswith("visualizer/backend/")
        and relative(path) not in TF_INTERNALS
        and relative(path) != "visualizer/__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras') if m in sys.modules)\n"
        "print(heavy); sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert len(names) > 40  # the whole package, not a few modules
