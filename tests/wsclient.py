"""A Streamlit client over a raw websocket, without a browser: what the browser sends, and what the run drew.

A :class:`Session` sends ``BackMsg`` ``rerun_script`` messages (the page, the URL's query string, the
widget states that changed) on ``/_stcore/stream`` (subprotocol ``streamlit``) and reads the
``ForwardMsg`` stream until the run's ``script_finished``; a :class:`Run` is what that run drew
(widgets by key, metrics by label, alerts, exceptions) and how long it took from the send.

Used by tests/test_forged_messages.py (messages no browser would send) and by
benchmarks/bench_load.py (many sessions at once, each clicking like a user). With
``browser_like=True`` a session also does two things the browser does between runs: it keeps the
URL the app sets (``st.query_params``, e.g. the working copy's ``?w=``) for its next rerun, and it
tells the server which large messages it already holds (``cached_message_hashes``), so that the
server sends a reference instead of the whole message again.

Widget states on the wire::

    >>> choose("$$ID-abc-placement:deal_desk", "Localized").string_array_value.data
    ['Localized']
    >>> pick("$$ID-abc-scenario:sample", "Startup (25 reps, 1 region)").string_value
    'Startup (25 reps, 1 region)'
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

__all__ = [
    "RUN_TIMEOUT_S",
    "Run",
    "Session",
    "choose",
    "open_sample",
    "pick",
    "session",
    "toggle_placement",
    "trigger",
]

RUN_TIMEOUT_S = 30.0  # one script run, from the BackMsg to its script_finished
CACHE_AGE_RUNS = 2  # the browser forgets a cached message not used in this many runs (global.maxCachedMessageAge)
_DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Run:
    """What one script run drew: widgets by key, metric values by label, alerts and exceptions."""

    page_script_hash: str = ""
    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)  # key -> (element type, proto)
    fragments: dict[str, str] = field(default_factory=dict)  # widget key -> the fragment that drew it
    metrics: dict[str, str] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    seconds: float = 0.0  # from the send of the rerun_script to the run's script_finished

    def widget_id(self, key: str) -> str:
        assert key in self.widgets, f"no widget with key {key!r} in this run: {sorted(self.widgets)}"
        return self.widgets[key][1].id

    def placement(self, role_id: str) -> tuple[list[str], bool]:
        """(shown value, disabled) of a role's placement control."""
        kind, proto = self.widgets[f"placement:{role_id}"]
        assert kind == "button_group"
        return list(proto.raw_values), proto.disabled


class Session:
    """One Streamlit session over a raw websocket, as the browser drives it: rerun_script in, ForwardMsgs out."""

    def __init__(self, ws, query_string: str, page_name: str, *, browser_like: bool = False) -> None:
        self.ws = ws
        self.query_string = query_string
        self.page_name = page_name
        self.page_script_hash = ""
        self.browser_like = browser_like
        self._cache: dict[str, int] = {}  # hash of a cacheable message held -> the run that last used it
        self._runs = 0

    def goto(self, page_name: str, widgets: Sequence[WidgetState] = ()) -> Run:
        """Rerun on another page (by its URL path, as the browser does for a link to it)."""
        self.page_name, self.page_script_hash = page_name, ""
        return self.rerun(widgets)

    def send(self, msg: BackMsg) -> None:
        self.ws.send(msg.SerializeToString())

    def rerun(
        self, widgets: Sequence[WidgetState] = (), *, query_string: str | None = None, fragment_id: str = ""
    ) -> Run:
        """Send a rerun_script (the page of the last run, this session's URL unless ``query_string``).

        ``fragment_id``: rerun only that fragment, as the browser does for a widget drawn inside one.
        """
        state = ClientState(query_string=self.query_string if query_string is None else query_string)
        if self.page_script_hash:
            state.page_script_hash = self.page_script_hash
        else:
            state.page_name = self.page_name
        state.widget_states.widgets.extend(widgets)
        if fragment_id:
            state.fragment_id = fragment_id
        if self.browser_like:
            state.cached_message_hashes.extend(sorted(self._cache))
        msg = BackMsg()
        msg.rerun_script.CopyFrom(state)
        started = time.perf_counter()
        self.send(msg)
        run = self._read_run()
        run.seconds = time.perf_counter() - started
        return run

    def _read_run(self) -> Run:
        """ForwardMsgs until a run finishes (not one cut short by a rerun); the elements of that last run."""
        deadline = time.monotonic() + RUN_TIMEOUT_S
        run = Run()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no script_finished within {RUN_TIMEOUT_S} s")
            fm = ForwardMsg()
            fm.ParseFromString(self.ws.recv(timeout=left))
            kind = fm.WhichOneof("type")
            if self.browser_like:
                self._remember(fm)
            if kind == "new_session":  # every script run starts with one: keep only the last run's elements
                run = Run()
            elif kind == "navigation":  # the page st.navigation chose (the browser's next rerun names it)
                run.page_script_hash = fm.navigation.page_script_hash
            elif kind == "page_info_changed" and self.browser_like:  # the app set st.query_params
                self.query_string = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                _collect(run, fm.delta.new_element, fm.delta.fragment_id)
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                assert fm.script_finished in _DONE, fm.script_finished
                self.page_script_hash = run.page_script_hash or self.page_script_hash  # a fragment run names none
                self._runs += 1
                self._cache = {h: n for h, n in self._cache.items() if self._runs - n <= CACHE_AGE_RUNS}
                return run

    def _remember(self, fm: ForwardMsg) -> None:
        """Keep the hash of a large message (or of one the server referred to) as the browser's cache does."""
        if fm.WhichOneof("type") == "ref_hash":
            self._cache[fm.ref_hash] = self._runs
        elif fm.metadata.cacheable and fm.hash:
            self._cache[fm.hash] = self._runs


@contextmanager
def session(
    base_url: str, query_string: str, page_name: str, *, browser_like: bool = False, browser_id: str | None = None
) -> Iterator[Session]:
    """A new session of the app at ``base_url`` (a new websocket), opened at ``?<query_string>`` on a page.

    ``browser_id``: sent as the ``_streamlit_xsrf`` cookie a browser holds, so that a proxy that keeps
    each browser on one replica (``deploy/nginx.conf``) tells these sessions apart like browsers.
    """
    headers = {"Cookie": f"_streamlit_xsrf={browser_id}"} if browser_id else None
    with connect(
        base_url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + "/_stcore/stream",
        additional_headers=headers,
        subprotocols=["streamlit"],
        open_timeout=10,
        close_timeout=2,
        max_size=None,
    ) as ws:
        yield Session(ws, query_string, page_name, browser_like=browser_like)


def _collect(run: Run, element, fragment_id: str = "") -> None:
    kind = element.WhichOneof("type")
    if kind == "metric":
        run.metrics.setdefault(element.metric.label, element.metric.body)
    elif kind == "alert":
        run.alerts.append(element.alert.body)
    elif kind == "exception":
        run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
    else:
        proto = getattr(element, kind) if kind else None
        element_id = getattr(proto, "id", "") if proto is not None else ""
        if element_id.startswith("$$ID-") and element_id.count("-") >= 2:
            key = element_id.split("-", 2)[2]
            run.widgets[key] = (kind, proto)
            if fragment_id:
                run.fragments[key] = fragment_id


def trigger(widget_id: str) -> WidgetState:
    """A button's click on the wire."""
    return WidgetState(id=widget_id, trigger_value=True)


def pick(widget_id: str, label: str) -> WidgetState:
    """A selectbox's value on the wire: the chosen option's label."""
    return WidgetState(id=widget_id, string_value=label)


def choose(widget_id: str, label: str) -> WidgetState:
    """A segmented control's value on the wire: the chosen option's label in a string array."""
    state = WidgetState(id=widget_id)
    state.string_array_value.data.append(label)
    return state


def open_sample(sess: Session, sample_title: str, page_name: str = "roi") -> Run:
    """Load a sample on the Start page through its sample picker, then go to ``page_name``; that page's run."""
    start = sess.goto("home")
    picked = sess.rerun([pick(start.widget_id("scenario:sample"), sample_title)])
    if picked.exceptions:
        raise RuntimeError(f"loading the sample {sample_title!r}: {picked.exceptions}")
    return sess.goto(page_name)


def toggle_placement(sess: Session, last: Run, role_id: str, label: str) -> Run:
    """Click ``label`` on a role's placement control (``placement:<role_id>``) as drawn in ``last``; the new run.

    The run's ``seconds`` is the click's latency: from the send to the run's ``script_finished``.
    A control drawn inside a fragment reruns only that fragment, as in the browser.
    """
    key = f"placement:{role_id}"
    return sess.rerun([choose(last.widget_id(key), label)], fragment_id=last.fragments.get(key, ""))
