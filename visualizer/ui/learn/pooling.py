"""Learn topic: max, average and global average pooling on a map of numbers, one window at a time."""

from __future__ import annotations

import streamlit as st

from visualizer.figures.encoding import cell_outline
from visualizer.figures.maps import cell_number, number_grid
from visualizer.numerics.pooling import POOLING_KINDS, example_map, pool2d, window_values
from visualizer.ui import components
from visualizer.ui.learn.base import Topic, size_formula


class Keys:
    """The widgets of the pooling topic."""

    KIND = "learn_pool_kind"
    SIZE = "learn_pool_size"
    WINDOW = "learn_pool_window"
    STRIDE = "learn_pool_stride"
    SEED = "learn_pool_seed"
    CELL = "learn_pool_cell"
    INPUT = "learn_pool_input"
    OUTPUT = "learn_pool_output"


def render() -> None:
    """Draws the topic."""
    st.markdown(
        "Pooling summarises each window of a feature map by one number: max pooling keeps the strongest response "
        "(was the pattern anywhere in this window?), average pooling the mean, global average pooling one number "
        "per map. It has no weights to learn."
    )
    kinds = {"max": "Max", "average": "Average", "global_average": "Global average"}
    first, second, third, fourth = st.columns(4)
    kind = first.radio("Pooling", list(POOLING_KINDS), format_func=kinds.get, key=Keys.KIND)
    size = second.slider("Map size", 4, 8, 6, key=Keys.SIZE)
    window = third.radio("Window", [2, 3], horizontal=True, key=Keys.WINDOW, disabled=kind == "global_average")
    stride = fourth.radio("Stride", [1, 2, 3], index=1, horizontal=True, key=Keys.STRIDE)
    seed = st.number_input(
        "Map number (a new random map each)", 0, 999, 0, key=Keys.SEED, width=components.NUMBER_WIDTH
    )
    values = example_map(int(seed), size)
    if kind != "global_average" and stride > window:
        st.caption(f"With a stride above the window ({stride} > {window}) some values are never looked at.")
    output = pool2d(values, kind, window, stride)
    shared = (float(values.min()), float(values.max()))  # one colour scale: a pooled value looks like its source
    if kind == "global_average":
        left, right = st.columns(2)
        components.chart(
            number_grid(values, "feature map", "Blues", centre=False, value_range=shared),
            Keys.INPUT,
            alt=f"A {size}x{size} feature map of numbers.",
            container=left,
        )
        components.chart(
            number_grid(output, "global average", "Blues", centre=False, value_range=shared),
            Keys.OUTPUT,
            alt=f"Its global average: one number, {float(output[0, 0]):.2f}.",
            container=right,
        )
        st.markdown(f"One number per map: the mean of its {size * size} values, {cell_number(float(output[0, 0]))}.")
        return
    out_h, out_w = output.shape
    position = st.slider("Output cell (row-major)", 0, out_h * out_w - 1, 0, key=Keys.CELL)
    row, col = divmod(int(position), out_w)
    (top, left_edge), patch = window_values(values, row, col, window, stride)
    left, right = st.columns(2)
    window_outline = cell_outline(top, left_edge, window, window)
    components.chart(
        number_grid(values, "feature map", "Blues", centre=False, shapes=[window_outline], value_range=shared),
        Keys.INPUT,
        alt=f"A {size}x{size} feature map of numbers, the {window}x{window} window at row {top}, column "
        f"{left_edge} outlined.",
        container=left,
    )
    components.chart(
        number_grid(
            output,
            f"{kinds[kind].lower()} pooled",
            "Blues",
            centre=False,
            shapes=[cell_outline(row, col)],
            value_range=shared,
        ),
        Keys.OUTPUT,
        alt=f"The pooled map, {out_h}x{out_w}, cell ({row}, {col}) outlined: {float(output[row, col]):.2f}.",
        container=right,
    )
    summary = "max" if kind == "max" else "mean"
    numbers = ", ".join(f"{value:g}" for value in patch.ravel())
    st.markdown(f"Cell ({row}, {col}): {summary}({numbers}) = **{cell_number(float(output[row, col]))}**")
    st.markdown(size_formula(size, window, stride, "valid", "window"))


TOPIC = Topic(__name__, render, Keys)
