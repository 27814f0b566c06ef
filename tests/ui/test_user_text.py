"""User text is text: Markdown and HTML a person types or names reach the page escaped and cut short.

Each path a person's string takes to the page gets a hostile one: a lesson id, a spec key, folder
(class) names of a zip, an image's file name, a layer name of an uploaded model. Each must arrive as
the characters typed (escaped in the Markdown Streamlit renders) and never as a link, an image or a
formula; in figures, as text Plotly does not read as HTML.
"""

import io
import json
import re
import zipfile

import keras
import pytest
from PIL import Image

from tests.helpers import open_app
from visualizer.backend.saving import model_to_bytes
from visualizer.figures.classes import probabilities_figure
from visualizer.figures.encoding import figure_text
from visualizer.model.presets import PRESETS
from visualizer.ui.keys import Inspect, Network, Train
from visualizer.ui.text import plain

HOSTILE = [
    "![t](http://host.example/t.png)",
    "[click](http://host.example)",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ `code` $x^2$",
    ":red[colour] :material/home:",
    "# heading\nnext | table |",
    "1. a list",
    "- another",
]
UNESCAPED = re.compile(r"(?<!\\)[!\[\]()<>*_`$#|]")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_escapes_every_markdown_and_html_character_and_keeps_the_text(text):
    escaped = plain(text)
    assert not UNESCAPED.search(escaped), escaped  # nothing left for Markdown to read
    assert unescape(escaped) == text.replace("\n", " ")  # and the person's characters all there
    assert unescape(plain("x" * 500, 40)) == "x" * 37 + "..."


def test_figures_show_html_in_class_names_as_text():
    assert figure_text('<a href="http://host.example">x</a>') == '&lt;a href="http://host.example"&gt;x&lt;/a&gt;'
    figure = probabilities_figure([0.5, 0.5], ["<b>one</b>", "two & <i>"])
    assert "<b>" not in json.dumps(figure.to_dict()["data"]) and "&lt;b&gt;one" in json.dumps(figure.to_dict())


def shown_texts(at) -> list[str]:
    """Every Markdown source the page sends: messages, captions, markdown, expander labels."""
    found = []
    for kind in ("error", "warning", "info", "success", "markdown", "caption"):
        found += [element.value for element in getattr(at, kind)]
    return found


def assert_literal(at, text: str) -> None:
    """``text`` is on the page, escaped (never raw Markdown)."""
    texts = shown_texts(at)
    assert any(plain(text) in shown or plain(text, 40) in shown or plain(text, 60) in shown for shown in texts), texts
    assert not any(text in shown for shown in texts if "\\" not in text), texts


def test_a_hostile_lesson_id_is_shown_as_text():
    at = open_app(lesson=HOSTILE[0])
    errors = [error.value for error in at.error]
    assert any("No lesson called" in error for error in errors), errors
    assert not any("![t](http" in error for error in errors)  # no image fetched from an outside host
    assert any(plain("'![t](http://host.example/t.png)'") in error for error in errors)


def test_a_hostile_spec_key_is_shown_as_text():
    spec = {"input_shape": [28, 28, 1], "num_classes": 10, "layers": [{"type": "conv2d", HOSTILE[1]: 1}]}
    at = open_app(spec=json.dumps(spec))  # the first page says why the link's stack was not loaded
    texts = shown_texts(at)
    assert any("[click](http" not in text and "click\\]\\(http" in text for text in texts), texts


def png(size=(8, 8), colour=(200, 10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_hostile_folder_names_become_class_names_shown_as_text(monkeypatch):
    from visualizer.data import downloads

    monkeypatch.setattr(downloads, "_can_reach", lambda host, timeout=3.0: False)
    names = ["![a](x.png)", "**b** $c$", "<i>d</i>"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for index, name in enumerate(names):
            for number in range(6):
                zipped.writestr(f"{name.replace('/', '-')}/{number}.png", png(colour=(60 * index + 40, 10, 10)))
    at = open_app("train", spec=PRESETS["starter"].to_json(indent=None))
    at.selectbox(key=Train.DATASET).set_value("own_zip").run()
    at.file_uploader(key=Train.ZIP).set_value(("<b>z</b>.zip", archive.getvalue(), "application/zip")).run()
    at.button(key=Train.BUILD_ZIP).click().run()
    assert not at.exception
    overview = next(m.value for m in at.markdown if "classes:" in m.value)
    for name in names:
        assert plain(name.replace("/", "-"), 40) in overview, overview
    assert "![a](" not in overview and "**b**" not in overview
    assert any(plain("<b>z</b>.zip") in s.value for s in at.success)  # the file name in the notice


def test_a_hostile_image_file_name_and_layer_name_are_shown_as_text():
    at = open_app("inspect")
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(2, 3, name="conv")(inputs)
    x = keras.layers.ReLU(name="**r** [l](x) $y$")(x)  # a layer the app does not know, named in Markdown
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax", name="out")(x))
    at.file_uploader(key=Network.UPLOAD).set_value(("![m](http:m).keras", model_to_bytes(model), "application/zip"))
    at.run()
    assert not at.exception
    note = next(info.value for info in at.info if "layers the app does not know" in info.value)
    assert plain("**r** [l](x) $y$", 40) in note and "**r**" not in note
    assert any(plain("![m](http:m).keras", 60) in caption.value for caption in at.caption)
    at.radio(key=Inspect.SOURCE).set_value("Upload").run()
    at.file_uploader(key=Inspect.UPLOAD).set_value(("![i](http:i).png", png((28, 28)), "image/png")).run()
    assert not at.exception
    assert any(plain("![i](http:i).png", 60) in caption.value for caption in at.caption)
    assert not any("![i](" in caption.value for caption in at.caption)
