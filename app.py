"""CNN Visualizer: `streamlit run app.py` opens it in the browser.

A thin router: page config, session state (and a lesson from the URL), the
sidebar's lesson card and presenter switch, and one st.Page per view.
TensorFlow is imported lazily by the pages that need it, never on the way
to the first page.
"""

import streamlit as st

from visualizer.ui import components, state, timing
from visualizer.ui.pages import PAGE_FILES

st.set_page_config(page_title="CNN Visualizer", page_icon=":material/neurology:", layout="wide")
state.init()
components.sync_lesson()

pages = [
    st.Page(PAGE_FILES["home"], title="Home", icon=":material/home:", url_path="home", default=True),
    st.Page(PAGE_FILES["build"], title="Build", icon=":material/construction:", url_path="build"),
    st.Page(PAGE_FILES["train"], title="Train", icon=":material/model_training:", url_path="train"),
    st.Page(PAGE_FILES["inspect"], title="Inspect", icon=":material/visibility:", url_path="inspect"),
    st.Page(PAGE_FILES["compare"], title="Compare", icon=":material/compare:", url_path="compare"),
    st.Page(PAGE_FILES["learn"], title="Learn", icon=":material/school:", url_path="learn"),
]
page = st.navigation(pages)
opened = components.pop_lesson_switch()
if opened is not None and opened.page != (page.url_path or "home"):
    st.switch_page(PAGE_FILES[opened.page], query_params={state.LESSON_PARAM: opened.id})
components.presenter_toggle()
components.lesson_panel()
with timing.timed("script", page.url_path):
    page.run()
