"""One ``Inspector`` per model, made once: what every view of that model shares.

As Captum binds a method to a model once (``LayerGradCam(forward_func, layer)``) and then calls it per
input, ``inspector_for(model)`` binds the model's ``NetworkInfo``, its compiled forward functions, the
sub-models its views cut from its own graph, and one gradient helper (``gradient``, with
``logits_forward``, ``class_loss`` and ``class_score``) that Grad-CAM and saliency, the adversarial
examples, backpropagation in numbers and the layer gradients all use. The public view functions
(``feature_maps``, ``grad_cam``, ``adversarial``...) keep their signatures and ask the model's inspector.

Inspectors are kept in a dictionary keyed weakly by the model and hold the model only weakly: a model
that goes away takes its inspector, and everything compiled for it, along.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple, TypeVar

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.info import NetworkInfo, describe, inspectable_layers
from visualizer.errors import InputError

T = TypeVar("T")
INPUT = "input"
"""``gradient(..., wrt=INPUT)``: the gradient with respect to the image batch."""
Forward = Callable[[tf.Tensor, tf.GradientTape], tuple[tf.Tensor, dict[str, tf.Tensor]]]
"""How ``gradient`` computes scores from the inputs inside its tape: ``(scores, named tensors to watch)``."""


class Gradient(NamedTuple):
    """What ``Inspector.gradient`` found: the gradient, the objective's value, the scores and ``forward``'s tensors."""

    gradient: Any
    value: tf.Tensor
    scores: tf.Tensor
    tensors: dict[str, tf.Tensor]


def _symbolic_outputs(model: keras.Model) -> tuple[keras.KerasTensor, dict[str, keras.KerasTensor]]:
    """The model's input and every layer's output as tensors of one symbolic graph.

    A functional model's own tensors are that graph. A ``Sequential`` one built layer by layer keeps
    a tensor per build in each layer (the first may come from an earlier, shorter build), so its
    layers are called once more on a fresh input: a sub-model then follows one path, which gradients need.
    """
    if not isinstance(model, keras.Sequential):
        return model.inputs[0], {layer.name: layer.output for layer in inspectable_layers(model)}
    inputs = keras.Input(shape=model.inputs[0].shape[1:], name=model.inputs[0].name)
    hidden, tensors = inputs, {}
    for layer in inspectable_layers(model):
        hidden = layer(hidden)
        tensors[layer.name] = hidden
    return inputs, tensors


def _logits(last: keras.layers.Dense, features: tf.Tensor) -> tf.Tensor:
    """A dense output layer's scores before its softmax."""
    logits = tf.matmul(features, last.kernel)
    return logits + last.bias if last.use_bias else logits


def _forward(model: keras.Model, batch: tf.Tensor, training: bool = False) -> tf.Tensor:
    return model(batch, training=training)


class Inspector:
    """A model's views' shared state, made once per model (``inspector_for``).

    Attributes:
        info: The model as plain data.
        all_outputs: A model from the image to every layer's output (sharing the weights).
    """

    def __init__(self, model: keras.Model) -> None:
        self._model = weakref.ref(model)
        self.info: NetworkInfo = describe(model)
        self._inputs, self._tensors = _symbolic_outputs(model)
        self.all_outputs = keras.Model(inputs=self._inputs, outputs=list(self._tensors.values()))
        # Compiled once (XLA where it can): every later image is one fast graph call.
        self._all_outputs_function = tf.function(self.all_outputs, jit_compile=True, reduce_retracing=True)
        # A weak proxy: the inspector must not keep its model alive.
        self._predict_function = tf.function(
            functools.partial(_forward, weakref.proxy(model)), jit_compile=True, reduce_retracing=True
        )
        self._compiled = True
        self._lock = threading.Lock()
        self._made: dict[Hashable, Any] = {}

    @property
    def model(self) -> keras.Model:
        """The model (held weakly: an inspector is only reached through a live model)."""
        model = self._model()
        if model is None:
            raise InputError("This network is no longer in memory: pick it again.")
        return model

    def once(self, build: Callable[[], T], *key: Hashable) -> T:
        """What ``build()`` makes for this model under ``key`` (the asking function's own), made once.

        ``build`` runs outside the lock (it may trace or compute at length); if two threads build at once,
        the first stored wins. What it returns must not hold the model itself, or the model would stay alive.
        """
        with self._lock:
            if key in self._made:
                return self._made[key]
        made = build()
        with self._lock:
            return self._made.setdefault(key, made)

    # The forward pass.

    def _call(self, function: Callable, eager: Callable, batch: tf.Tensor):
        """The compiled ``function`` on ``batch``; the eager ``eager`` once compiling has failed."""
        if self._compiled:
            try:
                return function(batch, training=False)
            except Exception:
                self._compiled = False
        return eager(batch, training=False)

    def layer_outputs(self, batch: tf.Tensor) -> list[tf.Tensor]:
        """Every layer's output for a batch, in the order of ``info.layers``, in one compiled call."""
        outputs = self._call(self._all_outputs_function, self.all_outputs, batch)
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    def probabilities(self, batch: tf.Tensor) -> tf.Tensor:
        """The model's output for a batch (a compiled forward pass)."""
        return self._call(self._predict_function, self.model, batch)

    def sub_model(self, names: list[str]) -> keras.Model:
        """A model from the image to the outputs of the layers ``names`` (sharing the weights), made once.

        It holds the model's layers, not the model.
        """

        def build() -> keras.Model:
            outputs = [self._tensors[name] for name in names]
            return keras.Model(inputs=self._inputs, outputs=outputs[0] if len(outputs) == 1 else outputs)

        return self.once(build, "sub_model", tuple(names))

    # The one logits / loss gradient.

    @property
    def output_layer(self) -> keras.layers.Dense:
        """The model's last layer, a dense one (its class scores).

        Raises:
            InputError: the model does not end in a dense layer.
        """
        last = self.model.get_layer(self.info.layers[-1].name)
        if not isinstance(last, keras.layers.Dense):
            raise InputError("Class scores need a model that ends in a Dense layer.")
        return last

    def to_logits(self, layer_name: str | None = None) -> keras.Model:
        """The image -> [the maps of ``layer_name``,] the output layer's input, through the model's own graph."""
        features = self.info.layer(self.output_layer.name).inputs[0]
        return self.sub_model([features] if layer_name is None else [layer_name, features])

    def logits_forward(self, layer_name: str | None = None) -> Forward:
        """A ``Forward`` giving the logits (and, with ``layer_name``, that layer's ``maps``) in inference mode.

        It holds the sub-model and the output layer, not the inspector: compiled functions built on it may
        outlive their inspector in TensorFlow's caches without keeping it (and its model's views) alive.
        """
        to_logits, last = self.to_logits(layer_name), self.output_layer

        def forward(inputs: tf.Tensor, _tape: tf.GradientTape) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
            outputs = to_logits(inputs, training=False)
            maps, features = (None, outputs) if layer_name is None else outputs
            return _logits(last, features), ({} if maps is None else {"maps": maps})

        return forward

    def probabilities_forward(self) -> Forward:
        """A ``Forward`` giving the model's own output (its probabilities), dropout off."""
        model = weakref.proxy(self.model)

        def forward(inputs: tf.Tensor, _tape: tf.GradientTape) -> tuple[tf.Tensor, dict[str, tf.Tensor]]:
            return model(inputs, training=False), {}

        return forward

    @staticmethod
    def class_loss(scores: tf.Tensor, labels: tf.Tensor, from_logits: bool = True) -> tf.Tensor:
        """The mean sparse cross-entropy of ``labels`` for a batch of scores (logits, or probabilities)."""
        if from_logits:
            return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=scores))
        return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, scores))

    @staticmethod
    def class_score(logits: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
        """The first image's logit of ``class_index``, or of its predicted class when it is -1."""
        chosen = tf.where(class_index < 0, tf.argmax(logits[0], output_type=tf.int32), class_index)
        return tf.gather(logits[0], chosen)

    @staticmethod
    def gradient(
        forward: Forward,
        objective: Callable[[tf.Tensor], tf.Tensor],
        inputs: tf.Tensor,
        wrt: str | list[tf.Variable] = INPUT,
    ) -> tuple[Any, dict[str, tf.Tensor]]:
        """D objective(scores) / d ``wrt``, in one tape: the gradient every view of the class scores takes.

        Args:
            forward: How the scores come from ``inputs`` (``logits_forward``, ``probabilities_forward``, or a
                view's own walk through the graph that watches a tensor of its own).
            objective: The scalar to differentiate, from the scores (a class score, a loss).
            inputs: The image batch.
            wrt: ``INPUT``, the name of a tensor ``forward`` returned (``"maps"``), or variables (kernels).

        Returns:
            The gradient (a tensor, or a list for variables), the objective's value, the scores and ``forward``'s
            tensors.
        """
        with tf.GradientTape() as tape:
            if wrt == INPUT:
                tape.watch(inputs)
            scores, tensors = forward(inputs, tape)
            value = objective(scores)
        target = inputs if wrt == INPUT else tensors[wrt] if isinstance(wrt, str) else wrt
        return Gradient(tape.gradient(value, target), value, scores, tensors)


_INSPECTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def inspector_for(model: keras.Model) -> Inspector:
    """The model's inspector, made the first time it is asked for (thread-safe, kept weakly)."""
    with _LOCK:
        found = _INSPECTORS.get(model)
        if found is None:
            found = Inspector(model)
            _INSPECTORS[model] = found
        return found


def as_batch(x: np.ndarray) -> np.ndarray:
    """One image (H, W, C) as a batch of one (1, H, W, C) float32; anything else is an ``InputError``."""
    array = np.asarray(x, dtype=np.float32)
    if array.ndim != 3:
        raise InputError(f"Expected one image of shape (height, width, channels), got shape {array.shape}.")
    return array[None]
