"""The Build page: assemble a stack, see its exact shapes, diagram and Keras code."""

from __future__ import annotations

import streamlit as st

from visualizer.data.catalog import datasets_for
from visualizer.errors import SpecError
from visualizer.figures.architecture import architecture_figure
from visualizer.model.blocks import BLOCKS, MAX_BRANCHES, MERGE_LAYERS, MERGES, block_type, traits
from visualizer.model.checks import MAX_CHANNELS, MAX_CLASSES, MAX_INPUT_SIDE, counted, format_shape
from visualizer.model.codegen import to_keras_code
from visualizer.model.layers import ACTIVATIONS, LAYERS
from visualizer.model.plan import LayerSummary, receptive_fields, summarize_until_error
from visualizer.model.presets import PRESET_TITLES, PRESETS
from visualizer.model.spec import ModelSpec
from visualizer.training.config import TrainingConfig
from visualizer.ui import components, keys, session
from visualizer.ui.keys import Build
from visualizer.ui.text import say

MAX_SPEC_FILE_BYTES = 1_000_000


# Callbacks: they run before the script body, so the page never shows a stale stack.


def _load_preset() -> None:
    name = session.value(Build.PRESET)
    if name is None:
        return
    session.replace_spec(PRESETS[name])
    session.preset(Build.PRESET, None)  # a menu of actions: choosing the same preset again reloads it
    session.set_notice("success", f"Loaded the preset {PRESET_TITLES[name]}.")


def _undo_replace() -> None:
    session.undo_replace()
    session.set_notice("info", "Your previous stack is back.")


def _load_uploaded_spec() -> None:
    uploaded = session.value(Build.UPLOAD)
    if uploaded is None:
        return
    data = uploaded.getvalue()
    if len(data) > MAX_SPEC_FILE_BYTES:
        session.set_notice(
            "error",
            f"{uploaded.name} is {len(data):,} bytes; a spec file is a small JSON file "
            f"(at most {MAX_SPEC_FILE_BYTES:,} bytes). Your stack was not changed.",
        )
        return
    try:
        spec = ModelSpec.from_json(data)
    except SpecError as error:
        session.set_notice("error", f"{uploaded.name} could not be loaded: {error} Your stack was not changed.")
        return
    session.replace_spec(spec)
    session.set_notice("success", f"Loaded the stack from {uploaded.name}.")


def _add_layer() -> None:
    session.add_layer(session.value(Build.ADD_TYPE))


# Page sections.


def _toolbar() -> None:
    presets, upload = st.columns([1, 1])
    with presets:
        st.selectbox(
            "Start from a preset",
            list(PRESETS),
            index=None,
            placeholder="Choose one: it replaces the stack below",
            format_func=PRESET_TITLES.__getitem__,
            key=Build.PRESET,
            on_change=_load_preset,
        )
    with upload:
        st.file_uploader(
            "Open a spec file (.json)",
            type=["json"],
            key=Build.UPLOAD,
            on_change=_load_uploaded_spec,
            help="A file saved with 'Download spec' below.",
        )


def _model_settings() -> None:
    shape = session.input_shape()
    height_col, width_col, channels_col, classes_col = st.columns(4)
    height = height_col.number_input(
        "Input height", 1, MAX_INPUT_SIDE, int(shape[0]), key=Build.setting("height", session.generation())
    )
    width = width_col.number_input(
        "Input width", 1, MAX_INPUT_SIDE, int(shape[1]), key=Build.setting("width", session.generation())
    )
    channels = channels_col.number_input(
        "Channels",
        1,
        MAX_CHANNELS,
        int(shape[2]),
        key=Build.setting("channels", session.generation()),
        help="1 for grayscale images, 3 for colour (RGB).",
    )
    classes = classes_col.number_input(
        "Classes",
        2,
        MAX_CLASSES,
        session.num_classes(),
        key=Build.setting("classes", session.generation()),
        help="How many classes the output layer tells apart.",
    )
    session.set_model_settings([int(height), int(width), int(channels)], int(classes))


Slot = tuple[st.delta_generator.DeltaGenerator, st.delta_generator.DeltaGenerator]


def _card_buttons(uid: int, position: int, count: int, columns: list) -> None:
    """Move up, move down, duplicate and remove: the buttons of a layer's (or block's) card."""
    buttons = [
        ("up", ":material/arrow_upward:", "Move up", session.move_layer, (uid, -1), position == 0),
        ("down", ":material/arrow_downward:", "Move down", session.move_layer, (uid, 1), position == count - 1),
        ("copy", ":material/content_copy:", "Duplicate", session.duplicate_layer, (uid,), False),
        ("remove", ":material/delete:", "Remove", session.remove_layer, (uid,), False),
    ]
    for column, (name, icon, help_text, action, args, disabled) in zip(columns, buttons):
        column.button(
            "", icon=icon, key=Build.layer(uid, name), help=help_text, on_click=action, args=args, disabled=disabled
        )


def _card_header(uid: int, position: int, count: int) -> st.delta_generator.DeltaGenerator:
    """A card's first row: a slot for its title and shape, then its buttons; returns the slot."""
    header, *button_columns = st.columns([6, 0.7, 0.7, 0.7, 0.7], vertical_alignment="center")
    _card_buttons(uid, position, count, button_columns)
    return header.empty()


def _add_inner_layer(uid: int, path: int) -> None:
    session.add_inner_layer(uid, path, session.value(Build.layer(uid, f"add_type_{path}")))


def _block_settings(entry: dict) -> None:
    """A block's own settings: the shortcut and activation of a residual block, the merge of a branch block."""
    uid, settings = entry["uid"], entry["layer"]
    if not BLOCKS[settings["type"]].parallel:
        shortcut, activation = st.columns([1.4, 1], vertical_alignment="bottom")
        projection = shortcut.toggle(
            "1x1 projection shortcut",
            value=settings["shortcut"] == "projection",
            key=Build.layer(uid, "shortcut"),
            help="Identity adds the block's input as it is; a 1x1 convolution matches its channels and stride "
            "to the layers' output when they differ.",
        )
        settings["shortcut"] = "projection" if projection else "identity"
        settings["activation"] = activation.selectbox(
            "After the addition",
            ACTIVATIONS,
            index=ACTIVATIONS.index(settings["activation"]),
            key=Build.layer(uid, "activation"),
            help="The activation applied to the sum ('linear' for none).",
        )
    else:
        merge, add = st.columns([1.4, 1], vertical_alignment="bottom")
        settings["merge"] = merge.selectbox(
            "Join the branches by",
            MERGES,
            index=MERGES.index(settings["merge"]),
            format_func=lambda merge: MERGE_LAYERS[merge].joining,
            key=Build.layer(uid, "merge"),
        )
        add.button(
            "Add a branch",
            key=Build.layer(uid, "add_branch"),
            on_click=session.add_branch,
            args=(uid,),
            icon=":material/add:",
            disabled=len(entry["paths"]) >= MAX_BRANCHES,
        )


def _path(entry: dict, number: int, slots: dict[int, Slot]) -> None:
    """One path of a block (its layers, each editable and movable) and the control that adds a layer to it."""
    uid, inner = entry["uid"], entry["paths"][number]
    is_branch = BLOCKS[entry["layer"]["type"]].parallel
    with st.container(border=True, key=Build.layer(uid, f"path_{number}")):
        title, remove = st.columns([6, 1.2], vertical_alignment="center")
        if is_branch:
            title.markdown(f"**Branch {number + 1}**" + ("" if inner else " · empty: passes the input on"))
            remove.button(
                "",
                icon=":material/delete:",
                key=Build.layer(uid, f"remove_branch_{number}"),
                help="Remove this branch",
                on_click=session.remove_branch,
                args=(uid, number),
                disabled=len(entry["paths"]) <= 2,
            )
        else:
            title.markdown("**Inside the block**")
        for position, layer_entry in enumerate(inner):
            header_slot = _card_header(layer_entry["uid"], position, len(inner))
            layer_entry["layer"] = components.layer_editor(layer_entry["layer"], layer_entry["uid"])
            slots[layer_entry["uid"]] = (header_slot, st.empty())
        kind, button = st.columns([3, 1.2], vertical_alignment="bottom")
        kind.selectbox(
            "Add a layer here",
            list(LAYERS),
            format_func=lambda name: f"{LAYERS[name].title} ({name})",
            key=Build.layer(uid, f"add_type_{number}"),
        )
        button.button("Add", key=Build.layer(uid, f"add_{number}"), on_click=_add_inner_layer, args=(uid, number))


def _layer_rows() -> dict[int, Slot]:
    """Draws one editable card per layer or block; returns each card's header and message slots by uid."""
    slots: dict[int, Slot] = {}
    entries = session.editable().entries
    for position, entry in enumerate(entries):
        uid = entry["uid"]
        with st.container(border=True, key=Build.card(uid)):
            header_slot = _card_header(uid, position, len(entries))
            if "paths" in entry:
                _block_settings(entry)
                for number in range(len(entry["paths"])):
                    _path(entry, number, slots)
            else:
                entry["layer"] = components.layer_editor(entry["layer"], uid)
            slots[uid] = (header_slot, st.empty())
    return slots


def _add_layer_controls() -> None:
    kind, button = st.columns([3, 1], vertical_alignment="bottom")
    kind.selectbox(
        "Add a layer or block",
        [*LAYERS, *BLOCKS],
        format_func=lambda name: f"{(LAYERS.get(name) or BLOCKS[name]).title} ({name})",
        key=Build.ADD_TYPE,
    )
    button.button("Add layer", key=Build.ADD_LAYER, on_click=_add_layer, type="primary")


def _shape_text(rows: list[LayerSummary]) -> str:
    """`` → **14x14x16** · 1,168 parameters`` for the rows of one layer or block."""
    return f" → **{format_shape(rows[-1].output_shape)}** · {sum(row.params for row in rows):,} parameters"


def _fill_layer_headers(slots: dict[int, Slot], rows: list[LayerSummary], error: SpecError | None) -> None:
    """Titles every card with its output shape and parameters (as far as the stack fits), and shows its error."""
    for position, entry in enumerate(session.editable().entries):
        header_slot, message_slot = slots[entry["uid"]]
        kind = entry["layer"]["type"]
        title = (LAYERS.get(kind) or BLOCKS[kind]).title
        own = [row for row in rows if row.index == position]
        fits = error is None or error.layer_index is None or position < error.layer_index
        header_slot.markdown(f"**{position + 1} · {title}** `{kind}`" + (_shape_text(own) if own and fits else ""))
        if error is not None and error.layer_index == position:
            message_slot.error(str(error), icon="⚠️")
        for number, path in enumerate(entry.get("paths", [])):
            for place, inner in enumerate(path):
                inner_rows = [row for row in own if row.path == (number, place)]
                inner_kind = inner["layer"]["type"]
                text = f"{place + 1} · {LAYERS[inner_kind].title} `{inner_kind}`"
                slots[inner["uid"]][0].markdown(text + (_shape_text(inner_rows) if inner_rows else ""))


def _head_rows(rows: list[LayerSummary]) -> None:
    for row in (row for row in rows if row.is_head):
        what = LAYERS[row.type].title + (", softmax" if traits(row.type).scores else "")
        st.markdown(
            f"🔒 **{what}** `{row.name}` → **{format_shape(row.output_shape)}** · "
            f"{row.params:,} parameters — classifier head, added automatically"
        )


def _summary_table(spec: ModelSpec, rows: list[LayerSummary], error: SpecError | None) -> None:
    fields = receptive_fields(spec) if error is None else [None] * len(rows)
    table = {  # no "type" column: a layer's name says it (conv2d_1)
        "Layer": [_layer_label(row) for row in rows],
        "Output": [format_shape(row.output_shape) for row in rows],
        "Params": [f"{row.params:,}" for row in rows],  # as Keras heads it; "Parameters" alone widened the table
        "Receptive field": [
            ("whole image" if field is None else f"{field[0]}x{field[1]}") if error is None else "–" for field in fields
        ],
    }
    components.table(table, alt="Every layer's type, output shape, parameters and receptive field.")


def _layer_label(row: LayerSummary) -> str:
    """A summary row's layer with its block: "conv2d_2 (in residual_1)", "conv2d_4 (in branch_1, path 2)".

    A block's own layers (its shortcut, addition, activation, merge) carry the block in their names; in a
    block, names may wrap after an underscore (a zero-width space), so long ones never widen the table.
    """
    if row.block is None:
        return row.name
    name, block = row.name.replace("_", "_\u200b"), row.block.replace("_", "_\u200b")
    if row.path is None:
        return name
    if block_type(row.block).parallel:
        return f"{name} (in {block}, path {row.path[0] + 1})"
    return f"{name} (in {block})"


def _code_section(spec: ModelSpec) -> None:
    code = to_keras_code(spec)
    with st.expander("Keras code for this network", expanded=False):
        st.code(code, language="python")
    left, middle, right = st.columns(3)
    left.download_button(
        "Download Keras code (.py)",
        code,
        file_name="cnn_model.py",
        mime="text/x-python",
        key=Build.DOWNLOAD_CODE,
    )
    middle.download_button(
        "Download spec (.json)",
        spec.to_json(),
        file_name="cnn_spec.json",
        mime="application/json",
        key=Build.DOWNLOAD_SPEC,
    )
    fitting = datasets_for(spec)
    chosen = session.value(keys.Train.DATASET)
    name = chosen if chosen in fitting else (fitting[0] if fitting else None)
    components.notebook_download(
        right,
        spec,
        name,
        Build.DOWNLOAD_NOTEBOOK,
        f"A notebook loads a named dataset, and none has {format_shape(spec.input_shape)} images in "
        f"{counted(spec.num_classes, 'class')}: digits, MNIST and Fashion-MNIST are 28x28x1 in 10 classes, "
        "shapes 64x64x3 in 6, CIFAR-10 32x32x3 in 10.",
    )


def _share_link() -> None:
    compact = session.spec_json()
    if st.query_params.get(keys.SHARED_SPEC_PARAM) != compact:
        st.query_params[keys.SHARED_SPEC_PARAM] = compact


def _training_cost(spec) -> None:
    """The estimate of what training it costs here, against this server's limits (``training.budget``)."""
    from visualizer.training.budget import budget, duration

    batch = int(session.value(keys.Train.BATCH_SIZE, TrainingConfig().batch_size))
    found = budget(spec, 1000, 0, batch)
    memory, limit = found.memory_bytes / 2**20, found.memory_limit_bytes / 2**20
    text = (
        f"Training here, estimated: about **{memory:,.0f} MB** of memory at batch {batch}, TensorFlow's own "
        f"600 MB included (one training may use {limit / 1024:.1f} GB), and **{duration(found.seconds_per_epoch)}** "
        f"per epoch for every 1,000 training images ({found.cost.epoch_flops(1000) / 1e9:,.1f} GFLOP)."
    )
    if found.memory_bytes > found.memory_limit_bytes:
        st.warning(
            text
            + f" Too much memory: the largest batch that fits is {found.cost.largest_batch(found.memory_limit_bytes)}."
        )
    else:
        st.caption(text)


def render() -> None:
    st.title("Build a network")
    st.caption(
        "Stack convolution, pooling, dense and dropout layers, or add a residual block (a skip connection) or "
        "a branch block (paths side by side). Shapes and parameter counts update as you edit; the classifier "
        "head (🔒) is added for you. The address bar always holds this network: copy it to share."
    )
    components.pending_notice()
    if session.pop_just_replaced():
        st.button(
            "Undo: bring back the stack it replaced", key=Build.UNDO, on_click=_undo_replace, icon=":material/undo:"
        )
    editable = not (session.is_locked("stack") or session.presenter())
    if editable:
        _toolbar()
        st.subheader("Input and output")
        _model_settings()
    elif session.is_locked("stack"):
        st.info("This lesson fixes the network: it is shown here, not edited.", icon=":material/lock:")
    diagram = st.container()

    slots: dict = {}
    head_slot = overview = st.container()  # shown, not edited: the summary's table lists the layers
    if editable:
        editor, overview = st.columns([1.15, 1], gap="large")
        with editor:
            st.subheader("Layers")
            slots = _layer_rows()  # the editors' values are read into the stack here
            if not session.editable().entries:
                st.info("No layers yet: add one below. The head alone is a plain linear classifier.")
            head_slot = st.container()
            _add_layer_controls()
    spec, error = session.current_spec()
    rows, shape_error = summarize_until_error(spec) if spec is not None else ([], error)
    error = error or shape_error
    if editable and spec is not None:
        _fill_layer_headers(slots, rows, shape_error)
        with head_slot:
            _head_rows(rows)

    with overview:
        st.subheader("Summary")
        if error is not None:
            where = "" if error.layer_index is None else f" (layer {error.layer_index + 1})"
            say("error", f"This stack can't be built yet{where}: {error}", icon=":material/error:")
        if spec is not None:
            total, count = st.columns(2)
            total.metric("Parameters", f"{sum(row.params for row in rows):,}" if error is None else "–")
            count.metric("Keras layers", len(rows) if error is None else "–")
            if error is None:
                _training_cost(spec)
            _summary_table(spec, rows, error)
            with diagram:
                components.chart(
                    architecture_figure(spec.input_shape, rows, error_after=None if error is None else len(rows)),
                    Build.DIAGRAM,
                    alt="The network as a row of blocks, one per layer, each sized by its output shape: "
                    + ", then ".join(f"{row.name} {format_shape(row.output_shape)}" for row in rows),
                )
    if spec is not None and error is None:
        _code_section(spec)
    _share_link()


if __name__ == "__main__":
    render()
