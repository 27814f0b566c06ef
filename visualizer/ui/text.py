"""User text shown as text: what a person typed or named is never read as Markdown or HTML.

Streamlit renders Markdown (links, images, LaTeX, colour directives) in every message, caption and
label. A lesson id, a spec key, a file or folder name, a class name or a layer name from an uploaded
model reaches the page through these, so it is escaped here (and cut to a length) before it is shown:
``?lesson=![t](http://host/t.png)`` shows those characters and fetches nothing.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from visualizer.model.checks import shown

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()#!|<>~$&])")
"""Characters Markdown (or Streamlit's LaTeX) reads anywhere in a line: links, images, emphasis, code, HTML."""
LINE_START = re.compile(r"^(\s*)([-+=]|\d+\.)")
"""What Markdown reads only at the start of a line (a list, a heading underline); the text is one line."""


def plain(value: Any, limit: int | None = None) -> str:
    """``value`` as literal text inside Markdown: every Markdown and HTML character escaped, lines joined.

    Args:
        value: Any text (or object, shown as its ``str``).
        limit: Cut to this many characters first ("..." marks the cut), if given.
    """
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", shown(value, limit))
    return LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match) -> str:
    mark = match.group(2)
    return match.group(1) + (mark[:-1] + "\\." if mark.endswith(".") else "\\" + mark)


def say(kind: str, text: Any, **options: Any) -> None:
    """A message box (``error``, ``warning``, ``info`` or ``success``) whose whole text is shown literally."""
    {"error": st.error, "warning": st.warning, "info": st.info, "success": st.success}[kind](plain(text), **options)
