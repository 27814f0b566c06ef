"""The Train page: pick data, train in the background with live curves, then see where the model fails."""

from __future__ import annotations

import streamlit as st

from visualizer.data.catalog import DATASET_TITLES
from visualizer.data.dataset import Dataset, class_label
from visualizer.errors import InputError
from visualizer.figures.classes import confusion_matrix_figure, per_class_accuracy_figure
from visualizer.figures.curves import training_curves
from visualizer.figures.maps import image_grid
from visualizer.model.checks import counted
from visualizer.model.plan import summarize_until_error
from visualizer.training.config import AUGMENTATIONS, MAX_EPOCHS, OPTIMIZERS, TrainingConfig
from visualizer.training.job import TrainingJob
from visualizer.training.status import history_csv
from visualizer.ui import cache, components, keys, session, timing, training_data
from visualizer.ui.keys import Train
from visualizer.ui.pages import PAGE_FILES
from visualizer.ui.text import plain, say

LEARNING_RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0]
BATCH_SIZES = [8, 16, 32, 64, 128, 256]
GALLERY_LIMIT = 24


# Reading the person's choices.


# Callbacks: they run before the script body.


def _start_training() -> None:
    current = session.training_job()
    if current is not None and current.status().active:
        return  # a second click while one is queued or running starts nothing
    spec, error = session.current_spec()
    if spec is None:
        session.set_notice("error", f"The stack can't be read: {error}")
        return
    _, shape_error = summarize_until_error(spec)
    if shape_error is not None:
        session.set_notice("error", f"The stack can't be built yet: {shape_error} Fix it on the Build page.")
        return
    dataset, message = training_data.selected_dataset()
    if dataset is None:
        session.set_notice("error", message or "Choose a dataset first.")
        return
    try:
        job = TrainingJob(spec, dataset, session.training_config())  # refuses data of another shape or other classes
        cache.session_jobs().start([job])  # one run per session; refused when the class queue is full
    except InputError as problem:
        session.set_notice("error", str(problem))
        return
    session.set_training_job(job)


def _stop_training() -> None:
    job = session.training_job()
    if job is not None:
        job.stop()
    cache.session_jobs().stop_all()  # and anything else this session started


# Page sections.


def _settings_title() -> str:
    """The folded settings' title: what they are set to."""
    config = session.training_config()
    augmented = f", augmented ({', '.join(config.augmentation)})" if config.augmentation else ""
    return (
        f"Settings: {counted(config.epochs, 'epoch')}, batch {config.batch_size}, {config.optimizer}, "
        f"learning rate {config.learning_rate:g}{augmented}"
    )


def _compatibility(dataset: Dataset) -> bool:
    spec, error = session.current_spec()
    if spec is None:
        say("error", f"The stack can't be read: {error}")
        return False
    _, shape_error = summarize_until_error(spec)
    if shape_error is not None:
        say("error", f"The stack can't be built yet: {shape_error}", icon=":material/error:")
        st.page_link(PAGE_FILES["build"], label="Fix it on the Build page", icon=":material/construction:")
        return False
    return components.fits_dataset(spec, dataset, Train.ADOPT)


def _augmentation(disabled: bool, dataset: Dataset | None) -> None:
    names = st.multiselect(
        "Augmentation: random changes to the training images",
        list(AUGMENTATIONS),
        key=Train.AUGMENTATION,
        persist_state=keys.PERSIST,
        disabled=disabled,
        format_func=lambda name: f"{name}: {AUGMENTATIONS[name]}",
        placeholder="None: training sees its images as they are",
        help="Each batch is changed anew, so the network never sees the same picture twice; the test images and "
        "every view stay unchanged. Against overfitting on few images: flip only where a mirror image is the same "
        "class (not for digits).",
    )
    if names and dataset is not None:
        config = session.training_config()
        components.chart(
            cache.augmentation_preview(dataset, f"{dataset.name}-{id(dataset)}", config.augmentation, config.seed),
            Train.AUGMENTED,
            alt=f"{cache.AUGMENTED_IMAGES} training images, each followed by {cache.AUGMENTED_COPIES} random "
            f"versions of it ({', '.join(config.augmentation)}) as training would see them.",
        )


def _settings(disabled: bool) -> None:
    defaults = TrainingConfig()
    epochs, batch, optimizer, rate, seed = st.columns([1, 1, 1, 2, 1])
    kept = {"persist_state": keys.PERSIST, "disabled": disabled}
    epochs.number_input(
        "Epochs", 1, MAX_EPOCHS, defaults.epochs, key=Train.EPOCHS, **kept, help="Passes over the training images."
    )
    batch.selectbox(
        "Batch size",
        BATCH_SIZES,
        index=BATCH_SIZES.index(defaults.batch_size),
        key=Train.BATCH_SIZE,
        **kept,
        help="Images per weight update.",
    )
    optimizer.selectbox(
        "Optimizer", OPTIMIZERS, index=OPTIMIZERS.index(defaults.optimizer), key=Train.OPTIMIZER, **kept
    )
    rate.select_slider(
        "Learning rate",
        LEARNING_RATES,
        value=defaults.learning_rate,
        key=Train.LEARNING_RATE,
        **kept,
        format_func=lambda value: f"{value:g}",
        help="How big each step is. Too big and training diverges: try 10 to see it happen.",
    )
    seed.number_input(
        "Seed", 0, 2**31 - 1, defaults.seed, key=Train.SEED, **kept, help="The same seed gives the same run."
    )


def _controls(active: bool, ready: bool) -> None:
    start, stop, notebook = st.columns([1, 1, 4])
    start.button(
        "Train",
        key=Train.START,
        type="primary",
        on_click=_start_training,
        disabled=active or not ready,
        icon=":material/play_arrow:",
    )
    stop.button("Stop", key=Train.STOP, on_click=_stop_training, disabled=not active, icon=":material/stop:")
    spec, _ = session.current_spec()
    if spec is None:
        return
    choice = session.value(Train.DATASET, training_data.DEFAULT_DATASET)
    named = choice in DATASET_TITLES
    components.notebook_download(
        notebook,
        spec,
        choice if named and ready else None,
        Train.DOWNLOAD_NOTEBOOK,
        "The network does not take these images yet: make it fit the data above first."
        if named
        else "A notebook loads a named dataset (digits, shapes or one of Keras'); your own images stay here.",
    )


def _status_line(status) -> str:
    if status.state == "queued":
        position = status.queue_position or 1
        return f"Waiting for a free slot: number {position} in the queue. Trainings run a few at a time here."
    if status.state == "running":
        left = "" if status.seconds_left is None else f" · about {status.seconds_left:.0f} s left"
        loss = "" if status.batch_loss is None else f" · loss {status.batch_loss:.3f}"
        return (
            f"Epoch {min(status.epoch + 1, status.epochs)} of {status.epochs} · batch {status.batch} of "
            f"{status.batches_per_epoch}{loss}{left}"
        )
    if status.state == "finished":
        return f"Finished {counted(status.epochs, 'epoch')} in {status.elapsed:.1f} s."
    if status.state == "stopped":
        return f"Stopped after {counted(status.epoch, 'epoch')}, {status.elapsed:.1f} s."
    return "Training failed."


def _curves_text(history: dict[str, list[float]]) -> str:
    """The training curves in words (their text alternative)."""
    epochs = len(history.get("accuracy", []))
    if epochs == 0:
        return "Training curves of loss and accuracy per epoch; empty until the first epoch ends."
    last = epochs - 1
    text = f"Training curves after {counted(epochs, 'epoch')}: training accuracy "
    text += f"{history['accuracy'][last]:.0%}"
    if history.get("val_accuracy"):
        text += f", validation accuracy {history['val_accuracy'][last]:.0%}"
    return text + f", training loss {history['loss'][last]:.3f}."


def _live_view(job: TrainingJob, was_active: bool) -> None:
    status = job.status()
    if status.state == "failed":
        say("error", status.error or "Training failed.", icon=":material/error:")
    if status.note:
        st.warning(status.note, icon=":material/timer:")
    st.progress(status.progress, text=_status_line(status))
    partial = None
    if status.state == "running" and status.batch and status.batch_loss is not None:
        partial = (
            status.epoch + status.batch / status.batches_per_epoch,
            status.batch_loss,
            status.batch_accuracy,
        )
    # The x-axis spans the run's epochs while it trains, and the epochs it really trained once it ended.
    span = status.epochs if status.active else max(1, len(status.history.get("loss", [])))
    components.chart(
        training_curves(status.history, span, partial=partial),
        Train.LIVE_CURVES,
        alt=_curves_text(status.history),
    )
    if was_active and not status.active:
        st.rerun(scope="app")  # redraw the buttons and the results once the job has ended


def _promote_finished(job: TrainingJob | None) -> None:
    """Keeps the model of a job that ended with at least one trained epoch.

    A finished run becomes the session's trained network; a stopped one is kept under its own name and
    replaces nothing (a failed one neither).
    """
    if job is None or job is session.trained_job() or job is session.stopped_job():
        return
    status = job.status()
    if status.state == "finished":
        session.set_trained_job(job)
        session.set_model_choice("trained")  # Inspect and Learn now show the network just trained
    elif status.state == "stopped" and status.epoch > 0:
        session.set_stopped_job(job)
        if session.trained_job() is None:
            session.set_model_choice("stopped")


def _evaluation(job: TrainingJob):
    """The trained model on the test split, computed once per job."""
    from visualizer.backend.evaluation import evaluate

    found = session.results_cache(job.id)
    if "evaluation" not in found:
        found["evaluation"] = evaluate(job.model, job.dataset)
    return found["evaluation"]


def _model_bytes(job: TrainingJob) -> bytes:
    """The trained model as a .keras archive, made once per job."""
    from visualizer.backend.saving import model_to_bytes

    found = session.results_cache(job.id)
    if "model_bytes" not in found:
        found["model_bytes"] = model_to_bytes(job.model)
    return found["model_bytes"]


def _results(job: TrainingJob) -> None:
    result = _evaluation(job)
    dataset = job.dataset
    status = job.status()
    names = list(dataset.class_names)
    st.subheader("How good did it get?")
    accuracy, loss, epochs, seconds = st.columns(4)
    accuracy.metric("Test accuracy", f"{result.accuracy:.1%}")
    loss.metric("Test loss", f"{result.loss:.3f}")
    epochs.metric("Epochs trained", status.epoch)
    seconds.metric("Training time", f"{status.elapsed:.1f} s")
    per_class, confusion = st.columns([1, 1.2])
    with per_class:
        st.markdown("**Accuracy per class**")
        components.chart(
            per_class_accuracy_figure(result.per_class_accuracy, names),
            Train.PER_CLASS,
            alt="Test accuracy of each class: "
            + ", ".join(
                f"{class_label(names, index)} {value:.0%}" for index, value in enumerate(result.per_class_accuracy)
            ),
        )
    with confusion:
        st.markdown("**Confusion matrix**: click a cell to see those test images")
        event = components.chart(
            confusion_matrix_figure(result.confusion, names),
            Train.CONFUSION,
            alt="The confusion matrix: rows are the true classes, columns the predicted ones; the diagonal counts "
            "the right answers, every other cell a kind of mistake. Click a cell to see those test images.",
            on_select="rerun",
            selection_mode="points",
        )
    cell = components.clicked_customdata(event)
    _gallery(dataset, result, tuple(cell) if cell is not None and len(cell) == 2 else None)
    left, right = st.columns(2)
    left.download_button(
        "Download the trained model (.keras)",
        _model_bytes(job),
        file_name="cnn_model.keras",
        mime="application/octet-stream",
        key=Train.DOWNLOAD_MODEL,
        icon=":material/download:",
    )
    right.download_button(
        "Download the history (.csv)",
        history_csv(status.history),
        file_name="history.csv",
        mime="text/csv",
        key=Train.DOWNLOAD_HISTORY,
        icon=":material/download:",
    )


def _gallery(dataset: Dataset, result, cell: tuple[int, int] | None) -> None:
    names = list(dataset.class_names)
    picked = result.picked(cell)
    if cell is None:
        title = f"Mistakes: {counted(len(picked), 'test image')} the model got wrong"
    else:
        true, predicted = cell
        title = (
            f"{counted(len(picked), 'test image')} of {plain(class_label(names, true), 40)} predicted as "
            f"{plain(class_label(names, predicted), 40)}"
        )
    st.markdown(f"**{title}**" + (f" (first {GALLERY_LIMIT})" if len(picked) > GALLERY_LIMIT else ""))
    if len(picked) == 0:
        st.caption("None.")
        return
    shown = picked[:GALLERY_LIMIT]
    titles = []
    for index in shown:
        predicted = int(result.predictions[index])
        name = class_label(names, predicted)
        titles.append(f"{name} {result.probabilities[index, predicted]:.0%}")
    components.chart(
        image_grid(dataset.x_test[shown], titles, columns=8, scale=max(1, 96 // dataset.image_shape[0])),
        Train.GALLERY,
        alt=f"{counted(len(shown), 'test image')}, each titled with the predicted class and its probability.",
    )


def render() -> None:
    st.title("Train")
    st.caption(
        "Pick data, press Train, and watch the network learn: the page stays usable while it trains, "
        "and Stop takes effect at the next batch."
    )
    components.pending_notice()
    job = session.training_job()
    cache.session_jobs().track(job)
    _promote_finished(job)
    status = job.status() if job is not None else None
    active = status is not None and status.active

    components.network_line()
    # Once a run has started, data and settings fold away so the buttons and the live curves stay in view.
    folded = job is not None or session.presenter()
    dataset, message = None, None
    with st.expander(training_data.data_title(), expanded=False) if folded else st.container():
        if not folded:
            st.subheader("Data")
        training_data.dataset_picker()
        dataset, message = training_data.selected_dataset()
        ready = False
        if dataset is None:
            say("info", message)
        else:
            training_data.dataset_overview(dataset)
            ready = _compatibility(dataset)
    if not folded:
        st.subheader("Training")
    with st.expander(_settings_title(), expanded=False) if folded else st.container():
        _settings(disabled=active or session.is_locked("training"))
        _augmentation(active or session.is_locked("training"), dataset)
    if folded and dataset is not None and not ready:
        st.warning("The data does not fit the network yet: open the data above.", icon=":material/warning:")
    _controls(active, ready)

    if job is not None:

        @st.fragment(run_every=1.0 if active else None)
        def live() -> None:
            with timing.timed("fragment", "train"):
                _live_view(job, was_active=active)

        live()

    trained, stopped = session.trained_job(), session.stopped_job()
    if stopped is job and stopped is not None:
        kept = f"Its network after {counted(stopped.status().epoch, 'epoch')} is kept as your stopped run"
        if trained is not None:
            st.info(f"{kept}; your finished network stays as it was. Pick either on Inspect.")
        else:
            st.info(f"{kept}: pick it on Inspect. A finished run will become your trained network.")
    shown = trained if trained is not None and trained.model is not None else stopped
    if shown is not None and shown.model is not None:
        if shown is not job:
            st.caption("Results of your last trained model (the run above did not replace it).")
        _results(shown)


if __name__ == "__main__":
    render()
