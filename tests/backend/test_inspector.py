"""One inspector per model: made once, shared by every view, and never keeping its model alive."""

import gc
import weakref

import numpy as np
import pytest

from visualizer.backend.attribution import grad_cam, saliency
from visualizer.backend.building import build_model
from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import feature_maps, predict
from visualizer.backend.inspector import INPUT, Inspector, inspector_for
from visualizer.errors import InputError
from visualizer.model.presets import PRESETS


def test_one_inspector_per_model_shared_by_the_views():
    model, other = build_model(PRESETS["lenet5"], seed=0), build_model(PRESETS["lenet5"], seed=1)
    inspector = inspector_for(model)
    assert inspector_for(model) is inspector and inspector_for(other) is not inspector
    assert inspector.info.names() == [layer.name for layer in model.layers]
    x = np.random.default_rng(0).random((28, 28, 1)).astype(np.float32)
    grad_cam(model, x)
    made = len(inspector._made)
    grad_cam(model, x, class_index=3)  # the compiled graph is reused, not made again
    assert len(inspector._made) == made
    saliency(model, x)
    assert len(inspector._made) > made


def test_an_inspector_does_not_keep_its_model_alive():
    model = build_model(PRESETS["lenet5"], seed=0)
    x = np.zeros((28, 28, 1), np.float32)
    feature_maps(model, x), predict(model, x), grad_cam(model, x), saliency(model, x)
    inspector = weakref.ref(inspector_for(model))
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None and inspector() is None


def test_the_one_gradient_is_tensorflow_s_own():
    model = build_model(PRESETS["lenet5"], seed=2)
    inspector = inspector_for(model)
    x = tf.constant(np.random.default_rng(1).random((2, 28, 28, 1)).astype(np.float32))
    labels = tf.constant([3, 7])
    found = inspector.gradient(inspector.logits_forward(), lambda s: inspector.class_loss(s, labels), x, wrt=INPUT)
    # The oracle: the softmax's input taken from a Keras model cut before the output layer, by hand.
    features = keras.Model(model.inputs, model.layers[-2].output)
    last = model.layers[-1]
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = tf.matmul(features(x), last.kernel) + last.bias
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))
    np.testing.assert_allclose(found.gradient.numpy(), tape.gradient(loss, x).numpy(), rtol=1e-4, atol=1e-7)
    assert float(found.value) == pytest.approx(float(loss), rel=1e-5)
    np.testing.assert_allclose(tf.nn.softmax(logits).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_a_view_of_the_class_scores_needs_a_dense_last_layer():
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="c"), keras.layers.Flatten()])
    with pytest.raises(InputError, match="Class scores need a model that ends in a Dense layer"):
        inspector_for(model).to_logits()
    assert isinstance(inspector_for(model), Inspector)
