"""Layer kinds are spelled only in ``model/``: every other module asks the registry what a layer does.

What the overview links, what the step explainer walks, which layer Grad-CAM and the filter
views pick, whether a layer has a kernel: each is a trait of the layer's registry entry
(``Layer.links``, ``walk``, ``kernel``...), read through ``blocks.traits(kind)`` or
``NetworkInfo.names(trait)``. A string equal to a layer kind anywhere else in ``visualizer/``
(Python or the components' JavaScript) fails here, so a new layer kind is taught in one place.
"""

import ast
import re

from tests.helpers import ROOT
from visualizer import vocabulary
from visualizer.model.blocks import BLOCKS, KINDS

PACKAGE = ROOT / "visualizer"
FIELDS = {name for cls in KINDS.values() for name in cls.field_names()}
FIELDS |= {key for cls in BLOCKS.values() for key in cls.keys}
LAYER_KINDS = (set(KINDS) | set(BLOCKS)) - FIELDS
"""The kinds checked: ``activation`` is also a field of conv, dense and residual layers, so it is left out."""
TOPIC_IDS = {"visualizer/vocabulary.py", "visualizer/ui/learn/concepts.py"}
"""Where a Learn topic's id (``dense``, ``dropout``: spelled like a layer kind, naming a topic) may stand."""


def kind_strings(text: str, name: str) -> list[str]:
    """The string constants of a Python source (or the quoted strings of a JS one) equal to a layer kind."""
    if name.endswith(".py"):
        found = [node.value for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Constant)]
    else:
        found = re.findall(r"""["'`]([a-z0-9_]+)["'`]""", text)
    allowed = set(vocabulary.LEARN_TOPICS) if name in TOPIC_IDS else set()
    return [value for value in found if isinstance(value, str) and value in LAYER_KINDS - allowed]


def test_no_layer_kind_is_spelled_outside_the_model_package():
    offenders = {}
    sources = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.js"), *PACKAGE.rglob("*.mjs")]
    for path in sources:
        name = path.relative_to(ROOT).as_posix()
        if name.startswith("visualizer/model/"):
            continue
        found = kind_strings(path.read_text(), name)
        if found:
            offenders[name] = sorted(set(found))
    assert offenders == {}
    assert len(sources) > 80  # every module and script was read


def test_the_check_catches_a_kind_in_python_and_in_javascript():
    assert kind_strings('names = info.names("conv2d")\n', "visualizer/ui/x.py") == ["conv2d"]
    assert kind_strings('if (column.merge === "add") return;', "visualizer/ui/x.js") == ["add"]
    assert kind_strings('TOPIC = "dense"\n', "visualizer/ui/learn/concepts.py") == []  # a topic id there
    assert kind_strings('TOPIC = "dense"\n', "visualizer/ui/inspect/x.py") == ["dense"]
    assert kind_strings('"""Each conv2d layer."""\n', "visualizer/ui/x.py") == []  # prose is not a kind


def test_every_layer_kind_declares_what_the_views_do_with_it():
    for kind, cls in KINDS.items():
        assert cls.links in {"all", "same", "channel", "stacked"}, kind
        assert cls.walk in {None, "convolution", "pooling"}, kind
        assert (cls.walk is not None) == (cls.reach == "window"), kind  # a window layer is walked
        assert not cls.kernel or cls.weighted, kind  # a kernel learns
    assert [kind for kind, cls in KINDS.items() if cls.scores] == ["dense"]
