"""The Compare page: two versions of a network trained side by side on the same data and seed."""

from __future__ import annotations

import streamlit as st

from visualizer.data.catalog import DATASET_TITLES, EMBEDDED
from visualizer.data.dataset import training_subset
from visualizer.errors import InputError
from visualizer.figures.curves import comparison_curves
from visualizer.figures.maps import kernel_grid
from visualizer.model.plan import summarize_until_error
from visualizer.model.variants import VARIANTS, applicable_variants, variant
from visualizer.training.config import TRAINING_VARIANTS, TrainingConfig, config_variant
from visualizer.training.job import TrainingJob
from visualizer.ui import cache, components, keys, session
from visualizer.ui.keys import Compare
from visualizer.ui.pages import PAGE_FILES
from visualizer.ui.text import say

SUBSETS = [100, 200, 400, 800, "all"]
CHOICES = {**VARIANTS, **TRAINING_VARIANTS}  # every comparison: what the second network changes
MAX_COMPARE_EPOCHS = 40


def _start(spec, variant_name: str, dataset_name: str, epochs: int, seed: int, subset: int | None) -> None:
    try:
        dataset = cache.named_dataset(dataset_name)
        if subset:
            dataset = training_subset(dataset, subset, seed)
        config = TrainingConfig(epochs=epochs, seed=seed)
        if variant_name in TRAINING_VARIANTS:  # the same network, trained another way
            changed, changed_config = spec, config_variant(config, variant_name)
        else:
            changed, changed_config = variant(spec, variant_name), config
        jobs = [TrainingJob(spec, dataset, config), TrainingJob(changed, dataset, changed_config)]
        cache.session_jobs().start(jobs, comparison=True)  # one run per session; refused when the queue is full
    except InputError as error:
        session.set_notice("error", str(error))
        return
    labels = ["your network", f"the same {CHOICES[variant_name]}"]
    session.set_comparison({"labels": labels, "jobs": jobs, "variant": variant_name})


def _stop() -> None:
    comparison = session.comparison()
    if comparison:
        for job in comparison["jobs"]:
            job.stop()
    cache.session_jobs().stop_all()


def _settings(spec, active: bool) -> tuple:
    choices = [*applicable_variants(spec), *TRAINING_VARIANTS]  # never empty: any network can be augmented
    if session.value(Compare.VARIANT) not in (None, *choices):
        session.preset(Compare.VARIANT, choices[0])  # the stack changed: its variants did too
    kept = {"persist_state": keys.PERSIST, "disabled": active}
    variant_name = st.selectbox(
        "Compare your network with the same network ...",
        choices,
        format_func=CHOICES.get,
        key=Compare.VARIANT,
        **kept,
    )
    first, second, third, fourth = st.columns([1.6, 1, 1, 1])  # the dataset's whole name in view
    dataset_name = first.selectbox(
        "Dataset",
        EMBEDDED,
        format_func=DATASET_TITLES.get,
        key=Compare.DATASET,
        persist_state=keys.PERSIST,
        disabled=active or session.is_locked("dataset"),
    )
    epochs = second.slider("Epochs", 1, MAX_COMPARE_EPOCHS, 10, key=Compare.EPOCHS, **kept)
    seed = third.number_input("Seed (the same for both)", 0, 10_000, 0, key=Compare.SEED, **kept)
    subset = fourth.select_slider(
        "Training images",
        options=SUBSETS,
        value="all",
        key=Compare.SUBSET,
        **kept,
        help="Fewer training images make overfitting easy to see: the test curve stops following the training one.",
    )
    return variant_name, dataset_name, int(epochs), int(seed), None if subset == "all" else int(subset)


def _progress(labels: list[str], jobs: list) -> None:
    histories = {}
    for label, job in zip(labels, jobs, strict=True):
        status = job.status()
        histories[label] = status.history
        if status.state == "failed":
            say("error", f"{label}: {status.error}")
        elif status.state == "queued":
            st.caption(f"{label}: waiting for a free core (position {status.queue_position}).")
        else:
            st.progress(status.progress, text=f"{label}: epoch {status.epoch} of {status.epochs} ({status.state})")
    epochs = jobs[0].config.epochs
    components.chart(
        comparison_curves(histories, epochs),
        Compare.CURVES,
        alt="Loss and accuracy per epoch of the two networks, one colour each, training solid and test dashed: "
        + "; ".join(
            f"{label} {history['val_accuracy'][-1]:.0%} test accuracy after {len(history['val_accuracy'])} epochs"
            for label, history in histories.items()
            if history.get("val_accuracy")
        ),
    )


def _accuracies(job) -> tuple[float, float]:
    """The final network's accuracy on its training and its test images, dropout off (computed once per job)."""
    from visualizer.backend.evaluation import evaluate

    found = session.comparison_results()
    if job.id not in found:
        found[job.id] = (
            evaluate(job.model, job.dataset, split="training").accuracy,
            evaluate(job.model, job.dataset).accuracy,
        )
    return found[job.id]


def _results(labels: list[str], jobs: list) -> None:
    from visualizer.backend.forward import kernels
    from visualizer.backend.info import describe

    rows = []
    for label, job in zip(labels, jobs, strict=True):
        history = job.status().history
        if not history["accuracy"] or job.model is None:
            continue
        train, test = _accuracies(job)
        rows.append(
            {
                "network": label,
                "training accuracy": f"{train:.1%}",
                "test accuracy": f"{test:.1%}",
                "gap (overfitting)": f"{train - test:+.1%}",
                "best test accuracy during training": f"{max(history['val_accuracy']):.1%}",
            }
        )
    if rows:
        components.table(rows, alt="Training and test accuracy of both networks, and the gap between them.")
        st.caption(
            "Both accuracies of the final networks, measured the same way (dropout off). A large gap between "
            "them is overfitting: the network remembers its training images instead of learning what makes a "
            "class. Dropout and augmentation usually narrow the gap but learn more slowly: give them more epochs."
        )
    st.subheader("First-layer kernels")
    for position, (column, label, job) in enumerate(zip(st.columns(2), labels, jobs, strict=True)):
        with column:
            st.markdown(f"**{label}**")
            names = describe(job.model).names("kernel") if job.model is not None else []
            if not names:
                st.caption("No convolution layer (or no trained model).")
                continue
            components.chart(
                kernel_grid(kernels(job.model, names[0]), max_filters=16, max_channels=3),
                Compare.kernels(position),
                alt=f"The first-layer filters {label} learned: red weights positive, blue negative.",
            )


def render() -> None:
    st.title("Compare")
    st.caption(
        "Train two versions of your network on the same data with the same seed, and see what one change does "
        "to the curves and to the kernels it learns."
    )
    components.pending_notice()
    spec, error = session.current_spec()
    shape_error = summarize_until_error(spec)[1] if spec is not None else None
    if spec is None or shape_error is not None:
        say("error", f"The stack on the Build page can't be built yet: {error or shape_error}")
        st.page_link(PAGE_FILES["build"], label="Fix it on the Build page", icon=":material/construction:")
        return
    components.network_line()
    comparison = session.comparison()
    jobs = comparison["jobs"] if comparison else []
    active = any(job.status().active for job in jobs)
    settings = _settings(spec, active)
    try:
        dataset = cache.named_dataset(settings[1])
    except InputError as problem:
        say("error", problem)
        return
    ready = components.fits_dataset(spec, dataset, Compare.ADOPT)
    left, right = st.columns([1, 4])
    left.button(
        "Train both",
        type="primary",
        disabled=active or not ready,
        on_click=_start,
        args=(spec, *settings),
        key=Compare.START,
        icon=":material/play_arrow:",
    )
    right.button("Stop", disabled=not active, on_click=_stop, key=Compare.STOP, icon=":material/stop:")
    if not comparison:
        st.info(
            "Pick a change and press Train both: the two networks train side by side when cores are free, "
            "else one after the other."
        )
        return

    @st.fragment(run_every=1.0 if active else None)
    def live() -> None:
        _progress(comparison["labels"], jobs)
        if active and not any(job.status().active for job in jobs):
            st.rerun(scope="app")

    live()
    if not active:
        _results(comparison["labels"], jobs)


if __name__ == "__main__":
    render()
