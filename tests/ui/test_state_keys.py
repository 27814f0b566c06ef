"""Session state has one home: keys are names declared in ``ui/keys.py`` (or a tab's or topic's ``Keys``),
and only ``ui/session.py`` and the epoch player (``ui/player.py``) touch ``st.session_state``.

A page that writes ``key="my_widget"`` or reaches into ``st.session_state`` fails here; it takes
the key from ``keys`` (``keys.Train.EPOCHS``) or its module's ``Keys`` and reads and writes
through ``session``'s functions instead.
"""

import ast
from pathlib import Path

from tests.helpers import ROOT

OWNERS = {ROOT / "visualizer" / "ui" / "session.py", ROOT / "visualizer" / "ui" / "player.py"}
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


def test_no_module_but_the_session_names_a_key_or_touches_session_state():
    offenders = [item for path in CHECKED if path not in OWNERS for item in raw_keys(path)]
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


def declared_keys(holder) -> list[str]:
    """The key strings a key class (or a ``StepKeys``) declares; a key method is called with placeholders."""
    import inspect

    found = []
    for name, value in vars(holder).items():
        if name.startswith("_"):
            continue
        if isinstance(value, str) and name != "prefix":
            found.append(value)
        elif isinstance(value, staticmethod):
            arguments = [
                0 if parameter.annotation in (int, "int") else "x"
                for parameter in inspect.signature(value.__func__).parameters.values()
            ]
            found.append(value.__func__(*arguments))
    return found


def test_every_declared_key_is_unique_and_under_its_page_s_prefix():
    from visualizer.ui import keys
    from visualizer.ui.inspect import TABS
    from visualizer.ui.learn import TOPICS

    found: list[str] = []
    for holder in (keys.App, keys.Home, keys.Build, keys.Train, keys.Network, keys.Inspect, keys.Compare, keys.Learn):
        found += declared_keys(holder)
    for tab in TABS:
        own = declared_keys(tab.keys)
        assert own and all(key.startswith("inspect_") for key in own), tab.id
        found += own
    for topic in TOPICS.values():
        own = declared_keys(topic.keys)
        assert all(key.startswith("learn_") for key in own), topic.id
        found += own
    assert len(found) > 150
    duplicates = sorted({key for key in found if found.count(key) > 1})
    assert duplicates == []
