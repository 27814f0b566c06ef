"""evaluate() against Keras' own evaluate, on either split; per-class results without phantom classes."""

import numpy as np
import pytest

from visualizer.backend.building import build_model
from visualizer.backend.evaluation import evaluate
from visualizer.data.dataset import Dataset
from visualizer.errors import InputError
from visualizer.model.presets import PRESETS
from visualizer.training.config import TrainingConfig
from visualizer.training.fit import compile_model


@pytest.fixture(scope="module")
def model():
    network = build_model(PRESETS["starter"], seed=2)
    compile_model(network, TrainingConfig())
    return network


def test_either_split_equals_keras_evaluate(model, tiny):
    for split, images, labels in (("test", tiny.x_test, tiny.y_test), ("training", tiny.x_train, tiny.y_train)):
        result = evaluate(model, tiny, split=split)
        loss, accuracy = model.evaluate(images, labels, verbose=0)
        assert result.accuracy == pytest.approx(accuracy, abs=1e-6)
        assert result.loss == pytest.approx(loss, rel=1e-3)
        assert result.confusion.sum() == len(labels) and result.labels.tolist() == labels.tolist()
    with pytest.raises(InputError):
        evaluate(model, tiny, split="validation")


def test_picked_images_are_a_cell_of_the_confusion_matrix_or_the_mistakes(model, tiny):
    result = evaluate(model, tiny)
    mistakes = result.picked()
    assert len(mistakes) == int(result.confusion.sum() - np.trace(result.confusion))
    assert all(result.predictions[index] != tiny.y_test[index] for index in mistakes)
    true, predicted = np.unravel_index(int(result.confusion.argmax()), result.confusion.shape)
    cell = result.picked((int(true), int(predicted)))
    assert len(cell) == result.confusion[true, predicted]
    assert set(tiny.y_test[cell]) <= {true} and set(result.predictions[cell]) <= {predicted}


def test_a_class_without_test_images_has_no_accuracy_not_zero(model, tiny):
    no_nines = tiny.y_test != 9
    dataset = Dataset(
        "no nines", tiny.x_train, tiny.y_train, tiny.x_test[no_nines], tiny.y_test[no_nines], tiny.class_names
    )
    result = evaluate(model, dataset)
    assert np.isnan(result.per_class_accuracy[9])
    assert np.isfinite(result.per_class_accuracy[:9]).all()
