"""ATM withdrawal sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from .schema import withdrawals


def insert_withdrawal(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(withdrawals).values(**values))


def get_withdrawal(
    conn: Connection, withdrawal_id: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    query = select(withdrawals).where(withdrawals.c.id == withdrawal_id)
    if for_update and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def set_status(
    conn: Connection, withdrawal_id: str, *, status: str, now: datetime, expect: tuple[str, ...]
) -> bool:
    """Compare-and-set a withdrawal's status; False when it was not in one of ``expect``."""
    result = conn.execute(
        update(withdrawals)
        .where(withdrawals.c.id == withdrawal_id, withdrawals.c.status.in_(expect))
        .values(status=status, updated_at=now)
    )
    return result.rowcount == 1
