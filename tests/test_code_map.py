"""The README's code map names every module: a newcomer finds each file in the table, in its folder's row.

Each folder under ``visualizer/`` that holds code has a row (`` `visualizer/ui/inspect/` ``); every
Python module, script and style sheet in it is named in that row (`` `probes.py` ``). A new module
missing from the map, or a row left behind by a deleted one, fails here.
"""

import re

from tests.helpers import ROOT

PACKAGE = ROOT / "visualizer"
CODE = (".py", ".js", ".mjs", ".css", ".json")


def code_map(readme: str) -> dict[str, str]:
    """Folder (``visualizer/ui/inspect/``) -> the text of its row in the README's code map."""
    section = readme.split("## Code map", 1)[1]
    rows = {}
    for line in section.splitlines():
        found = re.match(r"^\| `(visualizer/[^`]*)` \|(.*)$", line)
        if found:
            rows[found.group(1)] = found.group(2)
    return rows


def modules() -> dict[str, list[str]]:
    """Folder -> the code files in it (the lessons' JSON files are data, named by the lessons' row as a glob)."""
    found: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*"):
        if path.suffix not in CODE or "__pycache__" in path.parts:
            continue
        folder = path.parent.relative_to(ROOT).as_posix() + "/"
        name = "*.json" if folder == "visualizer/lessons/" and path.suffix == ".json" else path.name
        found.setdefault(folder, [])
        if name not in found[folder]:
            found[folder].append(name)
    return found


def missing(readme: str) -> list[str]:
    rows = code_map(readme)
    gaps = [f"{folder} (no row)" for folder in modules() if folder not in rows]
    gaps += [
        f"{folder}{name}"
        for folder, names in modules().items()
        if folder in rows
        for name in names
        if f"`{name}`" not in rows[folder]
    ]
    gaps += [f"{folder} (a row for a folder that is gone)" for folder in rows if folder not in modules()]
    return sorted(gaps)


def test_every_module_under_visualizer_is_in_the_readme_s_code_map():
    assert missing((ROOT / "README.md").read_text()) == []
    assert sum(len(names) for names in modules().values()) > 120


def test_the_check_catches_a_module_left_out():
    readme = (ROOT / "README.md").read_text()
    assert missing(readme.replace("`probes.py`", "probes")) == ["visualizer/ui/inspect/probes.py"]
    assert missing(readme.replace("| `visualizer/ui/learn/` |", "| learn |")) == ["visualizer/ui/learn/ (no row)"]
