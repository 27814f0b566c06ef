"""The Home page: what the tool does, the network in hand, and where to go next.

It is the first page a person sees, so it stays light: text and links only,
no figure library to load and no TensorFlow.
"""

from __future__ import annotations

import streamlit as st

from visualizer.errors import InputError
from visualizer.lessons import lesson_ids, load_lesson
from visualizer.model.checks import format_shape
from visualizer.model.plan import summarize_until_error
from visualizer.model.presets import preset_title
from visualizer.ui import components, keys, session
from visualizer.ui.pages import PAGE_FILES
from visualizer.ui.text import say

STEPS = [
    (
        "build",
        "1 · Build",
        "Stack convolution, pooling, dense and dropout layers, or start from LeNet-5 or Tiny VGG. "
        "Every shape and parameter count is exact and updates as you type.",
    ),
    (
        "train",
        "2 · Train",
        "Train on real handwritten digits or generated shapes while the loss and accuracy curves grow live.",
    ),
    (
        "inspect",
        "3 · Look inside",
        "See the kernels, the feature maps of your own image, the arithmetic of one convolution step, "
        "and where the network looks (Grad-CAM).",
    ),
    (
        "learn",
        "4 · Learn the ideas",
        "Activation functions and their gradients, classic kernels such as Sobel and blur, pooling and "
        "dropout, each one live.",
    ),
]  # the steps of the tour: the page each opens, its title and what it does


def _current_network() -> None:
    spec, error = session.current_spec()
    with st.container(border=True):
        st.markdown("#### Your network")
        if spec is None:
            say("warning", f"The stack in the Build page cannot be read: {error}")
            return
        rows, shape_error = summarize_until_error(spec)
        name = preset_title(spec) or "Your own stack"
        layers = len(spec.layers)
        if shape_error is not None:
            st.markdown(f"**{name}** · {layers} layers · input {format_shape(spec.input_shape)}")
            say("warning", f"It can't be built yet: {shape_error}")
        else:
            params = sum(row.params for row in rows)
            path = " → ".join(format_shape(row.output_shape) for row in rows)
            st.markdown(
                f"**{name}** · {len(rows)} Keras layers · **{params:,} parameters**  \n"
                f"{format_shape(spec.input_shape)} → {path}"
            )
        st.page_link(PAGE_FILES["build"], label="Open it in Build", icon=":material/construction:")


def render() -> None:
    st.title("CNN Visualizer")
    st.markdown(
        "Build a convolutional neural network, watch it learn, and look inside it: how a kernel slides "
        "over an image, what every layer makes of **your** picture, and how all of it changes while the "
        "network trains. Everything runs on this machine, offline."
    )
    components.pending_notice()
    start, note = st.columns([1, 2], vertical_alignment="center")
    if start.button("Look inside a trained network", key=keys.Home.START, type="primary", icon=":material/visibility:"):
        st.switch_page(PAGE_FILES["inspect"])
    note.caption("LeNet-5, trained on handwritten digits, ships with the app: no training, no waiting.")
    st.markdown("#### How it works")
    for column, (page, title, text) in zip(st.columns(len(STEPS)), STEPS, strict=True):
        with column:
            st.page_link(PAGE_FILES[page], label=title)
            st.caption(text)
    _current_network()
    _lessons()


def _lessons() -> None:
    st.markdown("#### Lessons")
    st.caption("Each one sets up the app for a class in one click; its link can be shared with the students.")
    columns = st.columns(3)
    for index, lesson_id in enumerate(lesson_ids()):
        try:
            lesson = load_lesson(lesson_id)
        except InputError as error:
            columns[index % 3].warning(f"Lesson {lesson_id} can't be read: {error}")
            continue
        with columns[index % 3].container(border=True):
            st.markdown(f"**{lesson.title}**")
            st.caption(lesson.summary)
            st.page_link(
                PAGE_FILES[lesson.page],
                label="Open the lesson",
                icon=":material/play_lesson:",
                query_params={keys.LESSON_PARAM: lesson.id},
            )


if __name__ == "__main__":
    render()
