"""Stored responses of idempotent requests, keyed by (caller scope, Idempotency-Key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from .database import insert_if_absent
from .schema import idempotency_keys


def claim(conn: Connection, scope: str, key: str, request_hash: str, now: datetime) -> bool:
    """Start a request under this key; False when the key is already known."""
    return insert_if_absent(
        conn,
        idempotency_keys,
        {
            "scope": scope,
            "key": key,
            "request_hash": request_hash,
            "state": "running",
            "created_at": now,
        },
    )


def get(conn: Connection, scope: str, key: str) -> dict[str, Any] | None:
    query = select(idempotency_keys).where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def take_over(conn: Connection, scope: str, key: str, stale_before: datetime, now: datetime) -> bool:
    """Restart a request whose first attempt died without an answer (its worker crashed)."""
    result = conn.execute(
        update(idempotency_keys)
        .where(
            idempotency_keys.c.scope == scope,
            idempotency_keys.c.key == key,
            idempotency_keys.c.state == "running",
            idempotency_keys.c.created_at < stale_before,
        )
        .values(created_at=now)
    )
    return result.rowcount == 1


def finish(conn: Connection, scope: str, key: str, status_code: int, body: str, content_type: str) -> None:
    conn.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
        .values(state="done", status_code=status_code, body=body, content_type=content_type)
    )


def release(conn: Connection, scope: str, key: str) -> None:
    """Forget a request that failed on our side (5xx) so a retry runs it again."""
    conn.execute(
        delete(idempotency_keys).where(
            idempotency_keys.c.scope == scope,
            idempotency_keys.c.key == key,
            idempotency_keys.c.state == "running",
        )
    )
