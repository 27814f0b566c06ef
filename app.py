"""CNN Visualizer: `streamlit run app.py` opens it in the browser.

A thin router: page config, session state, and one st.Page per view.
TensorFlow is imported lazily by the pages that need it, never on the way
to the first page.
"""

import streamlit as st

from visualizer.ui import state
from visualizer.ui.pages import build

st.set_page_config(page_title="CNN Visualizer", page_icon="🧠", layout="wide")
state.init()

pages = [
    st.Page(build.render, title="Build", icon=":material/construction:", url_path="build", default=True),
]
st.navigation(pages).run()
