"""What a person builds, as plain data, without TensorFlow.

- ``layers``: the layer registry (``LAYERS``), one dataclass per layer type.
- ``spec``: ``ModelSpec``, a whole network, to and from JSON.
- ``plan``: ``summarize`` and friends, one walk for names, shapes, parameters, receptive fields.
- ``codegen``: ``to_keras_code``, the script a person takes home.
- ``presets``: ``PRESETS``, named networks to start from.
- ``variants``: one-change variants for the Compare page.
- ``checks``: value checks and the app's size limits.
"""

from visualizer.model.checks import format_shape
from visualizer.model.codegen import to_keras_code
from visualizer.model.layers import LAYERS, layer_from_dict
from visualizer.model.plan import LayerSummary, receptive_fields, summarize, summarize_until_error, total_params
from visualizer.model.presets import PRESET_TITLES, PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.model.variants import VARIANTS, applicable_variants, variant

__all__ = [
    "LAYERS",
    "PRESETS",
    "PRESET_TITLES",
    "VARIANTS",
    "LayerSummary",
    "ModelSpec",
    "applicable_variants",
    "format_shape",
    "layer_from_dict",
    "receptive_fields",
    "summarize",
    "summarize_until_error",
    "to_keras_code",
    "total_params",
    "variant",
]
