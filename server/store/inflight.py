"""In-flight markers: "a request with this Idempotency-Key is running right now", seen by every worker.

A marker needs no durability, only visibility while its request runs and release when its worker dies: the
request's answer commits in the same transaction as its writes (``Database.unit``), so after a crash either
the answer is stored (a retry replays it) or nothing happened (a retry runs). So markers live outside the
ledger's write path:

* SQLite (one machine): a POSIX byte-range lock on ``<database>.inflight`` at an offset derived from the key,
  plus a set for the threads of this process (POSIX locks belong to the process, not the thread). The kernel
  drops the lock when the process dies.
* PostgreSQL (any number of machines): ``pg_try_advisory_lock`` on a connection held for the request; the
  server drops it when the session ends.

Neither takes the database's write lock, which every money movement needs.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from .database import Database

_OFFSETS = 2**40  # byte-range slots in the (sparse) lock file: collisions between live keys are negligible


def _digest(token: str) -> int:
    return int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "big", signed=True)


class InFlight:
    """Try-locks keyed by a string, visible to every worker of one database."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._local: set[str] = set()
        self._guard = threading.Lock()
        database = db.engine.url.database or ""
        self._path = f"{database}.inflight" if db.is_sqlite and database not in ("", ":memory:") else None
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def hold(self, token: str) -> Iterator[bool]:
        """Hold ``token`` for the block; yields False (holding nothing) when someone else holds it."""
        with self._guard:
            if token in self._local:
                acquired = False
            else:
                self._local.add(token)
                acquired = True
        if not acquired:
            yield False
            return
        try:
            if self._db.is_sqlite:
                with self._file_lock(token) as ok:
                    yield ok
            else:
                with self._advisory_lock(token) as ok:
                    yield ok
        finally:
            with self._guard:
                self._local.discard(token)

    @contextmanager
    def _file_lock(self, token: str) -> Iterator[bool]:
        if self._path is None:  # an in-memory database lives in one process: the set above suffices
            yield True
            return
        offset = _digest(token) % _OFFSETS
        with self._guard:
            # A fork shares nothing useful here, and closing any descriptor of the file would drop every
            # lock this process holds on it: one descriptor per process, never closed.
            if self._fd is None or self._pid != os.getpid():
                self._fd, self._pid = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            fd = self._fd
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset, os.SEEK_SET)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset, os.SEEK_SET)

    @contextmanager
    def _advisory_lock(self, token: str) -> Iterator[bool]:
        key = _digest(token)
        with self._db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            ok = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            try:
                yield ok
            finally:
                if ok:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
