"""The job <-> worker messages: frozen, and unchanged across a real pipe to a spawned process."""

import dataclasses
import multiprocessing
import typing

import numpy as np
import pytest

from visualizer.training import protocol

EXAMPLES = [
    protocol.Train('{"layers": []}', "/dev/shm/x", {"epochs": 2}, 7),
    protocol.Load(b"PK\x03\x04"),
    protocol.Quit(),
    protocol.Ready(1.5e11),
    protocol.Built([np.arange(6, dtype=np.float32).reshape(2, 3)]),
    protocol.Batch(3, {"loss": 0.5, "accuracy": 0.75}),
    protocol.Epoch(0, {"loss": 0.4}, [np.ones(3, np.float32)], [np.full(3, -0.1, np.float32)]),
    protocol.Done(None),
    protocol.Failed("Training diverged."),
    protocol.Loaded(1234),
]


def echo(connection) -> None:
    """A spawned process that sends back what it gets, once per message."""
    while True:
        message = connection.recv()
        connection.send(message)
        if isinstance(message, protocol.Quit):
            return


def same(left, right) -> bool:
    if type(left) is not type(right):
        return False
    for field in dataclasses.fields(left):
        a, b = getattr(left, field.name), getattr(right, field.name)
        if isinstance(a, list) and a and isinstance(a[0], np.ndarray):
            if len(a) != len(b) or not all(np.array_equal(x, y) and x.dtype == y.dtype for x, y in zip(a, b)):
                return False
        elif a != b:
            return False
    return True


def test_every_message_type_has_an_example_and_is_frozen():
    kinds = {*typing.get_args(protocol.ToWorker), *typing.get_args(protocol.FromWorker)}
    assert {type(message) for message in EXAMPLES} == kinds
    with pytest.raises(dataclasses.FrozenInstanceError):
        EXAMPLES[5].index = 4


def test_messages_cross_a_pipe_to_a_spawned_process_unchanged():
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=echo, args=(theirs,), daemon=True)
    process.start()
    try:
        for message in [*EXAMPLES[:2], *EXAMPLES[3:], EXAMPLES[2]]:  # Quit last: it ends the echo
            ours.send(message)
            assert ours.poll(30), type(message).__name__
            assert same(ours.recv(), message), type(message).__name__
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    assert process.exitcode == 0
