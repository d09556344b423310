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

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from . import schema

T = TypeVar("T")
log = logging.getLogger(__name__)

_RETRIES = 5


class Database:
    """One engine plus the two kinds of transaction the services use: :meth:`read` and :meth:`write`."""

    def __init__(self, url: str, *, pg_schema: str | None = None, sqlite_timeout: float = 30.0) -> None:
        self.url = url
        if url.startswith("sqlite"):
            self.engine = create_engine(
                url,
                connect_args={"timeout": sqlite_timeout, "check_same_thread": False},
                pool_size=10,
                max_overflow=20,
            )
            _install_sqlite_hooks(self.engine, sqlite_timeout)
        else:
            connect_args: dict[str, Any] = {}
            if pg_schema:
                connect_args["options"] = f"-csearch_path={pg_schema}"
            self.engine = create_engine(
                url, connect_args=connect_args, pool_size=10, max_overflow=20, pool_pre_ping=True
            )
        self.dialect = self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (deferred on SQLite: takes no write lock)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write_once(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(qrpay_write=True)
            with conn.begin():
                yield conn

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(conn)`` in one write transaction (write lock up front), retrying lock conflicts.

        ``fn`` must be safe to re-run: it is called again from scratch after a deadlock or busy database.
        """
        for attempt in range(_RETRIES):
            try:
                with self._write_once() as conn:
                    return fn(conn)
            except (OperationalError, DBAPIError) as exc:
                if attempt == _RETRIES - 1 or not _retryable(exc):
                    raise
                log.info("retrying write after %s", type(exc.orig).__name__)
                time.sleep(0.01 * (2**attempt))
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()


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
