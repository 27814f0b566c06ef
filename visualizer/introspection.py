"""Looking inside a model: the numbers behind every Inspect view, as NumPy arrays.

Every function takes one image ``x`` of shape (H, W, C), without a batch axis,
and returns NumPy arrays; nothing here draws or imports Streamlit. All-layer
feature maps come from one forward pass of a multi-output model built once per
model and cached.
"""

from __future__ import annotations

import functools
import threading
import weakref
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from visualizer import keras_runtime  # noqa: F401 - keeps Keras state across Streamlit runs
from visualizer.errors import InputError
from visualizer.kernels import same_padding

_FEATURE_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_FEATURE_LOCK = threading.Lock()


def _batch(x: np.ndarray) -> np.ndarray:
    array = np.asarray(x, dtype=np.float32)
    if array.ndim != 3:
        raise InputError(f"Expected one image of shape (height, width, channels), got shape {array.shape}.")
    return array[None]


def inspectable_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's layers that have an output to look at (every layer but the input)."""
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def feature_model(model: keras.Model) -> keras.Model:
    """A model with one output per layer, built once per model and cached (weights are shared)."""
    return _feature_entry(model)["model"]


def _feature_entry(model: keras.Model) -> dict:
    with _FEATURE_LOCK:
        entry = _FEATURE_MODELS.get(model)
        if entry is None:
            layers = inspectable_layers(model)
            multi = keras.Model(inputs=model.inputs[0], outputs=[layer.output for layer in layers])
            # Compiled once (XLA where it can): every later image is one fast graph call.
            entry = {
                "model": multi,
                "function": tf.function(multi, jit_compile=True, reduce_retracing=True),
                # A weak proxy: the cache is keyed weakly by the model and must not keep it alive.
                "predict": tf.function(
                    functools.partial(_forward, weakref.proxy(model)), jit_compile=True, reduce_retracing=True
                ),
                "compiled": True,
            }
            _FEATURE_MODELS[model] = entry
        return entry


def _forward(model: keras.Model, batch: tf.Tensor, training: bool = False) -> tf.Tensor:
    return model(batch, training=training)


def _call(entry: dict, compiled: str, eager, batch: tf.Tensor):
    """The compiled function ``entry[compiled]`` on ``batch``; the eager ``eager`` once compiling has failed."""
    if entry["compiled"]:
        try:
            return entry[compiled](batch, training=False)
        except Exception:
            entry["compiled"] = False
    return eager(batch, training=False)


def feature_maps(model: keras.Model, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every layer's output for one image, in one forward pass.

    Returns:
        Layer name -> float32 array without the batch axis: (H, W, C) for maps,
        (units,) for vectors. Dropout is in inference mode (it passes values on).
    """
    entry = _feature_entry(model)
    outputs = _call(entry, "function", entry["model"], tf.constant(_batch(x)))
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    names = [layer.name for layer in inspectable_layers(model)]
    return {name: np.asarray(output)[0].astype(np.float32) for name, output in zip(names, outputs, strict=True)}


def predict(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Class probabilities (num_classes,) for one image (a compiled forward pass, built once per model)."""
    outputs = _call(_feature_entry(model), "predict", model, tf.constant(_batch(x)))
    return np.asarray(outputs)[0].astype(np.float32)


def kernels(model: keras.Model, layer_name: str) -> np.ndarray:
    """The kernel of a conv layer: (kernel_h, kernel_w, in_channels, filters)."""
    layer = model.get_layer(layer_name)
    if not isinstance(layer, keras.layers.Conv2D):
        raise InputError(f"{layer_name} is not a convolution layer, so it has no kernels to show.")
    return np.asarray(layer.kernel, dtype=np.float32)


def conv_layers(model: keras.Model) -> list[str]:
    """Names of the model's convolution layers, in order."""
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def pool_layers(model: keras.Model) -> list[str]:
    """Names of the model's max and average pooling layers, in order."""
    pooling = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
    return [layer.name for layer in model.layers if isinstance(layer, pooling)]


def layer_input(model: keras.Model, layer_name: str, x: np.ndarray) -> np.ndarray:
    """What a layer receives for image ``x``: the previous layer's output, or ``x`` itself."""
    layers = inspectable_layers(model)
    names = [layer.name for layer in layers]
    if layer_name not in names:
        raise InputError(f"There is no layer called {layer_name!r}; layers are {', '.join(names)}.")
    position = names.index(layer_name)
    if position == 0:
        return np.asarray(x, dtype=np.float32)
    return feature_maps(model, x)[names[position - 1]]


def _window(
    layer,
    inputs: np.ndarray,
    row: int,
    col: int,
    window: tuple[int, int],
    strides: tuple[int, int],
    fill: float = 0.0,
):
    """The input window under output position (row, col), padded as the layer pads.

    Padded cells hold ``fill``: zeros for a convolution, NaN for pooling (which ignores them).
    Returns the window (wh, ww, C) and the top-left input coordinate it starts at
    (negative when it hangs over a padded edge).
    """
    height, width, _ = inputs.shape
    if layer.padding == "same":
        (top, bottom), (left, right) = (
            same_padding(height, window[0], strides[0]),
            same_padding(width, window[1], strides[1]),
        )
    else:
        top = bottom = left = right = 0
    padded = np.pad(inputs.astype(np.float32), ((top, bottom), (left, right), (0, 0)), constant_values=fill)
    start_row, start_col = row * strides[0], col * strides[1]
    patch = padded[start_row : start_row + window[0], start_col : start_col + window[1], :]
    return patch, (start_row - top, start_col - left)


@dataclass(frozen=True)
class ConvStep:
    """One output value of a convolution, worked out step by step.

    Attributes:
        layer_name: The conv layer.
        row: Output row.
        col: Output column.
        filter: Which filter (output channel).
        origin: Input (row, col) of the window's top-left corner (negative over padding).
        patch: The input window, (kh, kw, in_channels); zeros where it covers padding.
        kernel: The filter's weights, (kh, kw, in_channels).
        products: ``patch * kernel`` element-wise.
        bias: The filter's bias.
        pre_activation: ``products.sum() + bias``.
        activation: The activation's name.
        output: The activation applied to ``pre_activation``: the feature map's value.
    """

    layer_name: str
    row: int
    col: int
    filter: int
    origin: tuple[int, int]
    patch: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    bias: float
    pre_activation: float
    activation: str
    output: float


def _activation_name(layer) -> str:
    function = layer.activation
    return getattr(function, "__name__", str(function))


def conv_step(model: keras.Model, layer_name: str, x: np.ndarray, row: int, col: int, filter: int) -> ConvStep:
    """The arithmetic behind one value of a conv layer's feature map, as CNN Explainer shows it.

    Raises:
        InputError: not a conv layer, or a position or filter outside the map.
    """
    layer = model.get_layer(layer_name)
    if not isinstance(layer, keras.layers.Conv2D):
        raise InputError(f"{layer_name} is not a convolution layer.")
    inputs = layer_input(model, layer_name, x)
    out_h, out_w, filters = (int(size) for size in layer.output.shape[1:])
    if not (0 <= row < out_h and 0 <= col < out_w and 0 <= filter < filters):
        raise InputError(
            f"Position ({row}, {col}) of filter {filter} is outside {layer_name}'s {out_h}x{out_w}x{filters} output."
        )
    kernel = np.asarray(layer.kernel, dtype=np.float32)[:, :, :, filter]
    bias = float(np.asarray(layer.bias)[filter]) if layer.use_bias else 0.0
    patch, origin = _window(layer, inputs, row, col, kernel.shape[:2], tuple(layer.strides))
    products = patch * kernel
    pre_activation = float(products.astype(np.float64).sum() + bias)
    output = float(np.asarray(layer.activation(tf.constant([pre_activation], dtype=tf.float32)))[0])
    return ConvStep(
        layer_name,
        row,
        col,
        filter,
        origin,
        patch,
        kernel,
        products,
        bias,
        pre_activation,
        _activation_name(layer),
        output,
    )


@dataclass(frozen=True)
class PoolStep:
    """One output value of a pooling layer: its window and what the pooling kept.

    Attributes:
        layer_name: The pooling layer.
        row: Output row.
        col: Output column.
        channel: Which channel.
        origin: Input (row, col) of the window's top-left corner.
        window: The input values under the window, (ph, pw); padding is left out (NaN).
        kind: ``"max"`` or ``"average"``.
        output: The max (or mean) of the window's real values.
    """

    layer_name: str
    row: int
    col: int
    channel: int
    origin: tuple[int, int]
    window: np.ndarray
    kind: str
    output: float


def pool_step(model: keras.Model, layer_name: str, x: np.ndarray, row: int, col: int, channel: int) -> PoolStep:
    """The window behind one value of a max or average pooling layer."""
    layer = model.get_layer(layer_name)
    if not isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
        raise InputError(f"{layer_name} is not a max or average pooling layer.")
    inputs = layer_input(model, layer_name, x)
    out_h, out_w, channels = (int(size) for size in layer.output.shape[1:])
    if not (0 <= row < out_h and 0 <= col < out_w and 0 <= channel < channels):
        raise InputError(f"Position ({row}, {col}) of channel {channel} is outside {layer_name}'s output.")
    # Padding is marked NaN: pooling ignores padded cells rather than counting zeros.
    patch, origin = _window(layer, inputs, row, col, tuple(layer.pool_size), tuple(layer.strides), fill=np.nan)
    window = patch[:, :, channel]
    is_max = isinstance(layer, keras.layers.MaxPooling2D)
    output = float(np.nanmax(window) if is_max else np.nanmean(window))
    return PoolStep(
        layer_name,
        row,
        col,
        channel,
        origin,
        window,
        "max" if is_max else "average",
        output,
    )


def _output_layer(model: keras.Model):
    last = model.layers[-1]
    if not isinstance(last, keras.layers.Dense):
        raise InputError("Class scores need a model that ends in a Dense layer.")
    return last


def _forward_to_logits(model: keras.Model, inputs: tf.Tensor, tape: tf.GradientTape, layer_name: str | None):
    """Runs the layers one by one under ``tape``; returns (the watched maps of ``layer_name``, the logits).

    Keras' multi-output functional models do not carry gradients between their
    outputs, so gradient views walk the (sequential) stack themselves.
    """
    output_layer = _output_layer(model)
    hidden = inputs
    watched = None
    for layer in inspectable_layers(model):
        if layer is output_layer:
            break
        hidden = layer(hidden, training=False)
        if layer.name == layer_name:
            tape.watch(hidden)
            watched = hidden
    return watched, _logits(model, hidden)


def _last_conv(model: keras.Model, layer_name: str | None) -> str:
    if layer_name is not None:
        if not isinstance(model.get_layer(layer_name), keras.layers.Conv2D):
            raise InputError(f"{layer_name} is not a convolution layer.")
        return layer_name
    names = conv_layers(model)
    if not names:
        raise InputError("Grad-CAM needs a convolution layer; this model has none.")
    return names[-1]


def _logits(model: keras.Model, features_to_logits_input: tf.Tensor) -> tf.Tensor:
    output_layer = _output_layer(model)
    logits = tf.matmul(features_to_logits_input, output_layer.kernel)
    if output_layer.use_bias:
        logits = logits + output_layer.bias
    return logits


def grad_cam(
    model: keras.Model, x: np.ndarray, class_index: int | None = None, layer_name: str | None = None
) -> np.ndarray:
    """Grad-CAM (Selvaraju et al., 2017) for one image.

    The gradients of the class score before the softmax with respect to the
    chosen conv layer's maps (the last conv layer by default) are averaged per
    channel; the maps weighted by those averages are summed, passed through a
    ReLU, upsampled to the input size and scaled to [0, 1].

    Args:
        model: A model whose last layer is a Dense (softmax) layer.
        x: One image (H, W, C).
        class_index: The class to explain; the predicted class when None.
        layer_name: The conv layer to use; the last one when None.

    Returns:
        (H, W) float32 in [0, 1] (all zeros when no region raises the score).
    """
    layer_name = _last_conv(model, layer_name)
    inputs = tf.constant(_batch(x))
    chosen = tf.constant(-1 if class_index is None else int(class_index), dtype=tf.int32)
    cam = np.asarray(_gradient_function(model, "grad_cam", layer_name)(inputs, chosen), dtype=np.float32)
    peak = float(cam.max())
    return cam / peak if peak > 0 else np.zeros_like(cam)


def _gradient_function(model: keras.Model, kind: str, layer_name: str | None):
    """A compiled Grad-CAM or saliency computation, traced once per model and layer."""
    entry = _feature_entry(model)
    with _FEATURE_LOCK:
        functions = entry.setdefault("gradients", {})
        key = (kind, layer_name)
        if key not in functions:
            functions[key] = tf.function(
                # A weak proxy: the cache is keyed weakly by the model and must not keep it alive.
                functools.partial(
                    _grad_cam_graph if kind == "grad_cam" else _saliency_graph, weakref.proxy(model), layer_name
                ),
                reduce_retracing=True,
            )
        return functions[key]


def _class_score(logits: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
    """The logit of ``class_index``, or of the predicted class when it is -1."""
    chosen = tf.where(class_index < 0, tf.argmax(logits[0], output_type=tf.int32), class_index)
    return tf.gather(logits[0], chosen)


def _grad_cam_graph(model: keras.Model, layer_name: str, inputs: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
    with tf.GradientTape() as tape:
        maps, logits = _forward_to_logits(model, inputs, tape, layer_name)
        score = _class_score(logits, class_index)
    gradients = tape.gradient(score, maps)
    weights = tf.reduce_mean(gradients[0], axis=(0, 1))
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1))
    return tf.image.resize(cam[..., None], tf.shape(inputs)[1:3], method="bilinear")[..., 0]


def _saliency_graph(model: keras.Model, _layer_name, inputs: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        _, logits = _forward_to_logits(model, inputs, tape, None)
        score = _class_score(logits, class_index)
    return tf.reduce_max(tf.abs(tape.gradient(score, inputs)[0]), axis=-1)


def saliency(model: keras.Model, x: np.ndarray, class_index: int | None = None) -> np.ndarray:
    """Gradient saliency: |d class score / d pixel|, max over channels, scaled to [0, 1]; (H, W)."""
    inputs = tf.constant(_batch(x))
    chosen = tf.constant(-1 if class_index is None else int(class_index), dtype=tf.int32)
    gradient = np.asarray(_gradient_function(model, "saliency", None)(inputs, chosen), dtype=np.float32)
    peak = float(gradient.max())
    return (gradient / peak if peak > 0 else gradient).astype(np.float32)


def occlusion_map(
    model: keras.Model,
    x: np.ndarray,
    class_index: int | None = None,
    patch: int | None = None,
    stride: int | None = None,
    fill: float = 0.0,
) -> np.ndarray:
    """How much the class probability drops when a square of the image is covered.

    Args:
        model: The model.
        x: One image (H, W, C).
        class_index: The class to follow; the predicted class when None.
        patch: Side of the covering square (a quarter of the image side by default).
        stride: Step between squares (half the patch by default).
        fill: The value the square is filled with.

    Returns:
        (H, W) float32: the mean drop in probability over the squares covering
        each pixel (negative where covering helps).
    """
    image = np.asarray(x, dtype=np.float32)
    height, width, _ = image.shape
    patch = patch or max(2, min(height, width) // 4)
    stride = stride or max(1, patch // 2)
    base = predict(model, image)
    chosen = int(base.argmax()) if class_index is None else int(class_index)
    positions = [
        (top, left)
        for top in range(0, max(height - patch, 0) + 1, stride)
        for left in range(0, max(width - patch, 0) + 1, stride)
    ]
    covered = np.repeat(image[None], len(positions), axis=0)
    for index, (top, left) in enumerate(positions):
        covered[index, top : top + patch, left : left + patch, :] = fill
    probabilities = np.asarray(model.predict(covered, batch_size=128, verbose=0))[:, chosen]
    drop = np.zeros((height, width), dtype=np.float64)
    counts = np.zeros((height, width), dtype=np.float64)
    for (top, left), probability in zip(positions, probabilities, strict=True):
        drop[top : top + patch, left : left + patch] += base[chosen] - probability
        counts[top : top + patch, left : left + patch] += 1
    return np.where(counts > 0, drop / np.maximum(counts, 1), 0.0).astype(np.float32)


def model_at(model: keras.Model, weights: list[np.ndarray]) -> keras.Model:
    """A copy of ``model`` (same architecture and names) holding ``weights``, e.g. a checkpoint."""
    copy = keras.models.clone_model(model)
    copy.set_weights(weights)
    return copy


def with_filter(model: keras.Model, layer_name: str, filter: int, kernel2d: np.ndarray | None) -> keras.Model:
    """Kernel surgery: a copy of ``model`` with one filter zeroed (``None``) or set to ``kernel2d``.

    The new kernel is used on every input channel of the filter.

    The classic kernel is centred in the layer's kernel window (which must be at least as large);
    the filter's bias is set to zero so the new kernel's effect is seen alone.
    """
    layer = model.get_layer(layer_name)
    if not isinstance(layer, keras.layers.Conv2D):
        raise InputError(f"{layer_name} is not a convolution layer.")
    weights = [array.copy() for array in layer.get_weights()]
    kernel = weights[0]
    height, width, _, filters = kernel.shape
    if not 0 <= filter < filters:
        raise InputError(f"{layer_name} has filters 0 to {filters - 1}, not {filter}.")
    if kernel2d is None:
        kernel[:, :, :, filter] = 0.0
    else:
        small = np.asarray(kernel2d, dtype=np.float32)
        if small.shape[0] > height or small.shape[1] > width:
            raise InputError(
                f"A {small.shape[0]}x{small.shape[1]} kernel does not fit {layer_name}'s {height}x{width} window."
            )
        top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
        kernel[:, :, :, filter] = 0.0
        kernel[top : top + small.shape[0], left : left + small.shape[1], :, filter] = small[:, :, None]
    if len(weights) > 1:
        weights[1][filter] = 0.0
    copy = model_at(model, model.get_weights())
    copy.get_layer(layer_name).set_weights(weights)
    return copy


# The Learn page: pre-activations, the last dense layer, dropout.


@dataclass(frozen=True)
class PreActivation:
    """What one layer computes before its activation, over a batch of images.

    Attributes:
        layer_name: The layer.
        activation: Its activation's name (``relu``, ``sigmoid``...).
        values: Every pre-activation value of the batch, flattened (float32).
    """

    layer_name: str
    activation: str
    values: np.ndarray


def _sequential_layers(model: keras.Model) -> list[keras.layers.Layer]:
    if not isinstance(model, keras.Sequential):
        raise InputError("This view needs a plain stack of layers, one after the other (a Sequential model).")
    return inspectable_layers(model)


def pre_activations(model: keras.Model, x: np.ndarray, include_output: bool = False) -> list[PreActivation]:
    """The pre-activation values of every conv and dense layer for a batch ``x`` (N, H, W, C).

    The linear part (kernel and bias) is computed from the layer's input; the layer's own output
    is then passed on, so the values are exactly what its activation function receives.

    Args:
        model: A sequential model.
        x: A batch of images.
        include_output: Also return the output layer's logits (its softmax is not elementwise).
    """
    batch = np.asarray(x, dtype=np.float32)
    if batch.ndim != 4:
        raise InputError(f"Expected a batch of images (N, H, W, C), got shape {batch.shape}.")
    hidden = tf.constant(batch)
    results = []
    layers = _sequential_layers(model)
    for position, layer in enumerate(layers):
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            is_output = position == len(layers) - 1
            if include_output or not is_output:
                if isinstance(layer, keras.layers.Conv2D):
                    linear = layer.convolution_op(hidden, layer.kernel)
                else:
                    linear = tf.matmul(hidden, layer.kernel)
                if layer.use_bias:
                    linear = linear + layer.bias
                results.append(PreActivation(layer.name, _activation_name(layer), np.asarray(linear).ravel()))
        hidden = layer(hidden, training=False)
    return results


@dataclass(frozen=True)
class DenseStep:
    """The output layer as weights times inputs plus bias, then softmax.

    Attributes:
        layer_name: The output layer.
        inputs: What it receives (units,).
        weights: Its kernel (units, classes).
        bias: Its bias (classes,).
        logits: ``inputs @ weights + bias`` (classes,).
        probabilities: ``softmax(logits)`` (classes,).
    """

    layer_name: str
    inputs: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    logits: np.ndarray
    probabilities: np.ndarray


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """``exp(z / T) / sum(exp(z / T))``, computed stably (the maximum is subtracted first)."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    exps = np.exp(scaled - scaled.max())
    return exps / exps.sum()


def dense_step(model: keras.Model, x: np.ndarray) -> DenseStep:
    """The last layer's arithmetic for one image, with its real weights.

    Raises:
        InputError: the model does not end in a dense layer.
    """
    layer = _output_layer(model)
    inputs = layer_input(model, layer.name, x).ravel().astype(np.float32)
    weights = np.asarray(layer.kernel, dtype=np.float32)
    bias = np.asarray(layer.bias, dtype=np.float32) if layer.use_bias else np.zeros(weights.shape[1], np.float32)
    logits = inputs.astype(np.float64) @ weights.astype(np.float64) + bias
    return DenseStep(layer.name, inputs, weights, bias, logits.astype(np.float32), softmax(logits).astype(np.float32))


def dropout_layers(model: keras.Model) -> list[str]:
    """Names of the model's Dropout layers, in order."""
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Dropout)]


def dropout_predictions(
    model: keras.Model, x: np.ndarray, samples: int = 50, rate: float | None = None, seed: int = 0
) -> np.ndarray:
    """Class probabilities for one image with dropout left on, ``samples`` times (Monte Carlo dropout).

    The model's own Dropout layers run in training mode (every other layer in inference mode, so
    batch normalisation keeps its learned statistics). With ``rate`` given, that rate is used
    instead: in the Dropout layers, or, if the model has none, on the output layer's input.

    Returns:
        (samples, classes) probabilities.
    """
    if rate is not None and not 0.0 <= rate < 1.0:
        raise InputError(f"The dropout rate must be at least 0 and below 1, not {rate}.")
    layers = _sequential_layers(model)
    has_dropout = any(isinstance(layer, keras.layers.Dropout) for layer in layers)
    if not has_dropout and rate is None:
        raise InputError("This network has no Dropout layer: choose a rate to try dropout before its last layer.")
    generator = tf.random.Generator.from_seed(seed)
    hidden = tf.constant(np.repeat(_batch(x), samples, axis=0))

    def drop(values: tf.Tensor, keep_rate: float) -> tf.Tensor:
        if keep_rate >= 1.0:
            return values
        mask = tf.cast(generator.uniform(tf.shape(values)) < keep_rate, values.dtype)
        return values * mask / keep_rate

    for position, layer in enumerate(layers):
        if isinstance(layer, keras.layers.Dropout):
            hidden = drop(hidden, 1.0 - (layer.rate if rate is None else rate))
            continue
        if not has_dropout and position == len(layers) - 1:
            hidden = drop(hidden, 1.0 - rate)
        hidden = layer(hidden, training=False)
    return np.asarray(hidden, dtype=np.float32)
