"""The Learn page: the ideas behind the network, each live and tied to the network in hand.

One topic at a time (``?view=kernels`` opens a topic directly), each a module of
``ui/learn/``: concept cards, activation functions and their gradients, classic
kernels, pooling, the dense layer and softmax, dropout, skip connections and
backpropagation.
"""

from __future__ import annotations

import streamlit as st

from visualizer.ui import keys, session
from visualizer.ui.keys import Learn
from visualizer.ui.learn import TOPICS


def render() -> None:
    st.title("Learn")
    st.caption("The ideas behind a CNN, each one live, and tied to the network you built.")
    # ?view=kernels opens a topic (Streamlit's own binding would put the title, not the slug, in the URL).
    requested = st.query_params.get(keys.VIEW_PARAM)
    if requested in TOPICS and session.value(Learn.VIEW) is None:
        session.preset(Learn.VIEW, requested)
    view = st.segmented_control(
        "Topic",
        list(TOPICS),
        default=next(iter(TOPICS)),
        required=True,
        format_func=lambda topic: TOPICS[topic].title,
        key=Learn.VIEW,
        label_visibility="collapsed",
    )
    view = view or next(iter(TOPICS))
    st.query_params[keys.VIEW_PARAM] = view
    TOPICS[view].render()


if __name__ == "__main__":
    render()
