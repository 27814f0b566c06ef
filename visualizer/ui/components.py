"""Widget groups that return values; they display controls and compute nothing else."""

from __future__ import annotations

from typing import Any

import streamlit as st

from visualizer.errors import InputError
from visualizer.spec import ACTIVATIONS, MAX_FILTERS, MAX_UNITS, MAX_WINDOW, PADDINGS
from visualizer.ui import state

_WINDOW_HELP = "Height and width of the window, in pixels of this layer's input."


def _pair_input(label: str, value: Any, key: str, help_text: str) -> int | list[int]:
    """One number input for a square size, two for a [height, width] pair."""
    if isinstance(value, list) and value[0] != value[1]:
        left, right = st.columns(2)
        height = left.number_input(f"{label} h", 1, MAX_WINDOW, int(value[0]), key=f"{key}_h", help=help_text)
        width = right.number_input(f"{label} w", 1, MAX_WINDOW, int(value[1]), key=f"{key}_w", help=help_text)
        return [int(height), int(width)]
    size = value[0] if isinstance(value, list) else value
    return int(st.number_input(label, 1, MAX_WINDOW, int(size), key=key, help=help_text))


def _select(label: str, options: tuple[str, ...], value: str, key: str, help_text: str) -> str:
    return st.selectbox(label, options, index=options.index(value), key=key, help=help_text)


def _stride_choice(value: Any, key: str) -> int | list[int] | None:
    """Pooling stride: 'as window' (None) or a number; a non-square pair is kept."""
    options = ["as window", "1", "2", "3", "4"]
    current = "as window" if value is None else (str(value) if isinstance(value, int) else f"{value[0]}x{value[1]}")
    if current not in options:
        options.append(current)
    choice = st.selectbox(
        "Stride",
        options,
        index=options.index(current),
        key=key,
        help="How far the window moves each step; 'as window' means windows do not overlap.",
    )
    if choice == "as window":
        return None
    if "x" in choice:
        height, width = choice.split("x")
        return [int(height), int(width)]
    return int(choice)


def layer_editor(layer: dict[str, Any], key: str) -> dict[str, Any]:
    """Shows the controls of one layer and returns the edited layer dict.

    Args:
        layer: The layer in its JSON form (as ``Layer.to_dict`` gives it).
        key: A prefix unique to this layer, stable while it exists.

    Returns:
        A new layer dict with the values the person set.
    """
    kind = layer["type"]
    edited = dict(layer)
    if kind == "conv2d":
        columns = st.columns([1, 1, 1, 1.2, 1.4])
        with columns[0]:
            edited["filters"] = int(
                st.number_input(
                    "Filters",
                    1,
                    MAX_FILTERS,
                    int(layer["filters"]),
                    key=f"{key}_filters",
                    help="How many kernels: each makes one feature map.",
                )
            )
        with columns[1]:
            edited["kernel_size"] = _pair_input("Kernel", layer["kernel_size"], f"{key}_kernel", _WINDOW_HELP)
        with columns[2]:
            edited["strides"] = _pair_input(
                "Stride", layer["strides"], f"{key}_strides", "How many pixels the kernel moves per step."
            )
        with columns[3]:
            edited["padding"] = _select(
                "Padding",
                PADDINGS,
                layer["padding"],
                f"{key}_padding",
                "'valid' shrinks the map by kernel - 1; 'same' pads with zeros to keep its size.",
            )
        with columns[4]:
            edited["activation"] = _select(
                "Activation", ACTIVATIONS, layer["activation"], f"{key}_activation", "Applied to every value."
            )
    elif kind in ("maxpool2d", "avgpool2d"):
        columns = st.columns(3)
        with columns[0]:
            edited["pool_size"] = _pair_input("Window", layer["pool_size"], f"{key}_pool", _WINDOW_HELP)
        with columns[1]:
            edited["strides"] = _stride_choice(layer["strides"], f"{key}_strides")
        with columns[2]:
            edited["padding"] = _select(
                "Padding",
                PADDINGS,
                layer["padding"],
                f"{key}_padding",
                "'valid' drops windows that would hang over the edge; 'same' keeps them.",
            )
    elif kind == "dense":
        columns = st.columns(2)
        with columns[0]:
            edited["units"] = int(st.number_input("Units", 1, MAX_UNITS, int(layer["units"]), key=f"{key}_units"))
        with columns[1]:
            edited["activation"] = _select(
                "Activation", ACTIVATIONS, layer["activation"], f"{key}_activation", "Applied to every unit."
            )
    elif kind == "dropout":
        edited["rate"] = float(
            st.slider(
                "Rate",
                0.0,
                0.99,
                min(float(layer["rate"]), 0.99),
                0.01,
                key=f"{key}_rate",
                help="Fraction of values set to zero at random while training.",
            )
        )
    return edited


def pending_notice() -> None:
    """Shows the message a callback or a shared link left for the person, once."""
    notice = state.pop_notice()
    if notice is not None:
        kind, text = notice
        {"success": st.success, "info": st.info}.get(kind, st.error)(text)


def keep(key: str, default: Any) -> None:
    """Restores a widget's last value before it is drawn, even after a visit to another page.

    Streamlit forgets the state of widgets that were not drawn in a run; the
    value is mirrored under another key by ``remember`` (the widget's
    ``on_change``) and put back here.
    """
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(state.kept_key(key), default)
    st.session_state[state.kept_key(key)] = st.session_state[key]


def remember(key: str) -> None:
    """``on_change`` callback that mirrors a widget's value for ``keep``."""
    st.session_state[state.kept_key(key)] = st.session_state[key]


def clicked_customdata(event: Any) -> list[int] | None:
    """The ``customdata`` of the first clicked point of an ``st.plotly_chart`` selection, as ints.

    Takes the value ``st.plotly_chart(on_select=...)`` returns or its session-state copy. The
    browser may send an array point as ``{"0": a, "1": b}`` and a scalar as a number: both become a list.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        data = point.get("customdata")
        if isinstance(data, dict):
            data = [data[key] for key in sorted(data, key=int)]
        elif isinstance(data, (int, float)):
            data = [data]
        if isinstance(data, (list, tuple)) and data and None not in data:
            return [int(value) for value in data]
    return None


def class_label(class_names: list[str], index: int) -> str:
    """The name of class ``index``, or its number when the model predicts more classes than are named."""
    return class_names[index] if index < len(class_names) else str(index)


# Lessons and presenter mode.

PRESENTER_CSS = """
<style>
html, .stApp { font-size: 21px; }
.stApp h1 { font-size: 3rem; }
.stApp h2, .stApp h3 { font-size: 2.1rem; }
.stMarkdown p, .stMarkdown li, .stCaption, label p { font-size: 1.15rem !important; }
.stPlotlyChart svg text { font-size: 17px !important; }
.stPlotlyChart .legend text { font-size: 16px !important; }
</style>
"""


def sync_lesson() -> None:
    """Opens the lesson named in the URL (``?lesson=<id>``) once; a bad name becomes a notice."""
    from visualizer.lessons import load_lesson

    requested = st.query_params.get(state.LESSON_PARAM)
    current = state.lesson()
    if not requested or (current is not None and current.id == requested):
        return
    try:
        state.apply_lesson(load_lesson(requested))
    except InputError as error:
        state.set_notice("error", f"The lesson link could not be opened: {error}")
        return
    st.session_state["lesson_just_opened"] = True


def pop_lesson_switch() -> Any:
    """The lesson just opened from a link (once), so the app can go to its page."""
    if st.session_state.pop("lesson_just_opened", False):
        return state.lesson()
    return None


def _leave() -> None:
    state.leave_lesson()
    st.query_params.pop(state.LESSON_PARAM, None)


def lesson_panel() -> None:
    """The sidebar card of the lesson being followed: steps, the teacher's notes, a shareable link."""
    from visualizer.ui.pages import PAGE_FILES

    current = state.lesson()
    if current is None:
        return
    with st.sidebar.container(border=True):
        st.markdown(f"**Lesson: {current.title}**")
        st.caption(current.summary)
        st.markdown("\n".join(f"{index}. {step}" for index, step in enumerate(current.steps, 1)))
        if current.learn_view and current.page != "learn":
            st.page_link(
                PAGE_FILES["learn"],
                label=f"The idea: Learn · {current.learn_view}",
                icon=":material/school:",
                query_params={"view": current.learn_view},
            )
        if current.page != "home":
            st.page_link(
                PAGE_FILES[current.page],
                label=f"Back to the lesson's page ({current.page.title()})",
                icon=":material/flag:",
                query_params={state.LESSON_PARAM: current.id},
            )
        if current.notes:
            with st.expander("Teacher's notes"):
                st.markdown(current.notes)
        st.caption(f"Share it: add `?lesson={current.id}` to the app's address.")
        st.button("Leave the lesson", key="lesson_leave", on_click=_leave, icon=":material/logout:")


def presenter_toggle() -> bool:
    """The sidebar switch for presenter mode (``?present=1`` turns it on); returns whether it is on."""
    if st.query_params.get(state.PRESENTER_PARAM) == "1" and state.kept_key(state.PRESENTER) not in st.session_state:
        state.preset_widget(state.PRESENTER, True)
    keep(state.PRESENTER, False)
    on = st.sidebar.toggle(
        "Presenter mode",
        key=state.PRESENTER,
        on_change=remember,
        args=(state.PRESENTER,),
        help="For a projector: large type and figures, editing controls hidden.",
    )
    if on:
        st.html(PRESENTER_CSS)
    return on


IMAGE_TYPES = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"]


def image_upload(key: str) -> tuple[Any, str]:
    """An image uploader; returns (the decoded PIL image, its file name), or (None, "") with a message shown."""
    from visualizer.images import load_image

    uploaded = st.file_uploader("PNG, JPEG, GIF, BMP, WebP or TIFF", type=IMAGE_TYPES, key=key)
    if uploaded is None:
        return None, ""
    try:
        return load_image(uploaded.getvalue()), uploaded.name
    except InputError as error:
        st.error(f"{uploaded.name}: {error}")
        return None, ""
