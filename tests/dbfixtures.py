"""Database fixtures for the store tests: one SQLite file, or a fresh PostgreSQL schema.

Import the fixtures into a test module (``from tests.dbfixtures import db_url,
make_store``). ``db_url`` is parametrised over the backends: SQLite always, and
PostgreSQL when ``SALESOPS_TEST_POSTGRES_URL`` is set (CI sets it); otherwise
the PostgreSQL case is skipped with a visible reason, or fails when
``SALESOPS_REQUIRE_POSTGRES=1``. Every PostgreSQL test gets a schema of its own,
created empty before and dropped after, selected through ``search_path`` in the
URL so that every engine and process opened on that URL sees only it.

The writer used by the concurrency tests lives here too, so that processes
started with ``spawn`` can import it, and so do the controls the fault tests
use to stop and start the local PostgreSQL cluster of that URL
(:func:`local_postgres_cluster`).
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import subprocess
import time
import traceback
from dataclasses import dataclass
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateSchema, DropSchema

from salesops.store import Store, VersionConflict

__all__ = [
    "BACKENDS",
    "PG_ENV",
    "REQUIRE_ENV",
    "SKIP_REASON",
    "db_url",
    "PostgresCluster",
    "cap_sqlite_pages",
    "fresh_postgres_schema",
    "local_postgres_cluster",
    "read_only_bind_mount",
    "make_store",
    "postgres_url_or_skip",
    "sqlite_url",
    "write_versions",
    "write_versions_to_queue",
]

PG_ENV = "SALESOPS_TEST_POSTGRES_URL"
REQUIRE_ENV = "SALESOPS_REQUIRE_POSTGRES"
SKIP_REASON = "set SALESOPS_TEST_POSTGRES_URL to run against PostgreSQL (CI does)"
BACKENDS = ("sqlite", "postgresql")


def postgres_url_or_skip() -> str:
    """The PostgreSQL URL of the environment; skip (or fail, when required) without one."""
    url = os.environ.get(PG_ENV, "").strip()
    if url:
        return url
    if os.environ.get(REQUIRE_ENV, "").strip() == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {PG_ENV} is not set: the PostgreSQL tests cannot run", pytrace=False)
    pytest.skip(SKIP_REASON)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@contextmanager
def fresh_postgres_schema(base_url: str) -> Iterator[str]:
    """Create an empty schema, yield a URL whose connections use only it, then drop it."""
    name = f"salesops_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(base_url, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(CreateSchema(name))
        url = sa.engine.make_url(base_url).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        try:
            with admin.begin() as conn:
                conn.execute(DropSchema(name, cascade=True, if_exists=True))
        finally:
            admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "store.db")
        return
    with fresh_postgres_schema(postgres_url_or_skip()) as url:
        yield url


@pytest.fixture
def make_store(db_url: str) -> Iterator[Callable[..., Store]]:
    """A factory of Stores on ``db_url`` (or on a given engine); all are disposed at the end."""
    made: list[Store] = []

    def make(engine: Any = None) -> Store:
        store = Store(db_url if engine is None else engine)
        made.append(store)
        return store

    yield make
    for store in made:
        store.engine.dispose()


# --------------------------------------------------------------------------
# Faults: a full SQLite database, a read-only mount, the local PostgreSQL cluster
# --------------------------------------------------------------------------
def cap_sqlite_pages(store: Store, extra: int = 0) -> dict[str, int]:
    """Make a SQLite store's database full: at most its current size plus ``extra`` pages.

    Every new connection of the store's engine gets ``PRAGMA max_page_count``
    (the pool is emptied so that all do); a write that needs more pages fails
    as on a full disk ("database or disk is full"). Set ``["pages"]`` of the
    returned dict higher and dispose the engine again to give it room.
    """
    with store.engine.connect() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar())
    cap = {"pages": pages + extra}

    def limit(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {int(cap['pages'])}")

    sa.event.listen(store.engine, "connect", limit)
    store.engine.dispose()
    return cap


@contextmanager
def read_only_bind_mount(source: Path, view: Path) -> Iterator[Callable[[], None]]:
    """Bind-mount ``source`` at ``view``; yield a function that remounts it read-only. Root only.

    A read-only mount refuses writes with EROFS even to root, so it exercises
    the read-only path where permission bits would not (root ignores them).
    Linux refuses the remount while a file on it is open for writing: close
    database connections first. Unmounted afterwards.
    """
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only mount needs root")
    view.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "--bind", str(source), str(view)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {done.stderr.strip()}")

    def make_read_only() -> None:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True, capture_output=True)

    try:
        yield make_read_only
    finally:
        if subprocess.run(["umount", str(view)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(view)], capture_output=True)


# --------------------------------------------------------------------------
# The local PostgreSQL cluster, for the fault tests
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class PostgresCluster:
    """A Debian ``pg_ctlcluster`` cluster (version, name) serving a test URL, to stop and start."""

    version: str
    name: str
    port: int

    def _ctl(self, action: str) -> None:
        subprocess.run(["pg_ctlcluster", self.version, self.name, action], check=True, capture_output=True, timeout=120)

    def is_up(self) -> bool:
        done = subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True, timeout=30
        )
        return done.returncode == 0

    def stop(self) -> None:
        """Stop the server (fast shutdown: open sessions are cut, as when it crashes or is restarted)."""
        self._ctl("stop")

    def start(self, wait_s: float = 60) -> None:
        """Start the server (if it is down) and wait until it accepts connections."""
        if not self.is_up():
            self._ctl("start")
        deadline = time.monotonic() + wait_s
        while not self.is_up():
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL {self.version}/{self.name} did not come back in {wait_s} s")
            time.sleep(0.2)


def local_postgres_cluster(url: str) -> PostgresCluster:
    """The local cluster serving ``url``, which this process may stop and start; else skip, saying why.

    It must be on this machine (127.0.0.1 or localhost), listed by Debian's
    ``pg_lsclusters`` on the URL's port, and this process must be root (as in
    CI) to run ``pg_ctlcluster`` for it.
    """
    parsed = sa.engine.make_url(url)
    if parsed.host not in ("127.0.0.1", "localhost", "::1"):
        pytest.skip(f"stopping PostgreSQL needs a local server; {PG_ENV} points at {parsed.host!r}")
    if shutil.which("pg_lsclusters") is None or shutil.which("pg_ctlcluster") is None:
        pytest.skip("stopping PostgreSQL needs Debian's pg_lsclusters and pg_ctlcluster")
    if os.geteuid() != 0:
        pytest.skip("stopping PostgreSQL needs root (pg_ctlcluster), as in CI")
    port = parsed.port or 5432
    listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, timeout=30)
    for line in listed.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[2] == str(port):
            return PostgresCluster(version=fields[0], name=fields[1], port=port)
    pytest.skip(f"no cluster listed by pg_lsclusters on port {port}")


# --------------------------------------------------------------------------
# The concurrency writer
# --------------------------------------------------------------------------
def write_versions(
    store_or_url: Store | str, shared_id: str, writer: int, saves: int, create_every: int, barrier: Any = None
) -> dict[str, Any]:
    """One writer of the concurrency test.

    Saves ``saves`` new versions of the shared scenario, each from the latest
    version it has just read, reading again and retrying after every
    :class:`VersionConflict`; every ``create_every`` saves it also creates a
    scenario of its own. Each saved body is the startup sample renamed to a
    name unique to the save, so every acknowledged version can be checked.

    Returns
    -------
    dict
        ``acks`` [(version, name)] of the shared scenario, ``own`` [(id,
        version, name)], ``conflicts``, ``errors`` (repr and traceback of every
        exception other than VersionConflict), ``seconds``.
    """
    from salesops.model.samples import load_sample

    base = load_sample("startup")
    own_store = not isinstance(store_or_url, Store)
    errors: list[str] = []
    acks: list[tuple[int, str]] = []
    own: list[tuple[str, int, str]] = []
    conflicts = 0
    store: Store | None = None
    start = time.perf_counter()
    try:
        store = Store(store_or_url) if own_store else store_or_url
        if barrier is not None:
            barrier.wait(timeout=120)
        start = time.perf_counter()
        for i in range(saves):
            name = f"writer {writer} save {i}"
            scenario = base.renamed(name)
            in_a_row = 0
            while True:
                try:
                    latest = store.load(shared_id).info.version
                    info = store.save(shared_id, scenario, base_version=latest, note=f"w{writer}")
                except VersionConflict:
                    conflicts += 1
                    in_a_row += 1
                    # Back off a little, as a person reloading would: fewer wasted rounds.
                    time.sleep(random.uniform(0, 0.001 * min(in_a_row, 8)))
                    continue
                except Exception as exc:  # recorded: the test fails on any of these
                    errors.append(f"{exc!r}\n{traceback.format_exc()}")
                    break
                acks.append((info.version, name))
                break
            if create_every and i % create_every == 0:
                own_name = f"writer {writer} own {i}"
                try:
                    created = store.create(base.renamed(own_name), note="own")
                    own.append((created.scenario_id, created.version, own_name))
                    second = store.save(created.scenario_id, base.renamed(own_name + " v2"), base_version=1)
                    own.append((second.scenario_id, second.version, own_name + " v2"))
                except Exception as exc:
                    errors.append(f"{exc!r}\n{traceback.format_exc()}")
    except Exception as exc:
        errors.append(f"{exc!r}\n{traceback.format_exc()}")
    finally:
        if own_store and store is not None:
            store.engine.dispose()
    return {
        "writer": writer,
        "acks": acks,
        "own": own,
        "conflicts": conflicts,
        "errors": errors,
        "seconds": time.perf_counter() - start,
    }


def write_versions_to_queue(queue: Any, *args: Any) -> None:
    """:func:`write_versions` in a child process; the result goes to ``queue``."""
    queue.put(write_versions(*args))
