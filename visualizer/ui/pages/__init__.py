"""One module per page; Streamlit runs each file as a script, which calls its ``render()``.

``PAGE_FILES`` gives each page's path relative to ``app.py``, for ``st.Page`` and
``st.page_link``; the pages are the ones lessons may name (``lessons.PAGES``), in
navigation order, and ``PAGE_TITLES`` gives each its title and icon.
"""

from visualizer.lessons import PAGES

PAGE_FILES: dict[str, str] = {page: f"visualizer/ui/pages/{page}.py" for page in PAGES}
"""Page (as in URLs and lessons) -> its script."""

PAGE_TITLES: dict[str, tuple[str, str]] = {
    "home": ("Home", ":material/home:"),
    "build": ("Build", ":material/construction:"),
    "train": ("Train", ":material/model_training:"),
    "inspect": ("Inspect", ":material/visibility:"),
    "compare": ("Compare", ":material/compare:"),
    "learn": ("Learn", ":material/school:"),
}
"""Page -> (title, icon) in the navigation."""
