"""AppTest of the Home page, the first page a person sees."""

import json

from tests.helpers import open_app
from visualizer.model.presets import PRESETS


def test_home_describes_the_current_network():
    at = open_app()
    assert at.title[0].value == "CNN Visualizer"
    text = " ".join(m.value for m in at.markdown)
    assert "LeNet-5" in text and "61,706 parameters" in text
    assert "28x28x1 → 28x28x6" in text


def test_home_names_a_shared_stack_and_warns_about_an_unbuildable_one():
    at = open_app(spec=PRESETS["tinyvgg"].to_json(indent=None))
    assert any("Loaded the stack from the shared link" in s.value for s in at.success)
    assert "19,920 parameters" in " ".join(m.value for m in at.markdown)

    broken = open_app(
        spec=json.dumps(
            {
                "input_shape": [4, 4, 1],
                "num_classes": 2,
                "layers": [{"type": "conv2d", "filters": 2, "kernel_size": 5}],
            }
        )
    )
    assert any("can't be built yet" in w.value for w in broken.warning)


def test_one_primary_button_starts_on_a_trained_network_and_the_steps_are_links():
    at = open_app()
    primary = [button for button in at.button if button.proto.type == "primary"]
    assert [button.label for button in primary] == ["Look inside a trained network"]
    links = [link.proto.label for link in at.get("page_link")]
    assert links[:4] == ["1 · Build", "2 · Train", "3 · Look inside", "4 · Learn the ideas"]
    primary[0].click().run()
    assert not at.exception
    assert any(component.proto.component_name.endswith("network_overview") for component in at.get("bidi_component"))
