"""Datasets: embedded ones that work offline, Keras' downloadable ones, and a person's own images.

Every loader returns a ``Dataset``: ``x`` float32 in [0, 1] of shape
(N, H, W, C), ``y`` int labels, and a fixed, deterministic, stratified split.
"""

from __future__ import annotations

import functools
import io
import math
import os
import stat
import threading
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, ImageDraw

from visualizer.errors import InputError
from visualizer.images import load_image, to_model_input

TEST_FRACTION = 0.2
SPLIT_SEED = 0

DIGITS_SIDE = 28
SHAPES_SIDE = 64
SHAPES_PER_CLASS = 2000
SHAPES_SEED = 2024
SHAPE_CLASSES = ("circle", "square", "triangle", "star", "cross", "ring")

# A person's archive: refused as a whole above any of these.
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_CLASSES = 100
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}

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

DATASET_TITLES: dict[str, str] = {
    "digits": "Digits (embedded, 1,797 real handwritten digits, 28x28)",
    "shapes": "Shapes (embedded, generated, 64x64 colour)",
    **{name: f"{info['title']} (download)" for name, info in KERAS_DATASETS.items()},
}
"""Every named dataset with a title for the app."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Images and labels, split into a training and a test part.

    Attributes:
        name: Short name (``digits``, ``shapes``, ``mnist``, a file name...).
        x_train: float32 (N, H, W, C) in [0, 1].
        y_train: int64 (N,) class indices.
        x_test: float32 (M, H, W, C) in [0, 1].
        y_test: int64 (M,).
        class_names: One name per class index.
        notes: What a loader wants the person to know (skipped files...).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """``(height, width, channels)`` of one image."""
        return tuple(int(size) for size in self.x_train.shape[1:])  # type: ignore[return-value]

    @property
    def num_classes(self) -> int:
        """How many classes the labels tell apart."""
        return len(self.class_names)


def stratified_split(
    labels: np.ndarray, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic stratified split: indices of the training and test parts.

    Each class keeps ``test_fraction`` of its examples (at least one when it
    has two or more) for testing.
    """
    rng = np.random.RandomState(seed)
    train, test = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        members = members[rng.permutation(len(members))]
        count = round(len(members) * test_fraction)
        count = max(count, 1) if len(members) >= 2 else 0
        test.append(members[:count])
        train.append(members[count:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def training_subset(dataset: Dataset, count: int, seed: int = 0) -> Dataset:
    """The first ``count`` training images of a seeded shuffle; the test split stays whole."""
    if count >= len(dataset.y_train):
        return dataset
    order = np.random.RandomState(seed).permutation(len(dataset.y_train))[:count]
    return Dataset(
        f"{dataset.name} ({count} training images)",
        dataset.x_train[order],
        dataset.y_train[order],
        dataset.x_test,
        dataset.y_test,
        dataset.class_names,
    )


def _from_arrays(
    name: str, x: np.ndarray, y: np.ndarray, class_names: Sequence[str], notes: Sequence[str] = ()
) -> Dataset:
    train, test = stratified_split(y)
    return Dataset(
        name=name,
        x_train=np.ascontiguousarray(x[train], dtype=np.float32),
        y_train=y[train].astype(np.int64),
        x_test=np.ascontiguousarray(x[test], dtype=np.float32),
        y_test=y[test].astype(np.int64),
        class_names=tuple(class_names),
        notes=tuple(notes),
    )


@functools.cache
def _digits() -> Dataset:
    """scikit-learn's 1,797 real 8x8 digits, upsampled into a 20x20 box centred in 28x28 (as MNIST)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0  # 0..16 -> 0..1
    upsampled = np.zeros((len(images), DIGITS_SIDE, DIGITS_SIDE, 1), dtype=np.float32)
    for index, image in enumerate(images):
        small = Image.fromarray(image, mode="F").resize((20, 20), Image.Resampling.BICUBIC)
        upsampled[index, 4:24, 4:24, 0] = np.clip(np.asarray(small), 0.0, 1.0)
    return _from_arrays("digits", upsampled, digits.target, [str(digit) for digit in range(10)])


def _shape_polygon(kind: str, centre: tuple[float, float], radius: float, angle: float) -> list:
    """Vertices of a regular shape around ``centre`` (for star and cross, their outline)."""
    cx, cy = centre

    def at(r: float, theta: float) -> tuple[float, float]:
        return (cx + r * math.cos(theta + angle), cy + r * math.sin(theta + angle))

    if kind == "square":
        return [at(radius, math.pi / 4 + k * math.pi / 2) for k in range(4)]
    if kind == "triangle":
        return [at(radius, -math.pi / 2 + k * 2 * math.pi / 3) for k in range(3)]
    if kind == "star":
        return [at(radius if k % 2 == 0 else radius * 0.42, -math.pi / 2 + k * math.pi / 5) for k in range(10)]
    if kind == "cross":
        arm = 0.34 * radius
        outline = [
            (arm, radius),
            (arm, arm),
            (radius, arm),
            (radius, -arm),
            (arm, -arm),
            (arm, -radius),
            (-arm, -radius),
            (-arm, -arm),
            (-radius, -arm),
            (-radius, arm),
            (-arm, arm),
            (-arm, radius),
        ]
        return [at(math.hypot(px, py), math.atan2(py, px)) for px, py in outline]
    raise ValueError(kind)


def _contrasting_colours(rng: np.random.RandomState) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A background and a foreground colour at least 0.35 apart in brightness."""
    while True:
        background = rng.randint(0, 256, size=3)
        foreground = rng.randint(0, 256, size=3)
        weights = np.array([0.299, 0.587, 0.114])
        if abs(float(weights @ background) - float(weights @ foreground)) / 255 >= 0.35:
            return tuple(int(v) for v in background), tuple(int(v) for v in foreground)


def draw_shape(kind: str, rng: np.random.RandomState, side: int = SHAPES_SIDE) -> np.ndarray:
    """One generated image: a shape of random size, place, rotation and colours over a noisy background.

    Drawn at twice the size and downsampled, for smooth edges.
    """
    scale = 2
    canvas_side = side * scale
    background, foreground = _contrasting_colours(rng)
    image = Image.new("RGB", (canvas_side, canvas_side), background)
    draw = ImageDraw.Draw(image)
    radius = rng.uniform(0.17, 0.36) * canvas_side
    margin = radius + 2
    centre = (rng.uniform(margin, canvas_side - margin), rng.uniform(margin, canvas_side - margin))
    angle = rng.uniform(0, 2 * math.pi)
    if kind == "circle":
        box = [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]
        draw.ellipse(box, fill=foreground)
    elif kind == "ring":
        box = [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]
        draw.ellipse(box, outline=foreground, width=max(3, int(radius * 0.3)))
    else:
        draw.polygon(_shape_polygon(kind, centre, radius, angle), fill=foreground)
    small = image.resize((side, side), Image.Resampling.LANCZOS)
    array = np.asarray(small, dtype=np.float32) / 255.0
    noise = rng.normal(0.0, 0.04, size=array.shape).astype(np.float32)
    return np.clip(array + noise, 0.0, 1.0)


@functools.cache
def _shapes() -> Dataset:
    """Generated deterministically from ``SHAPES_SEED``: 6 classes x 2,000 RGB 64x64 images."""
    rng = np.random.RandomState(SHAPES_SEED)
    count = SHAPES_PER_CLASS * len(SHAPE_CLASSES)
    x = np.empty((count, SHAPES_SIDE, SHAPES_SIDE, 3), dtype=np.float32)
    y = np.empty(count, dtype=np.int64)
    for index in range(count):
        label = index % len(SHAPE_CLASSES)
        x[index] = draw_shape(SHAPE_CLASSES[label], rng)
        y[index] = label
    return _from_arrays("shapes", x, y, SHAPE_CLASSES)


def keras_home() -> Path:
    """Where ``keras.datasets`` caches downloads: ``$KERAS_HOME`` or ``~/.keras``."""
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"])
    home = Path.home()
    return home / ".keras" if os.access(home, os.W_OK) else Path("/tmp/.keras")


def _is_cached(name: str) -> bool:
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


def _missing_download_message(name: str) -> str:
    info = KERAS_DATASETS[name]
    where = keras_home() / "datasets"
    return (
        f"{info['title']} is not on this machine and cannot be downloaded now (no internet connection). "
        f'On a connected machine, run `python -c "import keras; keras.datasets.{name}.load_data()"`, then copy '
        f"its files from ~/.keras/datasets to {where} here. The embedded datasets (digits, shapes) always work."
    )


def _normalise_keras_images(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float32) / 255.0
    return x[..., None] if x.ndim == 3 else x


def _keras_dataset(name: str) -> Dataset:
    if not _is_cached(name) and not _can_reach(KERAS_DATASETS[name]["host"]):
        raise InputError(_missing_download_message(name))
    import keras

    loader = getattr(keras.datasets, name)
    try:
        (x_train, y_train), (x_test, y_test) = loader.load_data()
    except Exception as error:
        raise InputError(
            f"{KERAS_DATASETS[name]['title']} could not be loaded ({type(error).__name__}: {error}). "
            f"{_missing_download_message(name)}"
        ) from None
    # Keras' own train/test split is the fixed, stratified-enough split everyone compares against.
    return Dataset(
        name=name,
        x_train=_normalise_keras_images(x_train),
        y_train=np.asarray(y_train).reshape(-1).astype(np.int64),
        x_test=_normalise_keras_images(x_test),
        y_test=np.asarray(y_test).reshape(-1).astype(np.int64),
        class_names=tuple(KERAS_DATASETS[name]["class_names"]),
    )


def load_dataset(name: str) -> Dataset:
    """Loads a named dataset.

    Args:
        name: ``digits`` or ``shapes`` (embedded, offline), or ``mnist``,
            ``fashion_mnist``, ``cifar10`` (through ``keras.datasets``: need a
            network or a cached copy).

    Raises:
        InputError: an unknown name, or a download that is not possible.
    """
    if name == "digits":
        return _digits()
    if name == "shapes":
        return _shapes()
    if name in KERAS_DATASETS:
        return _keras_dataset(name)
    known = ", ".join(DATASET_TITLES)
    raise InputError(f"There is no dataset called {name!r}: choose one of {known}.")


def dataset_from_images(
    images_by_class: Mapping[str, Sequence[tuple[str, bytes]]],
    image_size: tuple[int, int] = (64, 64),
    color_mode: str = "rgb",
    name: str = "your images",
    notes: Sequence[str] = (),
) -> Dataset:
    """Builds a dataset from images grouped by class (as in Teachable Machine).

    Args:
        images_by_class: Class name -> list of (file name, bytes).
        image_size: ``(height, width)`` every image is resized (centre-cropped) to.
        color_mode: ``"rgb"`` or ``"grayscale"``.
        name: The dataset's name.
        notes: Earlier notes to keep (skipped files...).

    Raises:
        InputError: fewer than two classes with a readable image, or bad settings.
    """
    if color_mode not in ("rgb", "grayscale"):
        raise InputError(f"color_mode must be 'rgb' or 'grayscale', not {color_mode!r}.")
    height, width = (int(size) for size in image_size)
    if not (1 <= height <= 256 and 1 <= width <= 256):
        raise InputError(f"image_size must be between 1x1 and 256x256, not {height}x{width}.")
    channels = 1 if color_mode == "grayscale" else 3
    notes = list(notes)
    arrays: list[np.ndarray] = []
    labels: list[int] = []
    class_names: list[str] = []
    unreadable: list[str] = []
    for class_name in sorted(images_by_class):
        decoded = []
        for file_name, data in sorted(images_by_class[class_name], key=lambda item: item[0]):
            try:
                decoded.append(to_model_input(load_image(data), (height, width, channels)))
            except InputError:
                unreadable.append(f"{class_name}/{file_name}")
        if not decoded:
            notes.append(f"Class {class_name!r} has no readable image and was left out.")
            continue
        label = len(class_names)
        class_names.append(class_name)
        arrays.extend(decoded)
        labels.extend([label] * len(decoded))
    if unreadable:
        shown = ", ".join(unreadable[:5]) + (f" and {len(unreadable) - 5} more" if len(unreadable) > 5 else "")
        notes.append(f"Skipped {len(unreadable)} file(s) that are not readable images: {shown}.")
    if len(class_names) < 2:
        found = f" (found only {class_names[0]!r})" if class_names else ""
        raise InputError(
            f"A classifier needs at least two classes with images{found}. Put each class's images in its "
            "own folder, e.g. cats/1.jpg and dogs/1.jpg."
        )
    x = np.stack(arrays).astype(np.float32)
    return _from_arrays(name, x, np.asarray(labels, dtype=np.int64), class_names, notes)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _safe_parts(member_name: str) -> tuple[str, ...] | None:
    """The path's parts when it stays inside the archive root, else None."""
    if "\\" in member_name or member_name.startswith("/") or "\x00" in member_name:
        return None
    parts = PurePosixPath(member_name).parts
    if any(part in ("..", "") for part in parts) or (parts and ":" in parts[0]):
        return None
    return parts


def dataset_from_zip(
    data: bytes,
    image_size: tuple[int, int] = (64, 64),
    color_mode: str = "rgb",
    name: str = "your images",
) -> Dataset:
    """Builds a dataset from a .zip with one folder of images per class.

    Nothing is ever written to disk. Members whose path leaves the archive
    root, symbolic links and encrypted members are skipped and reported, as
    are non-images. Archives over any size cap are refused as a whole before
    anything is decompressed, and reads are bounded, so a lying header cannot
    make a member larger than its cap.

    Raises:
        InputError: not a zip, over a cap, or fewer than two usable classes.
    """
    if len(data) > MAX_ZIP_BYTES:
        raise InputError(f"This archive is {len(data) / 1e6:.0f} MB; the limit is {MAX_ZIP_BYTES // 2**20} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InputError("This file is not a readable .zip archive: zip one folder per class and try again.") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputError(
            f"This archive has {len(members):,} entries; the limit is {MAX_ZIP_MEMBERS:,}. Use fewer images."
        )
    declared = sum(max(info.file_size, 0) for info in members)
    if declared > MAX_TOTAL_BYTES:
        raise InputError(
            f"This archive unpacks to {declared / 1e6:,.0f} MB; the limit is {MAX_TOTAL_BYTES // 2**20} MB. "
            "It may be a zip bomb; if not, use fewer or smaller images."
        )
    too_big = next((info for info in members if info.file_size > MAX_MEMBER_BYTES), None)
    if too_big is not None:
        raise InputError(
            f"{too_big.filename!r} unpacks to {too_big.file_size / 1e6:,.0f} MB; each file may be at most "
            f"{MAX_MEMBER_BYTES // 2**20} MB. The archive was refused as a whole."
        )
    files: list[tuple[tuple[str, ...], zipfile.ZipInfo]] = []
    notes: list[str] = []
    unsafe = []
    for info in members:
        if info.is_dir():
            continue
        parts = _safe_parts(info.filename)
        if parts is None or _is_symlink(info):
            unsafe.append(info.filename)
            continue
        if any(part.startswith(".") or part == "__MACOSX" for part in parts):
            continue
        files.append((parts, info))
    if unsafe:
        notes.append(
            f"Ignored {len(unsafe)} entries that point outside the archive or are links: "
            + ", ".join(repr(name) for name in unsafe[:3])
            + "."
        )
    # One folder per class, possibly inside a single top-level folder.
    tops = {parts[0] for parts, _ in files if len(parts) > 1}
    if len(tops) == 1 and all(len(parts) >= 3 for parts, _ in files):
        files = [(parts[1:], info) for parts, info in files]
    images_by_class: dict[str, list[tuple[str, bytes]]] = {}
    loose, skipped = [], []
    total_read = 0
    for parts, info in files:
        if len(parts) < 2:
            loose.append(parts[-1])
            continue
        if PurePosixPath(parts[-1]).suffix.lower() not in IMAGE_SUFFIXES:
            skipped.append("/".join(parts))
            continue
        if info.flag_bits & 0x1:
            skipped.append("/".join(parts) + " (encrypted)")
            continue
        class_name = parts[0]
        if class_name not in images_by_class and len(images_by_class) >= MAX_CLASSES:
            raise InputError(f"This archive has more than {MAX_CLASSES} class folders.")
        try:
            with archive.open(info) as member:
                content = member.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            skipped.append("/".join(parts) + " (damaged)")
            continue
        total_read += len(content)
        if len(content) > MAX_MEMBER_BYTES or total_read > MAX_TOTAL_BYTES:
            raise InputError("This archive unpacks to more than it declares: it was refused as a whole.")
        images_by_class.setdefault(class_name, []).append(("/".join(parts[1:]), content))
    if loose:
        notes.append(f"Ignored {len(loose)} file(s) outside any class folder, e.g. {loose[0]!r}.")
    if skipped:
        notes.append(
            f"Skipped {len(skipped)} file(s) that are not images: "
            + ", ".join(skipped[:5])
            + (" ..." if len(skipped) > 5 else "")
            + "."
        )
    return dataset_from_images(images_by_class, image_size, color_mode, name, notes)
