"""AppTest of the Compare page: two variants train on the same data and seed and are shown side by side."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
COMPARE = "visualizer/ui/pages/compare.py"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(COMPARE).run()
    assert not at.exception, at.exception
    return at


def test_only_changes_that_apply_are_offered(app):
    options = app.selectbox(key="compare_variant").options
    assert "with dropout (rate 0.5) before each dense layer and the output" in options
    assert "without its dropout layers" not in options  # LeNet-5 has no dropout to remove


def test_train_with_and_without_dropout_side_by_side(app):
    app.selectbox(key="compare_variant").set_value("add_dropout")
    app.slider(key="compare_epochs").set_value(2)
    app.select_slider(key="compare_subset").set_value(100)
    app.number_input(key="compare_seed").set_value(7).run()
    app.button(key="compare_start").click().run()
    assert not app.exception
    runs = app.session_state["compare_runs"]
    first, second = runs["jobs"]
    assert first.config == second.config and first.config.seed == 7
    assert first.dataset is second.dataset and len(first.dataset.y_train) == 100
    assert [layer.type for layer in second.spec.layers].count("dropout") == 3
    for job in runs["jobs"]:
        assert job.wait(300) and job.status().state == "finished"
    app.run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["network"]) == runs["labels"]
    from visualizer.training import evaluate

    assert table["test accuracy"][0] == f"{evaluate(first.model, first.dataset).accuracy:.1%}"  # dropout off
    curves = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert len(curves["data"]) == 8
    assert len(app.get("plotly_chart")) == 3  # the curves and each network's first-layer kernels
