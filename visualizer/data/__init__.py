"""Data, without TensorFlow: the ``Dataset``, the embedded sets, Keras' downloadable ones, a person's own images.

- ``dataset``: ``Dataset``, its split, ``training_subset``, class labels.
- ``embedded``: digits (scikit-learn's real handwritten digits) and generated shapes, offline.
- ``downloads``: whether MNIST, Fashion-MNIST, CIFAR-10 are cached or reachable (Keras reads them:
  ``backend.downloads``).
- ``catalog``: ``load_dataset(name)`` and the titles of every named dataset.
- ``uploads``: ``dataset_from_zip``, ``dataset_from_images``.
- ``images``: ``load_image`` (safe decoding), ``to_model_input``, probes (``perturb``).
"""

from visualizer.data.catalog import DATASET_TITLES, EMBEDDED, load_dataset
from visualizer.data.dataset import Dataset, class_label, class_labels, training_subset
from visualizer.data.images import IMAGE_TYPES, load_image, to_model_input
from visualizer.data.uploads import dataset_from_images, dataset_from_zip

__all__ = [
    "DATASET_TITLES",
    "EMBEDDED",
    "IMAGE_TYPES",
    "Dataset",
    "class_label",
    "class_labels",
    "dataset_from_images",
    "dataset_from_zip",
    "load_dataset",
    "load_image",
    "to_model_input",
    "training_subset",
]
