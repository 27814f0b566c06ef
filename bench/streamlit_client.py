"""A headless Streamlit client: speaks the app's own websocket protocol, as a browser tab does.

It opens ``/_stcore/stream``, asks for script runs with ``BackMsg.rerun_script``
(a page, its query string and widget values), follows ``run_every`` fragments
as the browser does, and reads every ``ForwardMsg`` back: the elements drawn,
exceptions shown, and when the run finished. Used by the classroom load test
and the replica check behind nginx.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

DONE = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


@dataclass
class RunResult:
    """One script (or fragment) run as the client saw it."""

    seconds: float
    exceptions: list[str] = field(default_factory=list)
    elements: int = 0


class StreamlitClient:
    """One browser session, without the browser.

    Args:
        base_url: ``http://host:port`` of the app (or of a proxy in front of it).
        headers: Extra handshake headers (a ``Cookie`` for a sticky proxy).
    """

    def __init__(
        self, base_url: str, headers: dict[str, str] | None = None, compression: str | None = "deflate"
    ) -> None:
        self.compression = compression
        self.base_url = base_url.rstrip("/")
        self.headers = headers or {}
        self.widget_ids: dict[str, str] = {}
        self.values: dict[str, WidgetState] = {}
        self.auto_rerun: dict[str, float] = {}  # fragment id -> interval
        self._announced: dict[str, float] = {}
        self.session_id: str | None = None
        self.exceptions: list[str] = []
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._finished = asyncio.Event()
        self._elements = 0
        self.page = ""
        self.query = ""

    async def connect(self) -> None:
        """Opens the websocket (``/_stcore/stream``)."""
        ws_url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._socket = await connect(
            ws_url,
            subprotocols=["streamlit"],
            additional_headers={"Origin": self.base_url, **self.headers},
            max_size=None,
            open_timeout=60,
            ping_interval=None,
            compression=self.compression,
        )
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        """Closes the websocket: the server ends the session."""
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        async for raw in self._socket:
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id or self.session_id
                self._announced = {}
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._elements += 1
                element = message.delta.new_element
                element_type = element.WhichOneof("type")
                if element_type == "exception":
                    self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
                widget = getattr(element, element_type, None)
                widget_id = getattr(widget, "id", "") if widget is not None else ""
                if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                    self.widget_ids[widget_id.rsplit("-", 1)[-1]] = widget_id
            elif kind == "auto_rerun":
                self.auto_rerun[message.auto_rerun.fragment_id] = message.auto_rerun.interval
                self._announced[message.auto_rerun.fragment_id] = message.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                self.auto_rerun.pop(message.stop_auto_rerun.fragment_id, None)
            elif kind == "script_finished" and message.script_finished in DONE:
                if message.script_finished == ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY:
                    self.auto_rerun = dict(self._announced)  # a whole run: only the fragments it announced stay live
                self._finished.set()

    def widget_id(self, key: str) -> str:
        """The id the server gave the widget with ``key`` (seen in a run's elements)."""
        return self.widget_ids[key]

    def set_value(self, key: str, kind: str, value) -> None:
        """Sets a widget's value for the next runs (``kind`` is a WidgetState field, e.g. double_value)."""
        state = WidgetState(id=self.widget_id(key))
        if kind == "double_array_value":
            state.double_array_value.data.extend(value)
        else:
            setattr(state, kind, value)
        self.values[key] = state

    async def run(
        self,
        page: str | None = None,
        query: str | None = None,
        trigger: str | None = None,
        fragment_id: str = "",
        timeout: float = 120.0,
    ) -> RunResult:
        """Asks for one run and waits until it has finished.

        Args:
            page: The page's URL path (``inspect``); the current one when None.
            query: The query string without ``?``.
            trigger: The key of a button to press in this run.
            fragment_id: Rerun only this fragment (as ``run_every`` does).
            timeout: Seconds before the run counts as failed.
        """
        if page is not None and page != self.page:
            self.values = {}  # a new page: its widgets start from their defaults
            self.page = page
        if query is not None:
            self.query = query
        message = BackMsg()
        client_state = message.rerun_script
        client_state.query_string = self.query
        client_state.page_name = self.page
        client_state.fragment_id = fragment_id
        client_state.is_auto_rerun = bool(fragment_id)
        states = list(self.values.values())
        if trigger is not None:
            states.append(WidgetState(id=self.widget_id(trigger), trigger_value=True))
        client_state.widget_states.widgets.extend(states)
        errors_before, elements_before = len(self.exceptions), self._elements
        self._finished.clear()
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        await asyncio.wait_for(self._finished.wait(), timeout)
        return RunResult(
            time.perf_counter() - started,
            self.exceptions[errors_before:],
            self._elements - elements_before,
        )
