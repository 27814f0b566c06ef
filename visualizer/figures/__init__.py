"""Pure figure functions, one module per family: arrays and plain dataclasses in, ``go.Figure`` out.

- ``architecture``: the network as blocks. ``curves``: loss and accuracy per epoch.
- ``classes``: probabilities, per-class accuracy, the confusion matrix.
- ``maps``: images, feature maps, kernels, number grids, overlays.
- ``embedding``: images as points. ``histograms``: distributions over epochs.
- ``learn``: the Learn page's charts.
- ``encoding``: typed arrays, PNG data URIs, colour scales. ``style``: the shared colours.

No Streamlit and no TensorFlow here; callers adjust a figure with ``update_layout``.
"""

from visualizer.figures.architecture import architecture_figure
from visualizer.figures.classes import confusion_matrix_figure, per_class_accuracy_figure, probabilities_figure
from visualizer.figures.curves import comparison_curves, training_curves
from visualizer.figures.embedding import embedding_figure
from visualizer.figures.encoding import cell_outline, decode_typed_array, typed_array, unvalidated_figure
from visualizer.figures.histograms import histogram_heatmap
from visualizer.figures.learn import (
    activation_curves_figure,
    contributions_figure,
    dropout_figure,
    gradient_depth_figure,
    logit_gradient_figure,
    logits_figure,
    preactivation_figure,
    prediction_spread_figure,
)
from visualizer.figures.maps import (
    enlarged_map,
    feature_map_grid,
    image_grid,
    input_figure,
    kernel_colour_images,
    kernel_grid,
    kernel_output_figure,
    number_grid,
    overlay_figure,
    vector_figure,
)
from visualizer.figures.style import LAYER_COLOURS

__all__ = [
    "LAYER_COLOURS",
    "activation_curves_figure",
    "architecture_figure",
    "cell_outline",
    "comparison_curves",
    "confusion_matrix_figure",
    "contributions_figure",
    "decode_typed_array",
    "dropout_figure",
    "embedding_figure",
    "enlarged_map",
    "feature_map_grid",
    "gradient_depth_figure",
    "histogram_heatmap",
    "image_grid",
    "input_figure",
    "kernel_colour_images",
    "kernel_grid",
    "kernel_output_figure",
    "logit_gradient_figure",
    "logits_figure",
    "number_grid",
    "overlay_figure",
    "per_class_accuracy_figure",
    "preactivation_figure",
    "prediction_spread_figure",
    "probabilities_figure",
    "training_curves",
    "typed_array",
    "unvalidated_figure",
    "vector_figure",
]
