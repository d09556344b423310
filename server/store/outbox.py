"""The outbox: balance prompts and merchant webhooks, written in the same transaction as the change."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from .schema import outbox


def add(
    conn: Connection,
    *,
    topic: str,
    event_type: str,
    payload: dict[str, Any],
    now: datetime,
    customer_id: str | None = None,
    merchant_id: str | None = None,
) -> None:
    conn.execute(
        insert(outbox).values(
            topic=topic,
            event_type=event_type,
            customer_id=customer_id,
            merchant_id=merchant_id,
            payload=json.dumps(payload, separators=(",", ":"), sort_keys=True),
            created_at=now,
        )
    )


def for_customer(conn: Connection, customer_id: str, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(outbox)
        .where(outbox.c.customer_id == customer_id, outbox.c.topic == "balance_prompt")
        .order_by(outbox.c.id.desc())
        .limit(limit)
    )
    return [dict(r) | {"payload": json.loads(r["payload"])} for r in conn.execute(query).mappings()]


def for_merchant(conn: Connection, merchant_id: str, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(outbox).where(outbox.c.merchant_id == merchant_id).order_by(outbox.c.id.desc()).limit(limit)
    )
    return [dict(r) | {"payload": json.loads(r["payload"])} for r in conn.execute(query).mappings()]
