"""The only code that imports TensorFlow and Keras; it returns plain dataclasses and NumPy arrays.

It takes specs, datasets, images and (opaque) models.

- ``engine``: the one import of TensorFlow and Keras, after ``runtime.configure()``.
- ``building``: ``build_model(spec, seed)``.
- ``info``: ``describe(model)``, a ``NetworkInfo`` of ``LayerInfo`` rows (what pages read instead of Keras objects).
- ``inspector``: ``inspector_for(model)``, made once per model: its ``NetworkInfo``, compiled forward functions,
  sub-models and the one logits / loss gradient every view of the class scores takes.
- ``forward``: the compiled forward pass: ``feature_maps``, ``predict``, ``layer_input``, ``kernels``.
- ``steps``: the arithmetic of one value: ``conv_step``, ``pool_step``, ``dense_step``, ``pre_activations``.
- ``walks``: every step of one filter or pooled channel at once (the step explainer): ``conv_walk``, ``pool_walk``.
- ``attribution``: ``grad_cam``, ``saliency``, ``occlusion_map``.
- ``surgery``: ``model_at`` (a checkpoint), ``with_filter`` (one filter changed).
- ``dropout``: predictions with dropout left on, and what a dropout layer receives.
- ``evaluation``: ``evaluate``, ``Evaluation``.
- ``saving``: ``model_to_bytes``, ``load_archive``.
- ``uploads``: ``load_user_model`` (a person's .keras file, checked against an allow-list first).
- ``downloads``: Keras' loaders for MNIST, Fashion-MNIST, CIFAR-10.

Nothing outside ``backend/`` and the training internals imports TensorFlow; the pages import
these modules only inside functions, so the first page never loads TensorFlow.
"""
