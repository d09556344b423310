"""Signing keys added at run time (rotation), shared by every worker through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from .database import insert_if_absent
from .schema import signing_keys


def all_keys(conn: Connection) -> list[tuple[str, str]]:
    """``(key_id, base64url secret)`` oldest first."""
    rows = conn.execute(select(signing_keys.c.key_id, signing_keys.c.secret).order_by(signing_keys.c.seq))
    return [(r[0], r[1]) for r in rows]


def add_key(conn: Connection, key_id: str, secret: str, now: datetime) -> None:
    insert_if_absent(conn, signing_keys, {"key_id": key_id, "secret": secret, "created_at": now})
