"""The Compare page: two versions of a network trained side by side on the same data and seed."""

from __future__ import annotations

import streamlit as st

from visualizer.datasets import DATASET_TITLES, Dataset, training_subset
from visualizer.errors import InputError
from visualizer.figures import comparison_curves, kernel_grid
from visualizer.shapes import format_shape, summarize_until_error
from visualizer.ui import cache, components, state
from visualizer.ui.pages import PAGE_FILES
from visualizer.variants import VARIANTS, applicable_variants, variant

# The settings' keys live in state, which lessons use to preset them.
VARIANT_KEY = state.COMPARE_SETTING_KEYS["variant"]
DATASET_KEY = state.COMPARE_SETTING_KEYS["dataset"]
EPOCHS_KEY = state.COMPARE_SETTING_KEYS["epochs"]
SEED_KEY = state.COMPARE_SETTING_KEYS["seed"]
SUBSET_KEY = state.COMPARE_SETTING_KEYS["subset"]
EMBEDDED = ("digits", "shapes")


def _start(spec, variant_name: str, dataset_name: str, epochs: int, seed: int, subset: int | None) -> None:
    from visualizer.training import TrainingConfig, TrainingJob

    try:
        dataset = cache.named_dataset(dataset_name)
        if subset:
            dataset = training_subset(dataset, subset, seed)
        base = spec.adapted_to(dataset.image_shape, dataset.num_classes)
        changed = variant(base, variant_name)
    except InputError as error:
        state.set_notice("error", str(error))
        return
    config = TrainingConfig(epochs=epochs, seed=seed)
    jobs = [TrainingJob(base, dataset, config).start(), TrainingJob(changed, dataset, config).start()]
    labels = ["your network", f"the same {VARIANTS[variant_name]}"]
    state.set_comparison({"labels": labels, "jobs": jobs, "variant": variant_name})
    cache.session_jobs().track_extra(jobs)


def _stop() -> None:
    comparison = state.comparison()
    if comparison:
        for job in comparison["jobs"]:
            job.stop()


def _settings(spec, active: bool) -> tuple | None:
    choices = applicable_variants(spec)
    if not choices:
        st.info("Nothing to compare for this stack: add a conv or dense layer on the Build page.")
        return None
    for key, default in (
        (VARIANT_KEY, choices[0]),
        (DATASET_KEY, "digits"),
        (EPOCHS_KEY, 10),
        (SEED_KEY, 0),
        (SUBSET_KEY, "all"),
    ):
        components.keep(key, default)
    if st.session_state[VARIANT_KEY] not in choices:
        st.session_state[VARIANT_KEY] = choices[0]
    keep = {"on_change": components.remember, "disabled": active}
    variant_name = st.selectbox(
        "Compare your network with the same network ...",
        choices,
        format_func=VARIANTS.get,
        key=VARIANT_KEY,
        args=(VARIANT_KEY,),
        **keep,
    )
    first, second, third, fourth = st.columns(4)
    dataset_name = first.selectbox(
        "Dataset",
        EMBEDDED,
        format_func=DATASET_TITLES.get,
        key=DATASET_KEY,
        args=(DATASET_KEY,),
        on_change=components.remember,
        disabled=active or state.is_locked("dataset"),
    )
    epochs = second.slider("Epochs", 1, 40, key=EPOCHS_KEY, args=(EPOCHS_KEY,), **keep)
    seed = third.number_input("Seed (the same for both)", 0, 10_000, key=SEED_KEY, args=(SEED_KEY,), **keep)
    subset = fourth.select_slider(
        "Training images",
        options=[100, 200, 400, 800, "all"],
        key=SUBSET_KEY,
        args=(SUBSET_KEY,),
        **keep,
        help="Fewer training images make overfitting easy to see: the test curve stops following the training one.",
    )
    return variant_name, dataset_name, int(epochs), int(seed), None if subset == "all" else int(subset)


def _progress(labels: list[str], jobs: list) -> None:
    histories = {}
    for label, job in zip(labels, jobs, strict=True):
        status = job.status()
        histories[label] = status.history
        if status.state == "failed":
            st.error(f"{label}: {status.error}")
        elif status.state == "queued":
            st.caption(f"{label}: waiting for a free core (position {status.queue_position}).")
        else:
            st.progress(status.progress, text=f"{label}: epoch {status.epoch} of {status.epochs} ({status.state})")
    epochs = jobs[0].config.epochs
    st.plotly_chart(comparison_curves(histories, epochs), key="compare_curves", config={"displayModeBar": False})


def _accuracies(job) -> tuple[float, float]:
    """The final network's accuracy on its training and its test images, dropout off (computed once per job)."""
    from visualizer.training import evaluate

    found = st.session_state.setdefault("compare_accuracies", {})
    if job.id not in found:
        data = job.dataset
        on_training = Dataset(data.name, data.x_train, data.y_train, data.x_train, data.y_train, data.class_names)
        found[job.id] = (evaluate(job.model, on_training).accuracy, evaluate(job.model, data).accuracy)
    return found[job.id]


def _results(labels: list[str], jobs: list) -> None:
    from visualizer.introspection import conv_layers, kernels

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
        st.dataframe(rows, hide_index=True)
        st.caption(
            "Both accuracies of the final networks, measured the same way (dropout off). A large gap between "
            "them is overfitting: the network remembers its training images instead of learning what makes a "
            "class. Dropout usually narrows the gap but learns more slowly: give it more epochs."
        )
    st.subheader("First-layer kernels")
    columns = st.columns(2)
    for column, label, job in zip(columns, labels, jobs, strict=True):
        with column:
            st.markdown(f"**{label}**")
            model = job.model
            names = conv_layers(model) if model is not None else []
            if not names:
                st.caption("No convolution layer (or no trained model).")
                continue
            st.plotly_chart(
                kernel_grid(kernels(model, names[0]), max_filters=16, max_channels=3),
                key=f"compare_kernels_{labels.index(label)}",
            )


def render() -> None:
    st.title("Compare")
    st.caption(
        "Train two versions of your network on the same data with the same seed, and see what one change does "
        "to the curves and to the kernels it learns."
    )
    components.pending_notice()
    spec, error = state.current_spec()
    if spec is None or summarize_until_error(spec)[1] is not None:
        st.error(f"The stack on the Build page can't be built yet: {error or summarize_until_error(spec)[1]}")
        st.page_link(PAGE_FILES["build"], label="Fix it on the Build page", icon=":material/construction:")
        return
    st.caption(
        f"Your network: the Build page's stack, {len(spec.layers)} layers, input {format_shape(spec.input_shape)}."
    )
    comparison = state.comparison()
    jobs = comparison["jobs"] if comparison else []
    active = any(job.status().active for job in jobs)
    settings = _settings(spec, active)
    if settings is None:
        return
    left, right = st.columns([1, 4])
    left.button(
        "Train both",
        type="primary",
        disabled=active,
        on_click=_start,
        args=(spec, *settings),
        key="compare_start",
        icon=":material/play_arrow:",
    )
    right.button("Stop", disabled=not active, on_click=_stop, key="compare_stop", icon=":material/stop:")
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
