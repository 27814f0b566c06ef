"""Widget groups shared by the pages; they display controls and return values, and compute nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from visualizer.errors import InputError
from visualizer.model.checks import MAX_WINDOW, counted, format_shape, shown
from visualizer.model.layers import editor_fields
from visualizer.model.plan import summarize_until_error
from visualizer.model.presets import preset_title
from visualizer.model.spec import ModelSpec
from visualizer.ui import keys, session
from visualizer.ui.pages import PAGE_FILES
from visualizer.ui.text import say

if TYPE_CHECKING:  # the first page draws none of these widgets: it need not load NumPy for them
    from visualizer.data.dataset import Dataset

# The layer editor: one widget per field, as the registry describes it.


def _pair_input(label: str, value: Any, uid: int, name: str, help_text: str | None) -> int | list[int]:
    """One number input for a square size, two for a [height, width] pair."""
    if isinstance(value, list) and value[0] != value[1]:
        left, right = st.columns(2)
        height = left.number_input(
            f"{label} h", 1, MAX_WINDOW, int(value[0]), key=keys.Build.layer(uid, f"{name}_h"), help=help_text
        )
        width = right.number_input(
            f"{label} w", 1, MAX_WINDOW, int(value[1]), key=keys.Build.layer(uid, f"{name}_w"), help=help_text
        )
        return [int(height), int(width)]
    size = value[0] if isinstance(value, list) else value
    return int(st.number_input(label, 1, MAX_WINDOW, int(size), key=keys.Build.layer(uid, name), help=help_text))


def _stride_choice(label: str, value: Any, key: str, help_text: str | None) -> int | list[int] | None:
    """Pooling stride: 'as window' (None) or a number; a non-square pair is kept."""
    options = ["as window", "1", "2", "3", "4"]
    current = "as window" if value is None else (str(value) if isinstance(value, int) else f"{value[0]}x{value[1]}")
    if current not in options:
        options.append(current)
    picked = st.selectbox(label, options, index=options.index(current), key=key, help=help_text)
    if picked == "as window":
        return None
    if "x" in picked:
        height, width = picked.split("x")
        return [int(height), int(width)]
    return int(picked)


def _field_input(editor: dict[str, Any], value: Any, uid: int, name: str) -> Any:
    """The widget that edits field ``name`` of layer ``uid``, as its registry metadata says; returns the value set."""
    label, help_text, widget = editor["label"], editor.get("help") or None, editor["widget"]
    key = keys.Build.layer(uid, name)
    if widget == "count":
        return int(st.number_input(label, 1, editor["maximum"], int(value), key=key, help=help_text))
    if widget == "pair":
        return _pair_input(label, value, uid, name, help_text)
    if widget == "pool_strides":
        return _stride_choice(label, value, key, help_text)
    if widget == "choice":
        options = tuple(editor["options"])
        return st.selectbox(label, options, index=options.index(value), key=key, help=help_text)
    if widget == "rate":
        return float(st.slider(label, 0.0, 0.99, min(float(value), 0.99), 0.01, key=key, help=help_text))
    raise ValueError(f"Unknown editor widget {widget!r}")  # pragma: no cover - the registry test checks them


WIDGET_WIDTHS = {"choice": 1.7, "pool_strides": 1.5}
"""Room for each kind of editor widget relative to a number box: a select shows its whole value ("same")."""


def layer_editor(layer: dict[str, Any], uid: int) -> dict[str, Any]:
    """Shows the controls of one layer and returns the edited layer dict.

    Args:
        layer: The layer in its JSON form (as ``Layer.to_dict`` gives it).
        uid: The layer's stable id, which names its widgets.

    Returns:
        A new layer dict with the values the person set.
    """
    edited = dict(layer)
    fields = editor_fields(layer["type"])
    if not fields:
        return edited
    widths = [editor.get("width", WIDGET_WIDTHS.get(editor["widget"], 1.0)) for _, editor in fields]
    columns = st.columns(widths) if len(fields) > 1 else [st.container()]
    for column, (name, editor) in zip(columns, fields, strict=True):
        with column:
            edited[name] = _field_input(editor, layer[name], uid, name)
    return edited


def network_line() -> None:
    """Names the network a page trains (the stack on the Build page), with a link to change it."""
    spec, _ = session.current_spec()
    text, line = st.columns([4, 1], vertical_alignment="center")
    if spec is None:
        text.markdown("**Network**: the stack on the Build page can't be read.")
    else:
        rows, error = summarize_until_error(spec)
        name = preset_title(spec) or "your own stack"
        size = (
            f"{counted(len(spec.layers), 'layer')} (can't be built yet)"
            if error is not None
            else f"{counted(len(rows), 'Keras layer')} · {sum(row.params for row in rows):,} parameters"
        )
        text.markdown(
            f"**Network**: {name} · {size} · input {format_shape(spec.input_shape)} · "
            f"{counted(spec.num_classes, 'class')}"
        )
    line.page_link(PAGE_FILES["build"], label="Change it", icon=":material/construction:")


# Messages and clicks.


def pending_notice() -> None:
    """Shows the message a callback or a shared link left for the person, once."""
    notice = session.pop_notice()
    if notice is not None:
        kind, text = notice
        say(kind if kind in ("success", "info") else "error", text)


NUMBER_WIDTH = 220
"""Pixels of a number box that stands alone on a row (one stretched over the page reads as a text field)."""
PRESENTER_SCALE = 1.5
"""How much larger presenter mode draws every text: prose, widgets, tables, figures and the components."""
NO_BAR = {"displayModeBar": False}


def text_scale() -> float:
    """How much larger than normal texts are drawn now (``PRESENTER_SCALE`` in presenter mode)."""
    return PRESENTER_SCALE if session.presenter() else 1.0


def chart(figure: Any, key: str, *, alt: str, container: Any = None, **options: Any) -> Any:
    """Shows a Plotly figure, with ``alt`` as its text alternative; presenter mode draws its texts larger.

    Args:
        figure: A ``go.Figure``.
        key: Its widget key (from ``ui.keys`` or a tab's ``Keys``).
        alt: What the figure shows, in words (for screen readers).
        container: Where to draw it (a column); the current place by default.
        **options: Passed on to ``st.plotly_chart`` (``on_select``...); the mode bar is hidden unless given.
    """
    if session.presenter():
        from visualizer.figures.encoding import scaled

        figure = scaled(figure, PRESENTER_SCALE)
    options.setdefault("config", NO_BAR)
    if figure.layout.width:  # a picture sized to fit itself and its colour bar: not stretched over the page
        options.setdefault("width", "content")
    return (container or st).plotly_chart(figure, key=key, alt=alt, **options)


def table(rows: dict[str, list[Any]] | list[dict[str, Any]], *, alt: str) -> None:
    """Shows a small table (column name -> values, or one dict per row) as text that wraps and scales with the page.

    Never clipped, unlike a scrolling data grid, and read by screen readers as a table.
    """
    st.table(rows, hide_index=True, border="horizontal", alt=alt)


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
            return [int(item) for item in data]
    return None


# Data that does not fit the stack.


def _adopt(dataset: Dataset) -> None:
    """``on_click``: the stack takes the dataset's image shape and classes."""
    spec, _ = session.current_spec()
    if spec is None:
        return
    session.set_spec(spec.adapted_to(dataset.image_shape, dataset.num_classes))
    session.set_notice(
        "success",
        f"The network now takes {format_shape(dataset.image_shape)} images and predicts {dataset.num_classes} classes.",
    )


def _adopt_label(spec: ModelSpec, dataset: Dataset) -> str:
    shape = f"{format_shape(dataset.image_shape)} input"
    classes = f"{dataset.num_classes} classes"
    if tuple(spec.input_shape) != dataset.image_shape and spec.num_classes != dataset.num_classes:
        return f"Adopt the dataset's shape and classes: {shape}, {classes}"
    if spec.num_classes != dataset.num_classes:
        return f"Adopt the dataset's classes: {classes}"
    return f"Adopt the dataset's shape: {shape}"


def fits_dataset(spec: ModelSpec, dataset: Dataset, adopt_key: str) -> bool:
    """Whether ``dataset`` can train the stack; if not, says why and offers to adopt its shape and classes."""
    from visualizer.training.compatibility import check_compatible

    try:
        check_compatible(spec, dataset)
    except InputError as problem:
        say("warning", problem)
        st.button(_adopt_label(spec, dataset), key=adopt_key, on_click=_adopt, args=(dataset,), type="primary")
        return False
    return True


# Lessons and presenter mode.

APP_CSS = """
<style>
/* A disabled widget's label (settings while a job trains, the data a lesson fixes) stays readable: the
   control itself shows that it is disabled. Streamlit greys the label to 2.6:1 contrast; WCAG AA asks 4.5:1. */
[data-testid="stWidgetLabel"] p { color: #3a3836 !important; }
</style>
"""
"""Styles of every page."""


NOTEBOOK_LABEL = "Download notebook (.ipynb)"


def notebook_download(where: Any, spec: ModelSpec, dataset_name: str | None, key: str, unavailable: str) -> None:
    """A download of the whole run as a Jupyter notebook (``training.notebook``), or the button disabled.

    Args:
        where: The container (a column) to draw in.
        spec: The network.
        dataset_name: The named dataset the notebook loads, or None when there is none to load.
        key: The button's key.
        unavailable: Why there is no notebook, shown on the disabled button when ``dataset_name`` is None.
    """
    from visualizer.training.notebook import to_notebook

    if dataset_name is None:
        where.download_button(NOTEBOOK_LABEL, b"", disabled=True, help=unavailable, key=key, icon=":material/book:")
        return
    config = session.training_config()
    try:
        text = to_notebook(spec, dataset_name, config)
    except InputError as error:
        where.download_button(NOTEBOOK_LABEL, b"", disabled=True, help=str(error), key=key, icon=":material/book:")
        return
    where.download_button(
        NOTEBOOK_LABEL,
        text,
        file_name=f"cnn_{dataset_name}.ipynb",
        mime="application/x-ipynb+json",
        key=key,
        icon=":material/book:",
        help=f"A Jupyter notebook that loads the {dataset_name} data, builds this network with the app's starting "
        f"weights, trains it with the Train page's settings ({config.summary()}), evaluates it and plots the "
        "curves and a few predictions. It needs only requirements.txt installed.",
    )


def app_style() -> None:
    """Draws the styles every page shares (and presenter mode's when it is on)."""
    st.html(APP_CSS + (PRESENTER_CSS if session.presenter() else ""))


PRESENTER_CSS = """
<style>
html { font-size: 24px; }
</style>
"""
"""Presenter mode: the root size 1.5x (Streamlit sizes its texts and widgets in rem), then what it sizes in px."""


def sync_lesson() -> None:
    """Opens the lesson named in the URL (``?lesson=<id>``) once; a bad name becomes a notice."""
    from visualizer.lessons import load_lesson

    requested = st.query_params.get(keys.LESSON_PARAM)
    current = session.lesson()
    if not requested or (current is not None and current.id == requested):
        return
    try:
        session.apply_lesson(load_lesson(requested))
    except InputError as error:
        session.set_notice("error", f"The lesson link could not be opened: {error}")


def _leave() -> None:
    session.leave_lesson()
    st.query_params.pop(keys.LESSON_PARAM, None)


def lesson_panel() -> None:
    """The sidebar card of the lesson being followed: steps, the teacher's notes, a shareable link."""
    current = session.lesson()
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
                query_params={keys.VIEW_PARAM: current.learn_view},
            )
        if current.page != "home":
            st.page_link(
                PAGE_FILES[current.page],
                label=f"Back to the lesson's page ({current.page.title()})",
                icon=":material/flag:",
                query_params={keys.LESSON_PARAM: current.id},
            )
        if current.notes:
            with st.expander("Teacher's notes"):
                st.markdown(current.notes)
        st.caption(f"Share it: add `?lesson={current.id}` to the app's address.")
        st.button("Leave the lesson", key=keys.App.LESSON_LEAVE, on_click=_leave, icon=":material/logout:")


def sync_presenter() -> bool:
    """Turns presenter mode on once for a link with ``?present=1``; returns whether it is on (before any drawing)."""
    if st.query_params.get(keys.PRESENTER_PARAM) == "1" and session.value(keys.App.PRESENTER) is None:
        session.preset(keys.App.PRESENTER, True)
    return session.presenter()


def presenter_toggle() -> bool:
    """The sidebar switch for presenter mode; returns whether it is on."""
    return st.sidebar.toggle(
        "Presenter mode",
        key=keys.App.PRESENTER,
        persist_state=keys.PERSIST,
        help="For a projector: large type and figures, editing controls hidden.",
    )


# Images.


def image_upload(key: str) -> tuple[Any, str]:
    """An image uploader; returns (the decoded PIL image, its file name), or (None, "") with a message shown."""
    from visualizer.data.images import IMAGE_TYPES, load_image

    uploaded = st.file_uploader("PNG, JPEG, GIF, BMP, WebP or TIFF", type=list(IMAGE_TYPES), key=key)
    if uploaded is None:
        return None, ""
    try:
        file_id = getattr(uploaded, "file_id", None) or f"{uploaded.name}:{uploaded.size}"
        return session.decoded_upload(key, file_id, lambda: load_image(uploaded.getvalue())), uploaded.name
    except InputError as error:
        say("error", f"{shown(uploaded.name)}: {error}")
        return None, ""
