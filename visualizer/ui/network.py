"""The network in hand, shared by the Inspect and Learn pages: a selector, an epoch slider, an uploader.

A shipped model (the default, so every view has something to show at once),
the network trained in this session, the person's own uploaded .keras model,
or the untrained stack from the Build page; trained and shipped networks at any
epoch of their training. Pages get a ``Chosen``: the model as an opaque handle
to pass back to ``visualizer.backend`` functions, and its ``NetworkInfo`` to
lay out with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import streamlit as st

from visualizer.errors import InputError
from visualizer.model.plan import summarize_until_error
from visualizer.ui import cache, keys, player, session
from visualizer.ui.text import plain

if TYPE_CHECKING:  # types only: the pages reach the backend inside functions
    from visualizer.backend.engine import keras
    from visualizer.backend.info import NetworkInfo
    from visualizer.data.dataset import Dataset
    from visualizer.model.spec import ModelSpec
    from visualizer.training.run import Run

SAMPLE_DATASETS = {(28, 28, 1): "digits", (64, 64, 3): "shapes"}
"""The embedded dataset whose test images fit a model of this input shape."""


class Chosen(NamedTuple):
    """The network a page shows, or why there is none.

    Attributes:
        model: The network, to pass to backend functions (never read by the pages), or None.
        info: What it is, layer by layer (``backend.info.NetworkInfo``), or None.
        dataset: The data it learned, when known.
        what: A sentence saying what it is, or why there is none.
    """

    model: keras.Model | None
    info: NetworkInfo | None
    dataset: Dataset | None
    what: str


def _described(model: keras.Model, dataset: Dataset | None, what: str) -> Chosen:
    from visualizer.backend.info import describe

    return Chosen(model, describe(model), dataset, what)


def _untrained(spec: ModelSpec) -> keras.Model:
    """The current stack with its seed-0 starting weights, built once per stack and session."""
    from visualizer.backend.building import build_model

    return session.untrained_model(spec.to_json(indent=None), lambda: build_model(spec, seed=0))


def _options() -> dict[str, str]:
    options: dict[str, str] = {}
    if session.trained_job() is not None:
        options["trained"] = "Your trained network"
    stopped = session.stopped_job()
    if stopped is not None:
        options["stopped"] = f"Your stopped run (after {stopped.status().epoch} epochs)"
    uploaded = session.uploaded_model()
    if uploaded is not None:
        options["uploaded"] = f"Your model: {uploaded[1]}"
    for entry in cache.shipped_models():
        options[f"shipped:{entry['name']}"] = f"{entry['title']} (shipped, {entry['test_accuracy']:.1%})"
    options["untrained"] = "The untrained stack from the Build page"
    return options


def _on_upload() -> None:
    from visualizer.backend.info import describe
    from visualizer.backend.uploads import load_user_model

    uploaded = session.value(keys.Network.UPLOAD)
    if uploaded is None:
        return
    from visualizer.training.worker import trial_load

    try:
        trial_load(uploaded.getvalue())  # first in a worker process, under its memory and time limits
        model = load_user_model(uploaded.getvalue())
    except InputError as error:
        session.set_notice("error", f"{uploaded.name}: {error}")
        return
    session.set_uploaded_model(model, uploaded.name)
    session.set_model_choice("uploaded")
    info = describe(model)
    session.set_notice("success", f"Loaded {uploaded.name}: {len(info.layers)} layers, {info.params:,} parameters.")


def model_uploader() -> None:
    """A file uploader for a person's own ``.keras`` model (checked before it is loaded)."""
    st.file_uploader(
        "Your own Keras model (.keras)",
        type=["keras"],
        key=keys.Network.UPLOAD,
        on_change=_on_upload,
        help="Saved with model.save('name.keras'). Only plain Keras layers are accepted: files that could run "
        "code (Lambda layers, custom classes) are refused.",
    )


class Source(NamedTuple):
    """The network a person picked, before any epoch is chosen.

    Attributes:
        run: A training job or a shipped run (a network with an epoch series), or None.
        model: The network itself when it has no epochs (uploaded, untrained), else None.
        dataset: The data it learned, when known.
        what: A sentence saying what it is, or why there is none.
    """

    run: Run | None
    model: keras.Model | None
    dataset: Dataset | None
    what: str

    @property
    def found(self) -> bool:
        """Whether there is a network to show."""
        return self.run is not None or self.model is not None


def pick(selector: bool = True) -> Source:
    """The network to look at, picked with a selector (shipped, trained, uploaded or untrained)."""
    options = _options()
    session.sync_model_selector(list(options))
    if selector:
        st.selectbox(
            "Network",
            list(options),
            format_func=options.get,
            key=keys.Network.SELECTOR,
            on_change=session.commit_model_selector,
            help="A shipped network comes with its test accuracy (the share of its test images it gets right) and "
            "every epoch of its training.",
        )
    choice = session.model_choice()
    if choice in ("trained", "stopped"):
        job = session.trained_job() if choice == "trained" else session.stopped_job()
        status = job.status()
        what = "your trained network" if choice == "trained" else "your stopped run"
        return Source(job, None, job.dataset, f"{what} ({status.epoch} epochs on {job.dataset.name})")
    if choice == "uploaded":
        model, name = session.uploaded_model()
        return Source(None, model, None, f"your model {plain(name, 60)}")
    if choice.startswith("shipped:"):
        name = choice.split(":", 1)[1]
        try:
            run = cache.shipped_run(name)
        except InputError as error:
            return Source(None, None, None, str(error))
        return Source(run, None, run.dataset, f"{run.title} ({len(run.checkpoints) - 1} epochs, shipped with the app)")
    spec, error = session.current_spec()
    if spec is None:
        return Source(None, None, None, f"The stack can't be read: {error}")
    _, shape_error = summarize_until_error(spec)
    if shape_error is not None:
        return Source(None, None, None, f"The stack can't be built yet: {shape_error}")
    return Source(None, _untrained(spec), None, "the untrained network from the Build page (random starting weights)")


def input_shape(source: Source) -> tuple[int, int, int]:
    """The image shape the picked network takes."""
    if source.run is not None:
        return tuple(source.run.spec.input_shape)  # type: ignore[return-value]
    from visualizer.backend.info import describe

    return describe(source.model).input_shape


def at_epoch(source: Source, epoch_key: str) -> Chosen:
    """The picked network at the epoch its slider (under ``epoch_key``) shows, for a network with epochs."""
    if not source.found:
        return Chosen(None, None, None, source.what)
    if source.run is None:
        return _described(source.model, source.dataset, source.what)
    run, what = source.run, source.what
    epochs = len(run.checkpoints) - 1
    epoch = epochs
    if epochs >= 1:
        if session.value(epoch_key, 0) > epochs:
            session.preset(epoch_key, epochs)  # another network with fewer epochs was picked
        slider, play = st.columns([2.6, 1], vertical_alignment="bottom")
        epoch = slider.slider(
            "Epoch",
            0,
            epochs,
            epochs,
            key=epoch_key,
            help="Scrub through training: 0 is the network before it learned anything.",
        )
        playing = player.playing(epoch_key)
        play.button(
            "Pause" if playing else "Play",
            icon=":material/pause:" if playing else ":material/play_arrow:",
            key=player.play_key(epoch_key),
            on_click=player.toggle_play,
            args=(epoch_key, epochs),
            help="Play through the epochs: watch the network learn, one epoch every second.",
            width="stretch",
        )
        if playing:
            _epoch_player(epoch_key, epochs)
    if epoch < epochs:
        what += f", shown after epoch {epoch}"
    return _described(run.model_at(epoch), run.dataset, what)


PLAY_SECONDS = 1.0
"""How long each epoch stays on screen while the epochs play."""


@st.fragment(run_every=PLAY_SECONDS / 4)
def _epoch_player(epoch_key: str, last: int) -> None:
    """While the epochs play: moves the slider on every ``PLAY_SECONDS`` and reruns the page to show it."""
    if player.advance_epoch(epoch_key, last, PLAY_SECONDS):
        st.rerun(scope="app")


def choose(epoch_key: str, selector: bool = True) -> Chosen:
    """The network to look at (``pick``), at the epoch of its slider (``at_epoch``)."""
    return at_epoch(pick(selector), epoch_key)


def sample_dataset(model_dataset: Dataset | None, input_shape: tuple[int, ...]) -> Dataset | None:
    """The dataset to take test images from: the model's own, or an embedded one of the same shape."""
    if model_dataset is not None:
        return model_dataset
    name = SAMPLE_DATASETS.get(tuple(input_shape))
    return cache.named_dataset(name) if name else None
