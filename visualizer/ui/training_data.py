"""The Train page's data section: a named dataset or the person's own images, built into a ``Dataset``.

The person's images come as a .zip of one folder per class or class by class; building them runs in a
button's callback (before the page is drawn), and the dataset is kept for the session.
"""

from __future__ import annotations

import streamlit as st

from visualizer.data.catalog import DATASET_TITLES
from visualizer.data.dataset import Dataset
from visualizer.data.images import IMAGE_TYPES
from visualizer.data.uploads import dataset_from_images, dataset_from_zip
from visualizer.errors import InputError
from visualizer.model.checks import counted, format_shape
from visualizer.ui import cache, components, keys, session
from visualizer.ui.keys import Train
from visualizer.ui.text import plain, say

OWN_ZIP = "own_zip"


OWN_CLASSES = "own_classes"


DATASET_OPTIONS = {
    **DATASET_TITLES,
    OWN_ZIP: "Your images: a .zip with one folder per class",
    OWN_CLASSES: "Your images: add them class by class",
}


OWN_SIDES = [16, 28, 32, 48, 64, 96, 128]


DEFAULT_DATASET = "digits"


def selected_dataset() -> tuple[Dataset | None, str | None]:
    """The chosen dataset, or the message saying why there is none."""
    choice = session.value(Train.DATASET, DEFAULT_DATASET)
    if choice in DATASET_TITLES:
        try:
            return cache.named_dataset(choice), None
        except InputError as error:
            return None, str(error)
    dataset = session.user_dataset()
    if dataset is None:
        return None, "Add your images above, then build the dataset."
    return dataset, None


def _build_zip_dataset() -> None:
    uploaded = session.value(Train.ZIP)
    if uploaded is None:
        session.set_notice("error", "Choose a .zip file first.")
        return
    size, mode = _own_image_settings()
    try:
        dataset = dataset_from_zip(uploaded.getvalue(), size, mode, name=uploaded.name)
    except InputError as error:
        session.set_notice("error", f"{uploaded.name}: {error}")
        return
    session.set_user_dataset(dataset)
    session.set_notice("success", f"Built a dataset of {dataset.num_classes} classes from {uploaded.name}.")


def _build_class_dataset() -> None:
    images: dict[str, list[tuple[str, bytes]]] = {}
    for index in range(int(session.value(Train.CLASS_COUNT, 2))):
        name = (session.value(Train.class_name(index)) or f"class {index + 1}").strip()
        files = session.value(Train.class_files(index)) or []
        images.setdefault(name, []).extend((file.name, file.getvalue()) for file in files)
    size, mode = _own_image_settings()
    try:
        dataset = dataset_from_images(images, size, mode, name="your classes")
    except InputError as error:
        session.set_notice("error", str(error))
        return
    session.set_user_dataset(dataset)
    session.set_notice("success", f"Built a dataset of {counted(dataset.num_classes, 'class')} from your images.")


def _own_image_settings() -> tuple[tuple[int, int], str]:
    side = int(session.value(Train.OWN_SIDE, 64))
    mode = "grayscale" if session.value(Train.OWN_COLOUR, "colour") == "grayscale" else "rgb"
    return (side, side), mode


def dataset_picker() -> None:
    """The dataset selector, and for the person's own images their uploaders and the build buttons."""
    choice = st.selectbox(
        "Dataset",
        list(DATASET_OPTIONS),
        index=list(DATASET_OPTIONS).index(DEFAULT_DATASET),
        format_func=DATASET_OPTIONS.__getitem__,
        key=Train.DATASET,
        persist_state=keys.PERSIST,
        disabled=session.is_locked("dataset"),
        help="Fixed by the lesson." if session.is_locked("dataset") else None,
    )
    if choice in (OWN_ZIP, OWN_CLASSES):
        side_col, colour_col = st.columns(2)
        side_col.select_slider("Image size (pixels per side)", OWN_SIDES, value=64, key=Train.OWN_SIDE)
        colour_col.radio("Colour", ["colour", "grayscale"], horizontal=True, key=Train.OWN_COLOUR)
    if choice == OWN_ZIP:
        st.file_uploader("A .zip with one folder of images per class", type=["zip"], key=Train.ZIP)
        st.button("Build the dataset from this archive", key=Train.BUILD_ZIP, on_click=_build_zip_dataset)
    elif choice == OWN_CLASSES:
        count = st.number_input("Number of classes", 2, 10, 2, key=Train.CLASS_COUNT, width=components.NUMBER_WIDTH)
        columns = st.columns(min(int(count), 4))
        for index in range(int(count)):
            with columns[index % len(columns)], st.container(border=True):
                st.text_input("Class name", f"class {index + 1}", key=Train.class_name(index))
                st.file_uploader(
                    "Images",
                    type=list(IMAGE_TYPES),
                    accept_multiple_files=True,
                    key=Train.class_files(index),
                )
        st.button("Build the dataset from these images", key=Train.BUILD_CLASSES, on_click=_build_class_dataset)


def data_title() -> str:
    """The folded data section's title: the dataset picked."""
    choice = session.value(Train.DATASET, DEFAULT_DATASET)
    return f"Data: {DATASET_OPTIONS.get(choice, choice)}"


def dataset_overview(dataset: Dataset) -> None:
    """What the chosen dataset holds, its notes, and sample images on request."""
    st.markdown(
        f"**{plain(dataset.name, 60)}** · {len(dataset.y_train):,} training and "
        f"{counted(len(dataset.y_test), 'test image')} of {format_shape(dataset.image_shape)} · "
        f"{dataset.num_classes} classes: {', '.join(plain(name, 40) for name in dataset.class_names)}"
    )
    for note in dataset.notes:
        say("info", note)
    if st.toggle("Show sample images", key=Train.SHOW_SAMPLES):
        components.chart(
            cache.sample_grid(dataset, f"{dataset.name}-{id(dataset)}"),
            Train.SAMPLES,
            alt=f"Sample training images of {dataset.name}, with their classes.",
        )
