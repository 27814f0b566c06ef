"""Data, without TensorFlow: the ``Dataset``, the embedded sets, Keras' downloadable ones, a person's own images.

- ``dataset``: ``Dataset``, its split, ``training_subset``, class labels.
- ``embedded``: digits (scikit-learn's real handwritten digits) and generated shapes, offline.
- ``downloads``: whether MNIST, Fashion-MNIST, CIFAR-10 are cached or reachable (Keras reads them:
  ``backend.downloads``).
- ``catalog``: ``load_dataset(name)`` and the titles of every named dataset.
- ``uploads``: ``dataset_from_zip``, ``dataset_from_images``.
- ``images``: ``load_image`` (safe decoding), ``to_model_input``, probes (``perturb``).

Import from the modules (the first page loads only what it needs; ``visualizer.PUBLIC`` maps every public name).
"""
