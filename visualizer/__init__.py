"""CNN Visualizer: build, train and look inside convolutional neural networks.

One package per concern; data flows one way, model -> backend / training -> figures -> ui:

- ``model``: what a person builds (the layer registry, ``ModelSpec``, shapes, code), no TensorFlow.
- ``data``: datasets and images, no TensorFlow. ``numerics``: NumPy arithmetic.
- ``backend``: the only code that imports TensorFlow and Keras.
- ``training``: background jobs (TensorFlow only inside a running job).
- ``figures``: Plotly figures from arrays. ``lessons``: lesson files. ``ui``: Streamlit.
- ``runtime.configure()``: the process settings, in one call; ``errors``: what a person may see.

Every public name is also importable from here (``from visualizer import build_model``);
importing this package loads nothing else until a name is used, so it never loads TensorFlow.
"""

from __future__ import annotations

import importlib
from typing import Any

PUBLIC: dict[str, str] = {
    # What a person builds.
    "ModelSpec": "visualizer.model.spec",
    "LAYERS": "visualizer.model.layers",
    "layer_from_dict": "visualizer.model.layers",
    "PRESETS": "visualizer.model.presets",
    "summarize": "visualizer.model.plan",
    "LayerSummary": "visualizer.model.plan",
    "receptive_fields": "visualizer.model.plan",
    "to_keras_code": "visualizer.model.codegen",
    "variant": "visualizer.model.variants",
    # Data.
    "Dataset": "visualizer.data.dataset",
    "load_dataset": "visualizer.data.catalog",
    "dataset_from_zip": "visualizer.data.uploads",
    "dataset_from_images": "visualizer.data.uploads",
    "load_image": "visualizer.data.images",
    "to_model_input": "visualizer.data.images",
    # NumPy arithmetic.
    "curve": "visualizer.numerics.activations",
    "apply_kernel": "visualizer.numerics.kernels",
    "pool2d": "visualizer.numerics.pooling",
    "softmax": "visualizer.numerics.softmax",
    # Training.
    "TrainingConfig": "visualizer.training.config",
    "TrainingStatus": "visualizer.training.status",
    "TrainingJob": "visualizer.training.job",
    "TrainingPool": "visualizer.training.pool",
    "check_compatible": "visualizer.training.compatibility",
    "load_pretrained": "visualizer.training.shipped",
    "load_checkpoints": "visualizer.training.shipped",
    "shipped_run": "visualizer.training.shipped",
    "to_notebook": "visualizer.training.notebook",
    # TensorFlow (loaded when one of these is first used).
    "build_model": "visualizer.backend.building",
    "describe": "visualizer.backend.info",
    "inspector_for": "visualizer.backend.inspector",
    "Inspector": "visualizer.backend.inspector",
    "feature_maps": "visualizer.backend.forward",
    "predict": "visualizer.backend.forward",
    "kernels": "visualizer.backend.forward",
    "conv_step": "visualizer.backend.steps",
    "pool_step": "visualizer.backend.steps",
    "dense_step": "visualizer.backend.steps",
    "conv_walk": "visualizer.backend.walks",
    "pool_walk": "visualizer.backend.walks",
    "grad_cam": "visualizer.backend.attribution",
    "saliency": "visualizer.backend.attribution",
    "occlusion_map": "visualizer.backend.attribution",
    "model_at": "visualizer.backend.surgery",
    "with_filter": "visualizer.backend.surgery",
    "evaluate": "visualizer.backend.evaluation",
    "load_user_model": "visualizer.backend.uploads",
    "kernel_gradient": "visualizer.backend.backprop",
    "training_step": "visualizer.backend.backprop",
    # Errors a person may see.
    "SpecError": "visualizer.errors",
    "InputError": "visualizer.errors",
}
"""Public name -> the module it lives in (the README's code map says the same)."""


def __getattr__(name: str) -> Any:
    """Imports a public name's module on first use."""
    if name in PUBLIC:
        return getattr(importlib.import_module(PUBLIC[name]), name)
    raise AttributeError(f"module 'visualizer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *PUBLIC])
