"""CNN Visualizer: `streamlit run app.py` opens it in the browser.

A thin router: the process settings, page config, session state (and a lesson
from the URL), the sidebar's lesson card and presenter switch, and one st.Page
per view. TensorFlow is imported lazily by the pages that need it, never on the
way to the first page (tests/ui/test_first_page.py runs this file and checks).
"""

import streamlit as st

from visualizer import runtime
from visualizer.ui import components, keys, session, timing
from visualizer.ui.pages import PAGE_FILES, PAGE_TITLES

runtime.configure()

# An emoji icon: the app serves it itself (a :material/...: page icon is fetched from an outside font host).
# Presenter mode collapses the sidebar (its arrow opens it again, to leave presenter mode).
st.set_page_config(
    page_title="CNN Visualizer",
    page_icon="🧠",
    layout="wide",
    initial_sidebar_state="collapsed" if components.sync_presenter() else "auto",
)
session.init()
components.sync_lesson()

pages = [
    st.Page(PAGE_FILES[name], title=title, icon=icon, url_path=name, default=name == "home")
    for name, (title, icon) in PAGE_TITLES.items()
]
page = st.navigation(pages)
opened = session.pop_lesson_opened()
if opened is not None and opened.page != (page.url_path or "home"):
    st.switch_page(PAGE_FILES[opened.page], query_params={keys.LESSON_PARAM: opened.id})
components.presenter_toggle()
components.app_style()
components.lesson_panel()
with timing.timed("script", page.url_path):
    page.run()
