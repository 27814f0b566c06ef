"""Import rules: the first page must render before TensorFlow is loaded."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TENSORFLOW_FREE = [
    "visualizer/spec.py",
    "visualizer/shapes.py",
    "visualizer/figures.py",
    "visualizer/codegen.py",
    "visualizer/activations.py",
    "visualizer/kernels.py",
    "visualizer/presets.py",
    "visualizer/errors.py",
    "visualizer/variants.py",
    "visualizer/lessons/__init__.py",
]
HEAVY = {"tensorflow", "keras"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("relative", TENSORFLOW_FREE)
def test_light_modules_import_no_tensorflow(relative):
    assert not imported_modules(ROOT / relative) & HEAVY


def test_figures_and_numbers_never_import_streamlit():
    for path in (ROOT / "visualizer").glob("*.py"):
        assert "streamlit" not in imported_modules(path), path.name


def test_ui_never_imports_tensorflow_or_keras_itself():
    for path in (ROOT / "visualizer" / "ui").rglob("*.py"):
        assert not imported_modules(path) & HEAVY, path.name
    assert not imported_modules(ROOT / "app.py") & HEAVY


def test_first_page_modules_load_without_tensorflow():
    code = (
        "import sys; import visualizer.ui.pages.build, visualizer.ui.state; "
        "heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
