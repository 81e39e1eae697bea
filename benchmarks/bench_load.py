"""Many people at once: click latency and server cost per click, with N sessions over the websocket.

Starts the app (``streamlit run``, on a temporary SQLite database, with ``SALESOPS_TIMING`` writing
each script run's phases to a temporary file), or drives one already running (``--url``, for
example two replicas behind nginx). For each level of load it opens N sessions at once, each a
thread with its own websocket speaking the browser's protocol (tests/wsclient.py, no browser): the
session loads the enterprise sample (``--sample``) through the Start page's sample picker, opens
Productivity & ROI (``--page org_designer``: the Org designer), then toggles the deal desk's
placement 8 times, waiting 0.5-1.5 s (seeded random) before each
click. A click's latency runs from the send of its ``rerun_script`` to the run's
``script_finished``: the server's queueing, the script run and the sending of the page, without
the browser's drawing.

Per level it reports the p50 and p95 of the click latency, the errors (exceptions on the page,
timeouts, a lost connection, a placement that did not take) and the reruns; from the timing file,
the median server milliseconds per rerun of the page by phase; and from ``/proc/<pid>/stat``,
the server process's CPU seconds per click (the process and its children, read before and after
the clicks of a level): the whole server cost of a click, including what Streamlit does outside the
script (serialising, hashing, sending). Prints Markdown tables; ``--json FILE`` writes the figures.

Run from the repository root::

    python benchmarks/bench_load.py                          # 1, 10, 25 and 50 sessions
    python benchmarks/bench_load.py --sessions 1,10
    python benchmarks/bench_load.py --sessions 1,10 --sample midmarket --page org_designer
    python benchmarks/bench_load.py --url http://127.0.0.1:8080 --sessions 25,50   # a running server or proxy
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesops.model.samples import list_samples  # noqa: E402
from tests.browser import app_server, free_port  # noqa: E402
from tests.wsclient import open_sample, session, toggle_placement  # noqa: E402

ROLE = "deal_desk"
SAMPLE = "enterprise"  # --sample
PAGES = {"roi": "Productivity & ROI", "org_designer": "Org designer"}  # --page: both draw placement:<role>
PAGE_NAME = "roi"
PAGE_TITLE = PAGES[PAGE_NAME]
LABELS = ("Localized", "Centralized")
PHASES = ("run", "page", "charts", "what-ifs", "auto-save", "sidebar", "callback:placement")
SETUP_TIMEOUT_S = 300.0
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Level:
    """What the sessions of one level measured."""

    sessions: int
    latencies: list[float] = field(default_factory=list)  # seconds, one per click that finished
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def _p(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``; nan when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _user(url: str, title: str, clicks: int, rng: random.Random, level: Level, ready, go, cache: bool) -> None:
    """One session: set up (untimed), wait for the others, then click ``clicks`` times."""
    with ExitStack() as stack:
        try:
            # each session a browser of its own, as a proxy sticky by browser sees it
            sess = stack.enter_context(session(url, "", "home", browser_like=cache, browser_id=f"bench-{rng.random()}"))
            last = open_sample(sess, title, PAGE_NAME)
            if last.exceptions or f"placement:{ROLE}" not in last.widgets:
                raise RuntimeError(f"the ROI page did not draw the {ROLE} placement: {last.exceptions}")
        except Exception as exc:  # counted; the other sessions still click
            level.error(f"setting up: {type(exc).__name__}: {exc}")
            sess = None
        ready.wait(timeout=SETUP_TIMEOUT_S)
        go.wait(timeout=SETUP_TIMEOUT_S)
        if sess is None:
            return
        first = LABELS[1] if last.placement(ROLE)[0] == [LABELS[0]] else LABELS[0]  # the first click moves it
        order = (first, LABELS[1] if first == LABELS[0] else LABELS[0])
        for i in range(clicks):
            time.sleep(rng.uniform(0.5, 1.5))
            label = order[i % 2]
            try:
                run = toggle_placement(sess, last, ROLE, label)
            except Exception as exc:  # a timeout or a lost connection ends this session's clicks
                level.error(f"click {i + 1}: {type(exc).__name__}: {exc}")
                return
            with level.lock:
                level.latencies.append(run.seconds)
            if run.exceptions:
                level.error(f"click {i + 1}: {run.exceptions[0]}")
            elif f"placement:{ROLE}" in run.widgets and run.placement(ROLE)[0] != [label]:
                level.error(f"click {i + 1}: the placement shows {run.placement(ROLE)[0]}, not {label}")
            if f"placement:{ROLE}" in run.widgets:
                last = run


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the processes and their descendants (live, or reaped by them)."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    children: dict[int, list[int]] = {}
    for pid, fields in stats.items():
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent's pid
    total, todo, seen = 0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        fields = stats[pid]
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        todo.extend(children.get(pid, []))
    return total / TICKS


def _server_pid(port: int) -> int | None:
    """Our own ``streamlit run`` child listening on ``port``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"streamlit" in cmd and str(port).encode() in cmd:
            return int(entry.name)
    return None


def _phases(path: Path | None, since: float, until: float) -> tuple[int, dict[str, float]]:
    """(runs, median ms by phase) of the ROI page's script runs that started between ``since`` and ``until``."""
    if path is None or not path.exists():
        return 0, {}
    runs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    runs = [r for r in runs if r["page"] == PAGE_TITLE and since <= r["at"] <= until]
    if not runs:
        return 0, {}
    names = sorted({k for r in runs for k in r["phases"] if not k.startswith("@")})
    out = {"run": statistics.median(r["run_ms"] for r in runs)}
    out.update({k: statistics.median(r["phases"].get(k, 0.0) for r in runs) for k in names})
    return len(runs), out


def run_level(
    url: str, n: int, clicks: int, seed: int, pids: list[int], timing: Path | None, cache: bool = True
) -> dict:
    """N sessions at once; the figures of the level."""
    title = next(s.title for s in list_samples() if s.name == SAMPLE)
    level = Level(n)
    ready, go = threading.Barrier(n + 1), threading.Barrier(n + 1)
    threads = [
        threading.Thread(
            target=_user,
            args=(url, title, clicks, random.Random(seed * 1000 + i), level, ready, go, cache),
            daemon=True,
        )
        for i in range(n)
    ]
    set_up = time.perf_counter()
    for t in threads:
        t.start()
    try:
        ready.wait(timeout=SETUP_TIMEOUT_S)  # every session has its ROI page: the clicks start together
    except threading.BrokenBarrierError:
        go.abort()
        for t in threads:
            t.join(timeout=5)
        return {"sessions": n, "errors": len(level.errors), "error_examples": level.errors[:5], "failed": True}
    set_up = time.perf_counter() - set_up
    cpu0, at0, wall0 = _cpu_seconds(pids) if pids else None, time.time(), time.perf_counter()
    own0 = time.process_time()
    go.wait(timeout=SETUP_TIMEOUT_S)
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall0
    own = time.process_time() - own0
    cpu = _cpu_seconds(pids) - cpu0 if pids else None
    reruns, phases = _phases(timing, at0, time.time())
    done = len(level.latencies)
    return {
        "sessions": n,
        "clicks": n * clicks,
        "reruns": reruns or done,
        "errors": len(level.errors),
        "error_examples": level.errors[:5],
        "p50_s": _p(level.latencies, 0.5),
        "p95_s": _p(level.latencies, 0.95),
        "max_s": max(level.latencies, default=float("nan")),
        "cpu_s_per_click": cpu / done if cpu is not None and done else None,
        "server_cores_busy": cpu / wall if cpu is not None else None,
        "client_cores_busy": own / wall,
        "setup_s": set_up,
        "clicks_s": wall,
        "phases_ms": phases,
    }


def _table(results: list[dict], machine: str) -> str:
    ms = lambda v: "-" if v is None or v != v else f"{v * 1000:.0f}"  # noqa: E731
    lines = [
        f"Load: N sessions at once, each the {SAMPLE} sample on {PAGE_TITLE}, toggling the {ROLE} placement;",
        f"{machine}.",
        "",
        "| sessions | clicks | reruns | errors | p50 (s) | p95 (s) | max (s) | server CPU per click (ms) "
        "| server cores busy | client cores busy |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.get("failed"):
            lines.append(f"| {r['sessions']} | - | - | {r['errors']} | setup failed | | | | | |")
            continue
        busy = "-" if r["server_cores_busy"] is None else f"{r['server_cores_busy']:.2f}"
        lines.append(
            f"| {r['sessions']} | {r['clicks']} | {r['reruns']} | {r['errors']} | {r['p50_s']:.2f} | "
            f"{r['p95_s']:.2f} | {r['max_s']:.2f} | {ms(r['cpu_s_per_click'])} | {busy} | "
            f"{r['client_cores_busy']:.2f} |"
        )
    with_phases = [r for r in results if r.get("phases_ms")]
    if with_phases:
        lines += [
            "",
            f"Server milliseconds per {PAGE_TITLE} rerun, median by phase (SALESOPS_TIMING):",
            "",
            "| sessions | " + " | ".join(PHASES) + " |",
            "|---:|" + "---:|" * len(PHASES),
        ]
        for r in with_phases:
            cells = [r["phases_ms"].get(p) for p in PHASES]
            lines.append(f"| {r['sessions']} | " + " | ".join("-" if c is None else f"{c:.1f}" for c in cells) + " |")
    return "\n".join(lines)


def main() -> int:
    global SAMPLE, PAGE_NAME, PAGE_TITLE  # a script's settings, read by the sessions' threads
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,10,25,50", help="levels of load, comma-separated (default 1,10,25,50)")
    parser.add_argument("--clicks", type=int, default=8, help="placement clicks per session (1-100, default 8)")
    parser.add_argument("--seed", type=int, default=16, help="seed of the pauses between clicks")
    parser.add_argument("--url", help="drive this running server (or proxy) instead of starting one")
    parser.add_argument("--pid", type=int, action="append", default=[], help="with --url: a server's pid, for CPU")
    parser.add_argument("--timing", type=Path, help="with --url: the server's SALESOPS_TIMING file")
    parser.add_argument(
        "--no-message-cache",
        action="store_true",
        help="the sessions do not tell the server which large messages they hold (every chart resent in full)",
    )
    parser.add_argument("--sample", default=SAMPLE, choices=[s.name for s in list_samples()], help="default enterprise")
    parser.add_argument("--page", default=PAGE_NAME, choices=list(PAGES), help="where the clicks are (default roi)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    SAMPLE, PAGE_NAME, PAGE_TITLE = args.sample, args.page, PAGES[args.page]
    try:
        levels = [int(v) for v in args.sessions.split(",") if v.strip()]
    except ValueError:
        parser.error(f"--sessions: comma-separated whole numbers, got {args.sessions!r}")
    if not levels or not all(1 <= n <= 500 for n in levels):
        parser.error(f"--sessions: each level between 1 and 500, got {args.sessions!r}")
    if not 1 <= args.clicks <= 100:
        parser.error(f"--clicks: between 1 and 100, got {args.clicks}")
    machine = f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    if args.no_message_cache:
        machine += ", no message cache"
    results: list[dict] = []

    def measure(url: str, pids: list[int], timing: Path | None) -> None:
        for n in levels:
            result = run_level(url, n, args.clicks, args.seed, pids, timing, not args.no_message_cache)
            results.append(result)
            print(f"{n} sessions: done ({result['errors']} errors)", file=sys.stderr, flush=True)

    if args.url:
        measure(args.url, args.pid, args.timing)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
        timing = tmp / "runs.jsonl"
        env = {"SALESOPS_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "SALESOPS_TIMING": str(timing)}
        port = free_port()
        with app_server(env=env, port=port) as url:
            pid = _server_pid(port)
            measure(url, [pid] if pid else [], timing)
    print(_table(results, machine))
    for r in results:
        for example in r["error_examples"]:
            print(f"- {r['sessions']} sessions, error: {example}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "levels": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
