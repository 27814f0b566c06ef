"""One module per page; Streamlit runs each file as a script, which calls its ``render()``.

``PAGE_FILES`` gives each page's path relative to ``app.py``, for ``st.Page`` and
``st.page_link``; the pages are the ones lessons may name (``vocabulary.PAGES``), in
navigation order, and ``PAGE_TITLES`` gives each its title (from the vocabulary) and icon.
"""

from visualizer.vocabulary import PAGES

PAGE_FILES: dict[str, str] = {page: f"visualizer/ui/pages/{page}.py" for page in PAGES}
"""Page (as in URLs and lessons) -> its script."""

ICONS: dict[str, str] = {
    "home": ":material/home:",
    "build": ":material/construction:",
    "train": ":material/model_training:",
    "inspect": ":material/visibility:",
    "compare": ":material/compare:",
    "learn": ":material/school:",
}
"""Page -> its icon in the navigation."""

PAGE_TITLES: dict[str, tuple[str, str]] = {page: (title, ICONS[page]) for page, title in PAGES.items()}
"""Page -> (title, icon) in the navigation."""
