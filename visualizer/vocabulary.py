"""The app's vocabulary: its pages, Inspect tabs and Learn topics, each an id and the title a person sees.

One declaration each, in page order, with no TensorFlow or Streamlit: the router takes its
pages from here, ``ui/inspect/`` and ``ui/learn/`` load one module per tab or topic named by
its id, and lessons name them by id. A lesson step writes ``{tab:feature_maps}``,
``{topic:kernels}`` or ``{page:train}`` and shows the title as it stands (``mention``), so a
renamed tab can never leave a lesson naming what is not there: an unknown id is refused when
the lesson loads.
"""

from __future__ import annotations

import re

from visualizer.errors import InputError
from visualizer.model.checks import shown

PAGES: dict[str, str] = {
    "home": "Home",
    "build": "Build",
    "train": "Train",
    "inspect": "Inspect",
    "compare": "Compare",
    "learn": "Learn",
}
"""Page id (also its URL path) -> its title in the navigation, in navigation order."""

INSPECT_TABS: dict[str, str] = {
    "step_by_step": "Step by step",
    "feature_maps": "Maps",
    "kernels": "Kernels",
    "attention": "Where it looks",
    "surgery": "Surgery",
    "probes": "Probes",
    "fragility": "Fragility",
    "embedding": "Embedding",
    "filters": "Filters",
    "weights": "Weights",
    "training_step": "One training step",
}
"""Inspect tab id (also its module in ``ui/inspect/``) -> its title, in page order."""

LEARN_TOPICS: dict[str, str] = {
    "concepts": "Concepts",
    "activations": "Activations",
    "kernels": "Kernels",
    "pooling": "Pooling",
    "dense": "Dense and softmax",
    "dropout": "Dropout",
    "skips": "Skip connections",
    "backprop": "Backpropagation",
}
"""Learn topic id (also its ``?view=`` slug and its module in ``ui/learn/``) -> its title, in page order."""

KINDS: dict[str, dict[str, str]] = {"page": PAGES, "tab": INSPECT_TABS, "topic": LEARN_TOPICS}
"""What a mention can name: ``{page:...}``, ``{tab:...}`` (Inspect), ``{topic:...}`` (Learn)."""

MENTION = re.compile(r"\{(\w+):([^{}]*)\}")


def mention(text: str) -> str:
    """``text`` with every ``{kind:id}`` replaced by that page's, tab's or topic's title in bold.

    Raises:
        InputError: a mention of a kind or an id that does not exist, saying which ones do.
    """

    def title(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if kind not in KINDS:
            raise InputError(
                f"Unknown mention {{{shown(kind, 20)}:...}}: write {{page:id}}, {{tab:id}} or {{topic:id}}."
            )
        names = KINDS[kind]
        if name not in names:
            raise InputError(f"No {kind} called {shown(name, 40)!r}: the {kind}s are {', '.join(names)}.")
        return f"**{names[name]}**"

    return MENTION.sub(title, text)
