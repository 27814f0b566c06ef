"""The Inspect page's tabs: one module per tab, named by its id, loaded in the vocabulary's order.

Adding a tab is one new module here (``TAB = Tab(__name__, render, Keys)``) and its id and title
in ``vocabulary.INSPECT_TABS``; the page, the lessons and the tests read it from there.
"""

from importlib import import_module

from visualizer import vocabulary
from visualizer.ui.inspect.base import Seen, Tab

TABS: tuple[Tab, ...] = tuple(import_module(f"{__name__}.{tab_id}").TAB for tab_id in vocabulary.INSPECT_TABS)
"""Every tab, in page order."""

__all__ = ["TABS", "Seen", "Tab"]
