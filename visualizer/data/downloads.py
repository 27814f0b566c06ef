"""Keras' downloadable datasets (MNIST, Fashion-MNIST, CIFAR-10): where they are cached and whether they can be had.

Nothing here imports TensorFlow. Reading the files is left to Keras' own loaders
(``visualizer.backend.downloads``), called only once a dataset is known to be
cached or reachable, so an offline classroom gets a clear message at once.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from visualizer.errors import InputError

KERAS_DATASETS: dict[str, dict] = {
    "mnist": {
        "title": "MNIST handwritten digits",
        "files": ["mnist.npz"],
        "host": ("storage.googleapis.com", 443),
        "class_names": [str(digit) for digit in range(10)],
    },
    "fashion_mnist": {
        "title": "Fashion-MNIST clothing",
        "files": [
            "fashion-mnist/train-labels-idx1-ubyte.gz",
            "fashion-mnist/train-images-idx3-ubyte.gz",
            "fashion-mnist/t10k-labels-idx1-ubyte.gz",
            "fashion-mnist/t10k-images-idx3-ubyte.gz",
        ],
        "host": ("storage.googleapis.com", 443),
        "class_names": [
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ],
    },
    "cifar10": {
        "title": "CIFAR-10 small photos",
        "files": ["cifar-10-batches-py"],
        "host": ("www.cs.toronto.edu", 443),
        "class_names": [
            "airplane",
            "automobile",
            "bird",
            "cat",
            "deer",
            "dog",
            "frog",
            "horse",
            "ship",
            "truck",
        ],
    },
}


def keras_home() -> Path:
    """Where ``keras.datasets`` caches downloads: ``$KERAS_HOME`` or ``~/.keras``."""
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"])
    home = Path.home()
    return home / ".keras" if os.access(home, os.W_OK) else Path("/tmp/.keras")


def is_cached(name: str) -> bool:
    """Whether every file of a ``keras.datasets`` set is in the local cache."""
    datasets_dir = keras_home() / "datasets"
    return all((datasets_dir / relative).exists() for relative in KERAS_DATASETS[name]["files"])


def _can_reach(host: tuple[str, int], timeout: float = 3.0) -> bool:
    """Whether a TCP connection to ``host`` opens within ``timeout`` seconds (DNS included)."""
    import socket

    result: list[bool] = []

    def attempt() -> None:
        try:
            with socket.create_connection(host, timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    return bool(result and result[0])


def missing_download_message(name: str) -> str:
    """What to tell a person when a download is not possible, with how to fix it."""
    info = KERAS_DATASETS[name]
    where = keras_home() / "datasets"
    return (
        f"{info['title']} is not on this machine and cannot be downloaded now (no internet connection). "
        f'On a connected machine, run `python -c "import keras; keras.datasets.{name}.load_data()"`, then copy '
        f"its files from ~/.keras/datasets to {where} here. The embedded datasets (digits, shapes) always work."
    )


def check_available(name: str) -> None:
    """Raises ``InputError`` at once when the dataset is neither cached nor downloadable now."""
    if not is_cached(name) and not _can_reach(KERAS_DATASETS[name]["host"]):
        raise InputError(missing_download_message(name))
