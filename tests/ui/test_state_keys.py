"""Session state has one home: every key is named in ``ui/state.py``, and nothing else touches it.

A page that writes ``key="my_widget"`` or reaches into ``st.session_state`` fails here; it takes
the key from ``state`` (``state.Train.EPOCHS``, ``state.Inspect.maps(layer)``) and reads and writes
through ``state``'s functions instead.
"""

import ast
from pathlib import Path

from tests.helpers import ROOT

STATE = ROOT / "visualizer" / "ui" / "state.py"
CHECKED = sorted([*(ROOT / "visualizer" / "ui").rglob("*.py"), ROOT / "app.py"])


def raw_keys(path: Path) -> list[str]:
    """``key=`` arguments written as a string or an f-string, and every use of ``session_state``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "key" and isinstance(keyword.value, (ast.Constant, ast.JoinedStr)):
                    found.append(f"{path.name}:{node.lineno} key={ast.unparse(keyword.value)}")
        if isinstance(node, ast.Attribute) and node.attr == "session_state":
            found.append(f"{path.name}:{node.lineno} session_state")
        if isinstance(node, ast.Name) and node.id == "session_state":
            found.append(f"{path.name}:{node.lineno} session_state")
    return found


def test_no_module_but_state_names_a_key_or_touches_session_state():
    offenders = [item for path in CHECKED if path != STATE for item in raw_keys(path)]
    assert offenders == []
    assert len(CHECKED) > 10  # every page, component and the router are checked


def test_the_check_would_catch_a_raw_key(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\n"
        "st.slider('x', 0, 1, key='raw')\n"
        "st.toggle('y', key=f'raw_{1}')\n"
        "st.session_state['z'] = 1\n"
    )
    assert len(raw_keys(page)) == 3
