"""One training step in numbers: the loss, the gradient at the logits, and a conv kernel's gradient by hand.

For one image and its true label, in inference mode (dropout off): the cross-entropy; the gradient of the
loss with respect to the output layer's scores (softmax minus one-hot); for a chosen conv layer, the
gradient of the loss with respect to its pre-activation output (``dL/dz``, from one backward pass), and from
it the kernel's gradient as the chain rule writes it: for each weight, the sum over output positions of
(the input value under that weight at that position) x (``dL/dz`` at that position). Then one plain SGD
update of that kernel and the loss after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import as_batch, keras_call, layer_input, run_graph
from visualizer.backend.inspector import inspector_for
from visualizer.backend.walks import padded_windows
from visualizer.errors import InputError


@dataclass(frozen=True)
class TrainingStep:
    """One SGD step on one image, seen at one conv layer.

    Attributes:
        label: The true class.
        loss: Cross-entropy of ``label`` before the step.
        probabilities: The network's answer before the step.
        logit_gradient: d loss / d (output scores): ``probabilities`` minus the one-hot of ``label``.
        layer_name: The conv layer looked at.
        windows: (out_h, out_w, kh, kw, in_channels): the input under the kernel at each output position,
            padded as the layer pads.
        output_gradient: (out_h, out_w, filters): d loss / d (the layer's pre-activation output).
        kernel: (kh, kw, in_channels, filters) before the step.
        kernel_gradient: d loss / d kernel, computed from ``windows`` and ``output_gradient``.
        learning_rate: The step size.
        kernel_after: ``kernel - learning_rate * kernel_gradient``.
        loss_after: Cross-entropy of ``label`` with ``kernel_after`` (everything else unchanged).
    """

    label: int
    loss: float
    probabilities: np.ndarray
    logit_gradient: np.ndarray
    layer_name: str
    windows: np.ndarray
    output_gradient: np.ndarray
    kernel: np.ndarray
    kernel_gradient: np.ndarray
    learning_rate: float
    kernel_after: np.ndarray
    loss_after: float

    def weight_terms(self, row: int, col: int, channel: int, filter_index: int) -> tuple[np.ndarray, np.ndarray]:
        """For one kernel weight: the input value under it and ``dL/dz`` at every output position.

        Their products summed are that weight's gradient.
        """
        return self.windows[:, :, row, col, channel], self.output_gradient[:, :, filter_index]


def _conv_layer(model: keras.Model, layer_name: str) -> keras.layers.Conv2D:
    if layer_name not in inspector_for(model).info.names("kernel"):
        raise InputError(f"{layer_name} is not a convolution layer of this network.")
    return model.get_layer(layer_name)


def _loss_and_output_gradient(
    model: keras.Model, x: np.ndarray, label: int, layer: keras.layers.Conv2D, kernel: tf.Tensor | None = None
) -> tuple[float, np.ndarray, np.ndarray]:
    """The loss, the probabilities and d loss / d z of ``layer`` (its pre-activation output), one pass each way.

    With ``kernel``, the layer uses it instead of its own (the loss after an update, the model unchanged).
    """
    inspector = inspector_for(model)
    output = inspector.info.layers[-1].name

    def forward(inputs: tf.Tensor, tape: tf.GradientTape) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
        """The network layer by layer, the chosen layer's pre-activation ``z`` watched on the way."""
        watched: dict[str, tf.Tensor] = {}

        def call(each: keras.layers.Layer, inputs: list[tf.Tensor], _last: bool) -> tf.Tensor:
            if each is not layer:
                return keras_call(each, inputs)
            z = layer.convolution_op(inputs[0], layer.kernel if kernel is None else kernel)
            if layer.use_bias:
                z = z + layer.bias
            tape.watch(z)
            watched["z"] = z
            return layer.activation(z)

        outputs = run_graph(model, inputs, call)
        return outputs[output], {"z": watched["z"]}

    labels = tf.constant([label])
    found = inspector.gradient(
        forward,
        lambda probabilities: inspector.class_loss(probabilities, labels, from_logits=False),
        tf.constant(as_batch(x)),
        wrt="z",
    )
    probabilities = np.asarray(found.scores, dtype=np.float64)[0]
    return float(found.value), probabilities, np.asarray(found.gradient, dtype=np.float64)[0]


def kernel_gradient(model: keras.Model, x: np.ndarray, label: int, layer_name: str) -> np.ndarray:
    """d(cross-entropy of ``label``) / d(kernel of ``layer_name``) for one image ``x`` (H, W, C), inference mode.

    Computed as the chain rule writes it: each weight's gradient is the sum over output positions of the
    input value under it times d loss / d (pre-activation output) there.

    Returns:
        An array shaped like the layer's kernel (kh, kw, in_channels, filters), float64.

    Raises:
        InputError: ``layer_name`` is not a conv layer, or ``label`` is not a class of the network.
    """
    return training_step(model, x, label, layer_name, learning_rate=0.0).kernel_gradient


def training_step(
    model: keras.Model, x: np.ndarray, label: int, layer_name: str, learning_rate: float = 0.01
) -> TrainingStep:
    """One SGD step on one image, in numbers, at the conv layer ``layer_name`` (see ``TrainingStep``).

    The model is not changed: the loss after the step runs the same network with the updated kernel.

    Raises:
        InputError: not a conv layer, a label out of range, or a negative learning rate.
    """
    layer = _conv_layer(model, layer_name)
    classes = inspector_for(model).info.num_classes
    if not 0 <= int(label) < classes:
        raise InputError(f"The label must be a class from 0 to {classes - 1}, not {label}.")
    if learning_rate < 0:
        raise InputError("The learning rate cannot be negative.")
    loss, probabilities, output_gradient = _loss_and_output_gradient(model, x, int(label), layer)
    windows, _ = padded_windows(layer_input(model, layer_name, x), layer.kernel_size, layer.strides, layer.padding, 0.0)
    # dL/dK[i, j, c, f] = sum over positions (p, q) of window[p, q, i, j, c] * dL/dz[p, q, f]
    gradient = np.einsum("pqijc,pqf->ijcf", windows, output_gradient)
    kernel = np.asarray(layer.kernel, dtype=np.float64)
    after = kernel - learning_rate * gradient
    loss_after = loss
    if learning_rate > 0:
        loss_after, _, _ = _loss_and_output_gradient(
            model, x, int(label), layer, tf.constant(after, dtype=layer.kernel.dtype)
        )
    one_hot = np.eye(classes)[int(label)]
    return TrainingStep(
        label=int(label),
        loss=loss,
        probabilities=probabilities,
        logit_gradient=probabilities - one_hot,
        layer_name=layer_name,
        windows=windows,
        output_gradient=output_gradient,
        kernel=kernel,
        kernel_gradient=gradient,
        learning_rate=float(learning_rate),
        kernel_after=after,
        loss_after=loss_after,
    )
