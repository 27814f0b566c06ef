"""Page scripts show no stray text: Streamlit's "magic" writes every bare string of a page script on the page.

A docstring after a constant (``X = 1`` then ``\"\"\"What X is.\"\"\"``) is a bare string to Streamlit: on a
page it must be a comment instead. The module docstring at the top is not shown.
"""

import ast

import pytest

from tests.helpers import ROOT
from visualizer.ui.pages import PAGE_FILES

SCRIPTS = ["app.py", *sorted(PAGE_FILES.values())]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_page_script_has_no_bare_string_but_its_docstring(script):
    tree = ast.parse((ROOT / script).read_text())
    stray = [
        node.lineno
        for node in tree.body[1:]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    ]
    assert stray == [], f"{script}: bare strings at lines {stray} would be shown on the page"
