"""Engines and transactions: the durability and locking rules of SPEC §4.1 live here.

SQLite: WAL journal, ``synchronous=FULL`` (a committed payment survives power loss), and ``BEGIN
IMMEDIATE`` for
every write transaction so the write lock is taken up front — two payers can never both read "pending"
and then
both write. pysqlite would emit its own deferred ``BEGIN`` lazily, so we switch that off and emit ``BEGIN``
ourselves (SQLAlchemy's documented "serializable isolation / savepoints" recipe for pysqlite).

PostgreSQL: READ COMMITTED plus explicit row locks (``SELECT … FOR UPDATE``) taken by the store in a
fixed order
(order row, then accounts sorted by id); a deadlock or serialization failure is retried a few times.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from . import schema

T = TypeVar("T")
log = logging.getLogger(__name__)

_RETRIES = 5


class Database:
    """One engine plus the two kinds of transaction the services use: :meth:`read` and :meth:`write`.

    A :meth:`unit` groups every write of one request into a single transaction: the first write inside it
    opens the transaction (write lock up front), later writes nest as SAVEPOINTs (each keeps its own
    all-or-nothing behaviour), and the unit commits once at the end. The idempotency layer uses it so the
    stored answer of a request commits with the money it moved, never apart from it.
    """

    def __init__(self, url: str, *, pg_schema: str | None = None, sqlite_timeout: float = 30.0) -> None:
        self.url = url
        self._writer: Any = None
        if url.startswith("sqlite"):
            self.engine = create_engine(
                url,
                connect_args={"timeout": sqlite_timeout, "check_same_thread": False},
                pool_size=10,
                max_overflow=20,
            )
            _install_sqlite_hooks(self.engine, sqlite_timeout)
            self._writer = _WriterLock(self.engine.url.database or "")
        else:
            connect_args: dict[str, Any] = {}
            if pg_schema:
                connect_args["options"] = f"-csearch_path={pg_schema}"
            self.engine = create_engine(
                url, connect_args=connect_args, pool_size=10, max_overflow=20, pool_pre_ping=True
            )
        self.dialect = self.engine.dialect.name
        # The write transaction open in this thread (gthread workers serve one request per thread).
        self._current: ContextVar[_Open | None] = ContextVar(f"qrpay_write_{id(self)}", default=None)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (deferred on SQLite: takes no write lock); inside a unit, the unit's connection."""
        current = self._current.get()
        if current is not None and current.conn is not None:
            yield current.conn
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write_once(self) -> Iterator[Connection]:
        with self._locked(), self.engine.connect() as conn:
            conn = conn.execution_options(qrpay_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if self._writer is None:
            yield
            return
        with self._writer:
            yield

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(conn)`` in one write transaction (write lock up front), retrying lock conflicts.

        ``fn`` must be safe to re-run: it is called again from scratch after a deadlock or busy database.
        Inside a :meth:`unit` or another write, ``fn`` runs in a SAVEPOINT of the open transaction instead.
        """
        current = self._current.get()
        if current is not None:
            return current.run(self, fn)
        for attempt in range(_RETRIES):
            try:
                with self._write_once() as conn:
                    token = self._current.set(_Open(conn))
                    try:
                        return fn(conn)
                    finally:
                        self._current.reset(token)
            except (OperationalError, DBAPIError) as exc:
                if attempt == _RETRIES - 1 or not _retryable(exc):
                    raise
                log.info("retrying write after %s", type(exc.orig).__name__)
                time.sleep(0.01 * (2**attempt))
        raise AssertionError("unreachable")

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """Group the writes made inside the block into one transaction, committed when the block ends.

        No transaction is opened until the first write, so reads and slow checks (password hashes,
        signatures) before it hold no lock. :meth:`Unit.abort` rolls everything back instead of committing.
        An exception rolls back too. Nested units join the outer one.
        """
        if self._current.get() is not None:
            yield Unit(None)
            return
        state = _Open(None)
        token = self._current.set(state)
        try:
            yield Unit(state)
        except BaseException:
            state.close(commit=False)
            raise
        else:
            state.close(commit=not state.aborted)
        finally:
            self._current.reset(token)

    def dispose(self) -> None:
        self.engine.dispose()


class _Open:
    """The transaction open in one thread: a plain write, or a unit (whose connection opens lazily)."""

    def __init__(self, conn: Connection | None) -> None:
        self.conn = conn
        self.aborted = False
        self._stack: ExitStack | None = None

    def run(self, db: Database, fn: Callable[[Connection], T]) -> T:
        if self.conn is None:  # the first write of a unit opens its transaction, lock first
            stack = ExitStack()
            try:
                stack.enter_context(db._locked())
                conn = stack.enter_context(db.engine.connect()).execution_options(qrpay_write=True)
                stack.enter_context(conn.begin())
            except BaseException:
                stack.close()
                raise
            self.conn, self._stack = conn, stack
        with self.conn.begin_nested():  # a SAVEPOINT: fn's writes stand or fall together
            return fn(self.conn)

    def close(self, *, commit: bool) -> None:
        if self._stack is None:
            return
        stack, self._stack = self._stack, None
        if not commit:
            # Leaving the conn.begin() context with an exception is how SQLAlchemy rolls back.
            stack.__exit__(_Rollback, _Rollback(), None)
            return
        stack.close()


class _Rollback(Exception):
    """Raised into a unit's transaction context to roll it back."""


@dataclass
class Unit:
    """Handle of a :meth:`Database.unit`."""

    _state: _Open | None

    def abort(self) -> None:
        """Roll the unit back at its end instead of committing."""
        if self._state is not None:
            self._state.aborted = True


class _WriterLock:
    """Serialises SQLite writers: a thread lock within the process, ``flock`` across gunicorn workers.

    SQLite's own busy handler polls with sleeps of up to 100 ms, which turns a few contending writers into
    a latency tail of hundreds of milliseconds; waiting here blocks in the kernel and wakes on release.
    """

    def __init__(self, database_path: str) -> None:
        self._thread_lock = threading.Lock()
        self._path = f"{database_path}.writelock" if database_path and database_path != ":memory:" else None
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        if self._path is None:
            return
        try:
            # flock belongs to the open file description, which a fork shares: each process opens its own.
            if self._fd is None or self._pid != os.getpid():
                self._fd, self._pid = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def _retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in ("40001", "40P01"):  # serialization_failure, deadlock_detected
        return True
    return "database is locked" in str(exc.orig)


def _install_sqlite_hooks(engine: Engine, timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("qrpay_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def migrate(db: Database, now: datetime) -> None:
    """Create the schema, or bring it to :data:`schema.SCHEMA_VERSION`; safe when several workers race."""

    def run(conn: Connection) -> None:
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(7242001)"))  # one migrator at a time
        schema.metadata.create_all(conn, checkfirst=True)
        current = conn.execute(select(schema.schema_version.c.version)).scalar()
        if current is None:
            conn.execute(insert(schema.schema_version).values(version=schema.SCHEMA_VERSION))
        elif current > schema.SCHEMA_VERSION:
            raise RuntimeError(f"database schema {current} is newer than this code ({schema.SCHEMA_VERSION})")
        # Future versions: ``elif current < SCHEMA_VERSION: apply steps current+1 … SCHEMA_VERSION`` here.

    db.write(run)


def insert_if_absent(conn: Connection, table: Any, values: dict[str, Any]) -> bool:
    """``INSERT … ON CONFLICT DO NOTHING``; True when the row was inserted."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect_insert: Any = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    # RETURNING rather than rowcount: psycopg reports no usable rowcount for ON CONFLICT DO NOTHING.
    first_column = next(iter(table.primary_key.columns))
    statement = dialect_insert(table).values(**values).on_conflict_do_nothing().returning(first_column)
    return conn.execute(statement).first() is not None
