"""Stored answers of idempotent requests, keyed by (caller scope, Idempotency-Key).

A row is written once, in the same transaction as the request's own writes, so a stored answer always
describes something that happened. Requests still running are marked outside the database
(:mod:`.inflight`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from .schema import idempotency_keys


def get(conn: Connection, scope: str, key: str) -> dict[str, Any] | None:
    query = select(idempotency_keys).where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def record(
    conn: Connection,
    scope: str,
    key: str,
    *,
    request_hash: str,
    status_code: int,
    body: str,
    content_type: str,
    now: datetime,
) -> None:
    """Store the answer of a finished request (a duplicate key is a programming error: the caller holds it)."""
    conn.execute(
        insert(idempotency_keys).values(
            scope=scope,
            key=key,
            request_hash=request_hash,
            status_code=status_code,
            body=body,
            content_type=content_type,
            created_at=now,
        )
    )
