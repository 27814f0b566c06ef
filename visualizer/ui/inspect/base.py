"""What every Inspect tab is given and how it declares itself.

A tab is one module of ``ui/inspect/`` named by its id (``vocabulary.INSPECT_TABS``), holding
``TAB = Tab(__name__, render, Keys, any_model=...)``: its render function, the class of its
widgets' keys and whether it works on any model. Its title comes from the vocabulary, the one
place lessons read it from too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from visualizer import vocabulary

if TYPE_CHECKING:  # types only: the pages reach the backend inside functions
    from visualizer.backend.engine import keras
    from visualizer.backend.info import NetworkInfo
    from visualizer.data.dataset import Dataset
    from visualizer.training.run import Run

MAX_TEST_IMAGES = 500
"""Test images the whole-set views (the embedding, the filters' best images) look at, at most."""


class Seen(NamedTuple):
    """One image seen by the network: everything a tab needs.

    Attributes:
        model: The network (passed to backend functions, never read here).
        info: Its layers.
        x: The model input (H, W, C).
        class_names: The classes' names (numbers stand in for the rest).
        probabilities: The network's prediction for ``x``.
        dataset: The data its test images come from (for the whole-set views), or None.
        final: The network at its last epoch (the embedding's projection is fitted on it).
        run: The training job or shipped run it comes from (its epochs), or None.
        epoch: The epoch shown, for a network with epochs.
        true_label: The image's class when it is a test image of the network's dataset, else None.
    """

    model: keras.Model
    info: NetworkInfo
    x: np.ndarray
    class_names: list[str]
    probabilities: np.ndarray
    dataset: Dataset | None = None
    final: keras.Model | None = None
    run: Run | None = None
    epoch: int | None = None
    true_label: int | None = None


@dataclass(frozen=True)
class Tab:
    """One Inspect tab, declared by its module.

    Attributes:
        module: The module's ``__name__``; its last part is the tab's id.
        render: Draws the tab for one ``Seen`` image.
        keys: The class holding its widgets' keys.
        any_model: Whether it works on any model; the others need every layer's arithmetic
            (``NetworkInfo.supported``).
    """

    module: str
    render: Callable[[Seen], None]
    keys: type
    any_model: bool = False

    @property
    def id(self) -> str:
        """The tab's id (lessons name it so)."""
        return self.module.rsplit(".", 1)[-1]

    @property
    def title(self) -> str:
        """The title the tab shows."""
        return vocabulary.INSPECT_TABS[self.id]

    def applies(self, info: NetworkInfo) -> bool:
        """Whether the tab can show this network."""
        return self.any_model or info.supported


def default_pick(info: NetworkInfo) -> tuple[str, int] | None:
    """The map the step explainer shows before the person picks one: the first kernel layer's first map."""
    name = info.first("kernel") or info.first("walk", "pooling")
    return (name, 0) if name else None
