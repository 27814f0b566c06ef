"""The Learn page's topics: one module per topic, named by its id, loaded in the vocabulary's order.

Adding a topic is one new module here (``TOPIC = Topic(__name__, render, Keys)``) and its id and
title in ``vocabulary.LEARN_TOPICS``; the page, the lessons and the tests read it from there.
"""

from importlib import import_module

from visualizer import vocabulary
from visualizer.ui.learn.base import Topic

TOPICS: dict[str, Topic] = {
    topic_id: import_module(f"{__name__}.{topic_id}").TOPIC for topic_id in vocabulary.LEARN_TOPICS
}
"""Every topic by its id, in page order."""

__all__ = ["TOPICS", "Topic"]
