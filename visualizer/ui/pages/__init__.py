"""One module per page; Streamlit runs each file as a script, which calls its ``render()``.

``PAGE_FILES`` gives each page's path relative to ``app.py``, for ``st.Page``
and ``st.page_link``.
"""

PAGE_FILES: dict[str, str] = {
    "home": "visualizer/ui/pages/home.py",
    "build": "visualizer/ui/pages/build.py",
    "train": "visualizer/ui/pages/train.py",
    "inspect": "visualizer/ui/pages/inspect.py",
    "learn": "visualizer/ui/pages/learn.py",
    "compare": "visualizer/ui/pages/compare.py",
}
