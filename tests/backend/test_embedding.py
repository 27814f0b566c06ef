"""The embedding space against scikit-learn's PCA on the same features."""

import keras
import numpy as np
import pytest
from sklearn.decomposition import PCA

from tests.helpers import stack
from visualizer.backend.building import build_model
from visualizer.backend.embedding import embedding, embedding_layer, features, fit_projection, separation
from visualizer.errors import InputError

RNG = np.random.RandomState(3)


@pytest.fixture(scope="module")
def model():
    spec = stack([{"type": "conv2d", "filters": 2}, {"type": "flatten"}, {"type": "dense", "units": 6}], (6, 6, 1))
    return build_model(spec, seed=2)


def test_pca_equals_scikit_learns_on_the_layer_before_the_output(model):
    images = RNG.rand(40, 6, 6, 1).astype(np.float32)
    assert embedding_layer(model) == "dense_1"
    before = keras.Model(model.inputs[0], model.get_layer("output").input)  # the oracle's own features
    oracle = PCA(n_components=2).fit_transform(np.asarray(before(images), dtype=np.float64))
    points = embedding(model, images)
    assert points.shape == (40, 2)
    for axis in range(2):  # up to each axis' sign
        sign = np.sign(np.dot(points[:, axis], oracle[:, axis]))
        np.testing.assert_allclose(points[:, axis] * sign, oracle[:, axis], atol=1e-4)


def test_a_projection_fitted_once_applies_to_other_features(model):
    images = RNG.rand(30, 6, 6, 1).astype(np.float32)
    values = features(model, images, "flatten_1")
    projection = fit_projection(values)
    assert projection.apply(values).shape == (30, 2) and sum(projection.explained) <= 1 + 1e-9
    np.testing.assert_allclose(projection.apply(values).mean(axis=0), 0, atol=1e-6)


def test_tsne_is_seeded(model):
    images = RNG.rand(25, 6, 6, 1).astype(np.float32)
    first = embedding(model, images, method="tsne", seed=1)
    np.testing.assert_allclose(first, embedding(model, images, method="tsne", seed=1))


def test_separation_is_the_silhouette_score():
    points = np.array([[0, 0], [0, 0.1], [5, 5], [5, 5.1]])
    assert separation(points, np.array([0, 0, 1, 1])) > 0.9
    assert separation(points, np.array([0, 0, 0, 0])) is None


def test_bad_requests_are_input_errors(model):
    with pytest.raises(InputError, match="Unknown projection"):
        embedding(model, RNG.rand(4, 6, 6, 1), method="umap")
    with pytest.raises(InputError, match="from 2 to"):
        embedding(model, RNG.rand(1, 6, 6, 1))
    with pytest.raises(InputError, match="no layer called"):
        embedding(model, RNG.rand(4, 6, 6, 1), layer_name="nope")


def test_the_projection_of_a_network_is_fitted_once_per_layer_and_images(model):
    from visualizer.backend.embedding import projection_of

    images = RNG.rand(20, 6, 6, 1).astype(np.float32)
    first = projection_of(model, images)
    assert projection_of(model, images.copy()) is first  # the same images: the same fitted projection
    np.testing.assert_allclose(first.axes, fit_projection(features(model, images)).axes)
    assert projection_of(model, images[:10]) is not first and projection_of(model, images, "flatten_1") is not first
