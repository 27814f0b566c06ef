"""A person's own images as a dataset: a .zip with one folder per class, or images added class by class.

Nothing is ever written to disk. Archives are checked from their headers before
anything is decompressed, reads are bounded, and every image goes through
``images.load_image``; what is skipped is reported in the dataset's notes.
"""

from __future__ import annotations

import io
import math
import stat
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

import numpy as np

from visualizer.data.dataset import Dataset, from_arrays
from visualizer.data.images import IMAGE_TYPES, declared_pixels, load_image, to_model_input
from visualizer.errors import InputError
from visualizer.model.checks import counted

# A person's archive: refused as a whole above any of these.
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_CLASSES = 100
MAX_DECLARED_PIXELS = 250_000_000
"""The most pixels a set of uploaded images may declare in their headers, summed, before any is decoded
(1,000 one-bit PNGs of 5000x5000 fit in a 190 KB zip and would cost minutes of decoding)."""
MAX_DATASET_BYTES = 200 * 2**20
"""The most a decoded dataset may hold (float32 pixels), checked from the image count before decoding."""
IMAGE_SUFFIXES = {f".{extension}" for extension in IMAGE_TYPES}


def check_decoding_cost(
    images_by_class: Mapping[str, Sequence[tuple[str, bytes]]], shape: tuple[int, int, int]
) -> None:
    """Refuses, before decoding anything, too many pixels declared in all, or too big a dataset once decoded.

    The pixels come from each image's header; the dataset's size from the image count at ``shape``.

    Raises:
        InputError: saying which total is too big, the limit, and what to change.
    """
    files = [data for items in images_by_class.values() for _, data in items]
    size = len(files) * math.prod(shape) * 4
    if size > MAX_DATASET_BYTES:
        fits = MAX_DATASET_BYTES // (math.prod(shape) * 4)
        raise InputError(
            f"{len(files):,} images of {shape[0]}x{shape[1]}x{shape[2]} would make a dataset of "
            f"{size / 2**20:,.0f} MB; the limit is {MAX_DATASET_BYTES // 2**20} MB. Use at most {fits:,} images, "
            "or a smaller image size or grayscale."
        )
    declared = 0
    for data in files:
        declared += declared_pixels(data)
        if declared > MAX_DECLARED_PIXELS:
            raise InputError(
                f"These images declare more than {MAX_DECLARED_PIXELS:,} pixels in all; decoding them would take "
                "this server minutes. Use fewer or smaller images (a few hundred pixels per side is plenty)."
            )


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
    check_decoding_cost(images_by_class, (height, width, channels))
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
        notes.append(f"Skipped {counted(len(unreadable), 'file')} that are not readable images: {shown}.")
    if len(class_names) < 2:
        found = f" (found only {class_names[0]!r})" if class_names else ""
        raise InputError(
            f"A classifier needs at least two classes with images{found}. Put each class's images in its "
            "own folder, e.g. cats/1.jpg and dogs/1.jpg."
        )
    x = np.stack(arrays).astype(np.float32)
    return from_arrays(name, x, np.asarray(labels, dtype=np.int64), class_names, notes)


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
        notes.append(f"Ignored {counted(len(loose), 'file')} outside any class folder, e.g. {loose[0]!r}.")
    if skipped:
        notes.append(
            f"Skipped {counted(len(skipped), 'file')} that are not images: "
            + ", ".join(skipped[:5])
            + (" ..." if len(skipped) > 5 else "")
            + "."
        )
    return dataset_from_images(images_by_class, image_size, color_mode, name, notes)
