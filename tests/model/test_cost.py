"""The cost estimate and the budgets: shapes and parameters against Keras, operations by hand, refusals."""

import math

import pytest

from visualizer.backend.building import build_model
from visualizer.errors import InputError
from visualizer.model.cost import FRAMEWORK_BYTES, estimate
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.budget import budget, check_budget
from visualizer.training.config import TrainingConfig

HEAVY = ModelSpec.from_dict(
    {
        "input_shape": [64, 64, 3],
        "num_classes": 10,
        "layers": [{"type": "conv2d", "filters": 64, "kernel_size": 3, "padding": "same"} for _ in range(39)]
        + [{"type": "globalavgpool2d"}],
    }
)


@pytest.mark.parametrize("name", ["lenet5", "tinyvgg", "resnet_small"])
def test_values_and_parameters_are_what_keras_builds(name):
    spec = PRESETS[name]
    model = build_model(spec)
    cost = estimate(spec)
    assert cost.params == model.count_params()
    outputs = sum(math.prod(layer.output.shape[1:]) for layer in model.layers if layer.name != "image")
    assert cost.values_per_image == math.prod(spec.input_shape) + outputs


def test_operations_by_hand():
    spec = ModelSpec.from_dict(
        {
            "input_shape": [8, 8, 1],
            "num_classes": 3,
            "layers": [{"type": "conv2d", "filters": 2, "kernel_size": 3}, {"type": "flatten"}],
        }
    )
    conv = 2 * (6 * 6 * 2) * (3 * 3 * 1)  # a multiply and an add per weight, at each of 6x6 positions, 2 filters
    flatten = 2 * 72
    dense = 2 * 72 * 3
    assert estimate(spec).flops_per_image == conv + flatten + dense
    cost = estimate(spec)
    assert cost.epoch_flops(10, 4) == cost.flops_per_image * (3 * 10 + 4)


def test_a_heavy_network_is_refused_at_a_batch_that_cannot_fit_and_told_the_batch_that_does(monkeypatch):
    monkeypatch.setenv("CNN_VISUALIZER_WORKER_MEMORY_MB", "6144")
    cost = estimate(HEAVY)
    assert 5.0 < cost.training_bytes(64) / 2**30 < 6.0  # the measured peak was 5.7 GB (the probe)
    with pytest.raises(InputError) as refused:
        check_budget(HEAVY, 100, 0, TrainingConfig(epochs=1, batch_size=256))
    largest = cost.largest_batch(6144 * 2**20)
    assert f"lower the batch size to {largest} or fewer" in str(refused.value)
    assert "A batch of 256 would need about 20.1 GB" in str(refused.value)
    assert cost.training_bytes(largest) <= 6144 * 2**20 < cost.training_bytes(largest + 1)
    assert cost.largest_batch(FRAMEWORK_BYTES) == 0


def test_too_many_epochs_are_refused_with_the_number_that_fits(monkeypatch):
    monkeypatch.setenv("CNN_VISUALIZER_JOB_MINUTES", "30")
    found = budget(HEAVY, 960, 240, 32)
    fits = int(30 * 60 // found.seconds_per_epoch)
    assert fits >= 1
    with pytest.raises(InputError, match=rf"train for at most {fits} epoch"):
        check_budget(HEAVY, 960, 240, TrainingConfig(epochs=fits + 1, batch_size=32))
    check_budget(HEAVY, 960, 240, TrainingConfig(epochs=fits, batch_size=32))  # the number it names fits
    with pytest.raises(InputError, match="one epoch alone is too long"):
        check_budget(HEAVY, 9600, 2400, TrainingConfig(epochs=1, batch_size=32))  # an hour per epoch here
    assert check_budget(PRESETS["lenet5"], 1438, 359, TrainingConfig(epochs=200)).seconds_per_epoch < 1


def test_a_job_over_budget_is_refused_before_any_thread(tiny):
    from visualizer.training.job import TrainingJob

    heavy = ModelSpec((28, 28, 1), 10, HEAVY.layers)
    with pytest.raises(InputError, match="lower the batch size"):
        TrainingJob(heavy, tiny, TrainingConfig(epochs=1, batch_size=4096))
