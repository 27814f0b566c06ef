"""The background runner on tiny data: finish, stop, divergence, errors, determinism, the queue, abandonment."""

import os
import signal
import subprocess
import sys
import threading

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import ROOT, wait_until
from visualizer.backend.evaluation import evaluate
from visualizer.data.dataset import Dataset
from visualizer.errors import InputError
from visualizer.model.presets import PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.pool import TrainingPool, default_trainings
from visualizer.training.sessions import SessionJobs, release
from visualizer.training.status import history_csv

TINY_SPEC = ModelSpec.from_dict(
    {
        "input_shape": [28, 28, 1],
        "num_classes": 10,
        "layers": [{"type": "conv2d", "filters": 4, "strides": 2}, {"type": "maxpool2d"}],
    }
)


def run(spec, dataset, pool=None, **config) -> TrainingJob:
    job = TrainingJob(spec, dataset, TrainingConfig(**config), pool=pool or TrainingPool(2)).start()
    assert job.wait(timeout=240), "the job did not end"
    return job


def test_a_job_finishes_with_history_checkpoints_and_a_model(tiny):
    job = run(TINY_SPEC, tiny, epochs=2, batch_size=32)
    status = job.status()
    assert status.state == "finished" and status.error is None
    assert status.epoch == 2 and status.progress == 1.0
    assert all(len(status.history[key]) == 2 for key in ("loss", "accuracy", "val_loss", "val_accuracy"))
    assert len(job.checkpoints) == 3  # epoch 0, 1, 2
    assert not np.array_equal(job.checkpoints[0][0], job.checkpoints[2][0])
    for array, stored in zip(job.model.get_weights(), job.checkpoints[-1], strict=True):
        np.testing.assert_array_equal(array, stored)
    # Oracle: Keras' own evaluate on the test split agrees with the last validation numbers and with evaluate().
    loss, accuracy = job.model.evaluate(tiny.x_test, tiny.y_test, verbose=0)
    assert status.history["val_loss"][-1] == pytest.approx(loss, rel=1e-4)
    result = evaluate(job.model, tiny)
    assert result.accuracy == pytest.approx(accuracy, abs=1e-6)
    assert result.loss == pytest.approx(loss, rel=1e-3)
    assert result.confusion.sum() == len(tiny.y_test)
    assert np.trace(result.confusion) / len(tiny.y_test) == pytest.approx(result.accuracy)


def test_same_seed_same_run_and_another_seed_another(tiny):
    spec = ModelSpec.from_dict(
        {
            **TINY_SPEC.to_dict(),
            "layers": [*TINY_SPEC.to_dict()["layers"], {"type": "flatten"}, {"type": "dropout", "rate": 0.3}],
        }
    )
    first, second = run(spec, tiny, epochs=2, seed=5), run(spec, tiny, epochs=2, seed=5)
    assert first.status().history == second.status().history
    for a, b in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    other = run(spec, tiny, epochs=2, seed=6)
    assert other.status().history != first.status().history


def running(job: TrainingJob) -> bool:
    status = job.status()
    return status.state == "running" and (status.batch > 0 or status.epoch > 0)


def test_stop_ends_a_running_job_at_the_next_batch(tiny):
    job = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=200, batch_size=8), pool=TrainingPool(1)).start()
    wait_until(lambda: running(job), 120, "the job to run its first batch")
    job.stop()
    assert job.wait(timeout=30)
    status = job.status()
    assert status.state == "stopped" and status.epoch < 200
    # What it had is kept: a checkpoint per finished epoch, and the network at the last one.
    assert len(job.checkpoints) == status.epoch + 1
    for ours, kept in zip(job.model.get_weights(), job.checkpoints[-1], strict=True):
        np.testing.assert_array_equal(ours, kept)


def test_divergence_fails_with_a_message_about_the_learning_rate(tiny):
    spec = ModelSpec.from_dict(
        {"input_shape": [28, 28, 1], "num_classes": 10, "layers": [{"type": "flatten"}, {"type": "dense", "units": 32}]}
    )
    job = run(spec, tiny, epochs=3, optimizer="sgd", learning_rate=1e6)
    status = job.status()
    assert status.state == "failed"
    assert "diverged" in status.error and "1e+06" in status.error and "lower it" in status.error


def test_a_dataset_of_another_shape_is_refused_before_any_job_starts(tiny):
    threads = threading.active_count()
    with pytest.raises(InputError) as caught:
        TrainingJob(ModelSpec((64, 64, 3), 10, TINY_SPEC.layers), tiny)
    assert "28x28x1" in str(caught.value) and "64x64x3" in str(caught.value) and "adopt" in str(caught.value)
    assert threading.active_count() == threads


@pytest.mark.parametrize("classes", [6, 12], ids=["fewer outputs", "more outputs"])
def test_a_network_whose_outputs_differ_from_the_classes_is_refused(tiny, classes):
    spec = ModelSpec((28, 28, 1), classes, TINY_SPEC.layers)
    with pytest.raises(InputError) as caught:
        TrainingJob(spec, tiny, TrainingConfig(epochs=1))
    message = str(caught.value)
    assert "10 classes" in message and f"predicts {classes}" in message  # both numbers, for the person
    assert "Adopt" in message and "set Classes to 10" in message  # and how to fix it


def test_any_other_exception_fails_the_job_with_a_readable_message(tiny):
    broken = Dataset("broken", tiny.x_train, tiny.y_train + 20, tiny.x_test, tiny.y_test, tiny.class_names)
    job = run(TINY_SPEC, broken, epochs=1)
    status = job.status()
    assert status.state == "failed" and status.error.startswith("Training stopped with an error:")


def test_queue_positions_and_limit(tiny):
    pool = TrainingPool(1)
    first = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=200, batch_size=8), pool=pool).start()
    wait_until(lambda: first.status().state == "running", 120, "the first job to take the slot")
    second = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=1), pool=pool).start()
    third = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=1), pool=pool).start()
    wait_until(lambda: third.status().queue_position is not None, 30, "the third job to queue")
    assert second.status().state == "queued" and second.status().queue_position == 1
    assert third.status().queue_position == 2
    assert pool.running == 1
    third.stop()  # leaving the queue needs no slot
    assert third.wait(10) and third.status().state == "stopped" and third.model is None
    first.stop()
    assert first.wait(30) and second.wait(120)
    assert second.status().state == "finished"


def test_abandoned_session_stops_its_job_unless_it_comes_back(tiny):
    job = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=200, batch_size=8), pool=TrainingPool(1))
    extra = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=200, batch_size=8), pool=TrainingPool(1))
    holder = SessionJobs(grace_seconds=0.3)
    holder.start([job, extra], comparison=True)
    release(holder)  # the hook Streamlit calls when the session's resource is released (ui/cache.py)
    holder.track(None)
    holder.track(job)  # the tab reconnected in time: the job is adopted again
    assert not job.wait(1.0), "an adopted job kept training"
    release(holder)  # the tab went away for good: nothing adopts the jobs this time
    assert job.wait(30) and job.status().state == "stopped"
    assert extra.wait(30) and extra.status().state == "stopped"


def test_double_start_starts_one_thread(tiny):
    job = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=1), pool=TrainingPool(1))
    threads_before = threading.active_count()
    job.start()
    job.start()
    assert threading.active_count() <= threads_before + 1
    assert job.wait(120)


@pytest.mark.parametrize(
    "config",
    [
        {"epochs": 0},
        {"epochs": 1.5},
        {"batch_size": 0},
        {"optimizer": "adagrad"},
        {"learning_rate": 0},
        {"learning_rate": float("nan")},
        {"seed": -1},
        {"epochs": True},
        {"augmentation": ("flip", "blur")},
        {"augmentation": "flip"},
        {"augmentation": (["flip"],)},
    ],
)
def test_bad_settings_are_input_errors(config):
    with pytest.raises(InputError):
        TrainingConfig(**config)


def test_history_csv():
    text = history_csv(
        {"loss": [1.0, 0.5], "accuracy": [0.5, 0.75], "val_loss": [1.2, 0.6], "val_accuracy": [0.4, 0.7]}
    )
    assert text.splitlines() == ["epoch,loss,accuracy,val_loss,val_accuracy", "1,1,0.5,1.2,0.4", "2,0.5,0.75,0.6,0.7"]


def test_command_line_trains_and_saves(tmp_path):
    out = tmp_path / "model.keras"
    bad = subprocess.Popen(  # refused before any training: runs beside the good one
        [sys.executable, "-m", "visualizer", "train", "--preset", "starter", "--out", "m.h5"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "visualizer",
            "train",
            "--preset",
            "starter",
            "--dataset",
            "digits",
            "--epochs",
            "1",
            "--out",
            str(out),
            "--history",
            str(tmp_path / "h.csv"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "epoch   1/1" in result.stdout and "test accuracy" in result.stdout
    model = keras.saving.load_model(out)
    assert model.count_params() == 6810
    assert (tmp_path / "h.csv").read_text().startswith("epoch,loss")
    _, errors = bad.communicate(timeout=300)
    assert bad.returncode == 2 and "must end in .keras" in errors


def test_the_default_pool_leaves_a_core_for_the_pages(monkeypatch):
    monkeypatch.delenv("CNN_VISUALIZER_MAX_TRAININGS", raising=False)
    assert default_trainings(2) == 1 and default_trainings(8) == 7 and default_trainings(1) == 1
    monkeypatch.setenv("CNN_VISUALIZER_MAX_TRAININGS", "3")
    assert default_trainings(2) == 3


def test_a_finished_job_gives_its_network_at_any_epoch_and_a_live_copy(tiny):
    job = run(TINY_SPEC, tiny, epochs=2, batch_size=32)
    assert job.model_at(2) is job.model
    first = job.model_at(0)
    for saved, weights in zip(job.checkpoints[0], first.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, weights)
    assert job.model_at(1) is first  # one copy per job, its weights swapped
    for saved, weights in zip(job.checkpoints[1], first.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, weights)
    live = job.live_model()
    for saved, weights in zip(job.checkpoints[-1], live.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, weights)
    assert live is not job.model  # a copy: the views never touch the network being trained


def test_starter_preset_needs_no_adapting_for_the_digits(tiny):
    job = TrainingJob(PRESETS["starter"], tiny, TrainingConfig(epochs=1))
    assert job.status().state == "queued" and job.model is None


GRAPH_SPEC = ModelSpec.from_dict(
    {
        "input_shape": [28, 28, 1],
        "num_classes": 10,
        "layers": [
            {"type": "conv2d", "filters": 4, "strides": 2},
            {
                "type": "residual",
                "shortcut": "projection",
                "layers": [{"type": "conv2d", "filters": 6, "padding": "same"}, {"type": "batchnorm"}],
            },
            {"type": "branch", "branches": [[{"type": "maxpool2d"}], [{"type": "avgpool2d"}]]},
        ],
    }
)


def test_a_graph_trains_like_a_stack_with_checkpoints_and_every_epoch(tiny):
    job = run(GRAPH_SPEC, tiny, epochs=2, batch_size=32, seed=3)
    assert job.status().state == "finished" and len(job.checkpoints) == 3
    from visualizer.backend.building import build_model

    for saved, initial in zip(job.checkpoints[0], build_model(GRAPH_SPEC, seed=3).get_weights(), strict=True):
        np.testing.assert_array_equal(saved, initial)  # epoch 0 is the graph built with the seed
    first = job.model_at(1)
    assert [layer.name for layer in first.layers] == [layer.name for layer in job.model.layers]
    for saved, weights in zip(job.checkpoints[1], first.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, weights)
    loss, _ = job.model.evaluate(tiny.x_test, tiny.y_test, verbose=0)
    assert job.status().history["val_loss"][-1] == pytest.approx(loss, rel=1e-4)


def test_augmentation_names_are_kept_in_one_order_once():
    config = TrainingConfig(augmentation=["zoom", "flip", "zoom"])
    assert config.augmentation == ("flip", "zoom")
    assert config == TrainingConfig(augmentation=("flip", "zoom"))


def test_the_recorded_gradients_are_those_of_the_last_batch_the_optimizer_applied(tiny):
    # One batch per epoch (the whole training set), plain SGD and no dropout: epoch 1's step starts from the
    # epoch-0 checkpoint, so the oracle is GradientTape's gradient there, and the step it made is lr x it.
    spec = ModelSpec.from_dict(
        {
            "input_shape": [28, 28, 1],
            "num_classes": 10,
            "layers": [{"type": "conv2d", "filters": 3, "strides": 2}, {"type": "flatten"}],
        }
    )
    job = run(spec, tiny, epochs=2, batch_size=256, optimizer="sgd", learning_rate=0.1)
    assert job.status().state == "finished"
    assert len(job.gradients) == 2
    recorded = job.gradients[0]
    model = job.model_at(0)
    with tf.GradientTape() as tape:
        probabilities = model(tiny.x_train, training=True)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(tiny.y_train, probabilities))
    expected = tape.gradient(loss, model.trainable_weights)
    assert [array.shape for array in recorded] == [tuple(variable.shape) for variable in model.trainable_weights]
    for gradient, oracle in zip(recorded, expected, strict=True):
        np.testing.assert_allclose(gradient, oracle.numpy(), rtol=1e-4, atol=1e-6)
    for before, after, gradient in zip(job.checkpoints[0], job.checkpoints[1], recorded, strict=True):
        np.testing.assert_allclose(after, before - 0.1 * gradient, rtol=1e-4, atol=1e-6)


def test_augmented_training_changes_the_batches_and_is_as_repeatable_as_plain_training(tiny):
    from visualizer.training.fit import shuffled_batches

    plain = TrainingConfig(epochs=1, batch_size=50)
    augmented = TrainingConfig(epochs=1, batch_size=50, augmentation=("rotate", "zoom", "translate", "contrast"))
    first = [x.numpy() for x, _ in shuffled_batches(tiny, augmented)]
    again = [x.numpy() for x, _ in shuffled_batches(tiny, augmented)]
    unchanged = [x.numpy() for x, _ in shuffled_batches(tiny, plain)]
    for a, b, c in zip(first, again, unchanged, strict=True):
        np.testing.assert_array_equal(a, b)  # the seed fixes the changes
        assert np.abs(a - c).mean() > 0.01  # the images really changed
        assert a.min() >= 0.0 and a.max() <= 1.0
    one = run(TINY_SPEC, tiny, epochs=1, batch_size=50, augmentation=("rotate", "translate"))
    two = run(TINY_SPEC, tiny, epochs=1, batch_size=50, augmentation=("rotate", "translate"))
    assert one.status().history == two.status().history
    assert one.status().history != run(TINY_SPEC, tiny, epochs=1, batch_size=50).status().history


def test_a_killed_worker_fails_its_job_with_a_message_and_the_next_job_trains(tiny):
    job = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=200, batch_size=8), pool=TrainingPool(1)).start()
    wait_until(lambda: job.status().epoch >= 1 and job.worker_pid is not None, 120, "the job to train an epoch")
    server_threads = threading.active_count()
    os.kill(job.worker_pid, signal.SIGKILL)
    assert job.wait(30), "the job did not end after its worker was killed"
    status = job.status()
    assert status.state == "failed" and "ended unexpectedly (killed by signal 9)" in status.error
    assert job.model is not None and len(job.checkpoints) >= 2  # the epochs it finished are kept
    assert threading.active_count() <= server_threads  # this process goes on, nothing left behind
    assert run(TINY_SPEC, tiny, epochs=1).status().state == "finished"  # and the next job trains


def test_a_worker_over_its_memory_limit_is_ended_with_a_message(tiny, monkeypatch):
    job = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=1), pool=TrainingPool(1))  # within the budget
    monkeypatch.setenv("CNN_VISUALIZER_WORKER_MEMORY_MB", "256")  # then less than TensorFlow itself needs
    assert job.start().wait(120)
    status = job.status()
    assert status.state == "failed" and "more than 0.2 GB of memory" in status.error
    assert "Lower the batch size" in status.error


def test_a_job_over_its_time_limit_stops_with_a_note_and_keeps_its_epochs(tiny, monkeypatch):
    job = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=200, batch_size=8), pool=TrainingPool(1))
    monkeypatch.setenv("CNN_VISUALIZER_JOB_MINUTES", "0.05")  # then 3 seconds (the budget, checked above, passed)
    assert job.start().wait(120)
    status = job.status()
    assert status.state == "stopped" and status.epoch < 200
    assert status.note == "Stopped at the limit of 0.05 minutes for one training on this server."


def test_a_session_runs_one_thing_at_a_time_however_it_clicks(tiny):
    holder = SessionJobs()
    pool = TrainingPool(1)
    first = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=200, batch_size=8), pool=pool)
    holder.start([first])
    for _ in range(5):  # a crafted client pressing Train again and again
        with pytest.raises(InputError, match="still queued or running"):
            holder.start([TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=1), pool=pool)])
    assert holder.active() == [first] and pool.running + len(holder.active()) <= 2
    holder.stop_all()
    assert first.wait(30) and first.status().state == "stopped"
    second = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=1), pool=pool)
    holder.start([second])  # once it has ended, the next run starts
    assert second.wait(120) and second.status().state == "finished"


def test_a_full_class_queue_refuses_with_the_wait_to_expect(tiny):
    pool = TrainingPool(1, max_queue=1)
    running = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=200, batch_size=8), pool=pool).start()
    waiting = TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=1), pool=pool).start()
    pair = [TrainingJob(TINY_SPEC, tiny, TrainingConfig(epochs=1), pool=pool) for _ in range(2)]
    with pytest.raises(InputError, match=r"The class queue is full: 1 training is waiting .* about 2 minutes"):
        SessionJobs().start(pair, comparison=True)
    assert all(job.status().state == "queued" and job._thread is None for job in pair)  # nothing started
    running.stop()
    waiting.stop()
    assert running.wait(30) and waiting.wait(30)


def test_the_first_worker_measures_the_machine_s_speed_for_the_budgets(tiny, monkeypatch):
    from visualizer.training.budget import machine_flops
    from visualizer.training.worker import measured_flops

    if measured_flops() is None:  # no worker has started in this process yet (the test run alone)
        run(TINY_SPEC, tiny, epochs=1)
    monkeypatch.delenv("CNN_VISUALIZER_GFLOPS", raising=False)
    assert measured_flops() is not None and 1e9 < measured_flops() < 1e13  # a training conv step, timed
    assert machine_flops() == measured_flops()
    monkeypatch.setenv("CNN_VISUALIZER_GFLOPS", "7")
    assert machine_flops() == 7e9
