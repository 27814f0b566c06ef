"""The editable stack as plain data: every edit, and the round trip to and from ``ModelSpec``, without Streamlit."""

import subprocess
import sys

import pytest

from tests.helpers import ROOT
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.ui.stack import EditableStack, entry_dict


def loaded(name: str) -> EditableStack:
    editable = EditableStack()
    editable.load(PRESETS[name])
    return editable


def test_loading_a_spec_and_reading_it_back_is_the_same_spec():
    for name, spec in PRESETS.items():
        editable = loaded(name)
        assert editable.to_spec() == (spec, None), name
        assert ModelSpec.from_json(editable.to_json()) == spec


def test_every_entry_and_inner_layer_has_its_own_uid_and_a_reload_gives_fresh_ones():
    editable = loaded("resnet_small")
    uids = [entry["uid"] for entry in editable.entries]
    uids += [inner["uid"] for entry in editable.entries for path in entry.get("paths", []) for inner in path]
    assert len(uids) == len(set(uids)) == editable.next_uid
    editable.load(PRESETS["resnet_small"])
    assert min(entry["uid"] for entry in editable.entries) >= len(uids)


def test_add_move_duplicate_remove():
    editable = loaded("lenet5")
    count = len(editable.entries)
    editable.add_layer("dropout")
    assert editable.entries[-1]["layer"]["type"] == "dropout" and len(editable.entries) == count + 1
    last, before = editable.entries[-1]["uid"], editable.entries[-2]["uid"]
    editable.move_layer(last, -1)
    assert [entry["uid"] for entry in editable.entries[-2:]] == [last, before]
    editable.move_layer(editable.entries[0]["uid"], -1)  # the first cannot move up: nothing changes
    assert editable.entries[-2]["uid"] == last
    editable.duplicate_layer(last)
    copy = editable.entries[-2]
    assert copy["uid"] != last and copy["layer"] == editable.find(last)["layer"]
    copy["layer"]["rate"] = 0.9  # a copy, not the same dict
    assert editable.find(last)["layer"]["rate"] != 0.9
    editable.remove_layer(last)
    with pytest.raises(KeyError):
        editable.find(last)


def test_blocks_paths_branches_and_their_limits():
    editable = EditableStack()
    editable.add_layer("branch")
    block = editable.entries[-1]
    paths = len(block["paths"])
    editable.add_inner_layer(block["uid"], 0, "conv2d")
    assert block["paths"][0][-1]["layer"]["type"] == "conv2d"
    inner = block["paths"][0][-1]["uid"]
    assert editable.find(inner) is block["paths"][0][-1]
    for _ in range(10):
        editable.add_branch(block["uid"])
    assert len(block["paths"]) == 4 > paths  # MAX_BRANCHES
    for _ in range(10):
        editable.remove_branch(block["uid"], 1)
    assert len(block["paths"]) == 2  # at least two
    assert entry_dict(block)["type"] == "branch"
    assert len(entry_dict(block)["branches"]) == 2


def test_copy_is_independent():
    editable = loaded("lenet5")
    kept = editable.copy()
    editable.add_layer("dense")
    editable.entries[0]["layer"]["filters"] = 99
    assert len(kept.entries) == len(editable.entries) - 1
    assert kept.entries[0]["layer"]["filters"] != 99


def test_the_stack_loads_without_streamlit_in_a_fresh_interpreter():
    code = "import sys, visualizer.ui.stack; print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"
