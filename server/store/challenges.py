"""Payer challenges (SMS dynamic passwords, USB-key nonces), the dev SMS log and limit usage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from .schema import challenges, limit_usage, sms_messages


def insert_challenge(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(challenges).values(**values))


def get_challenge(conn: Connection, challenge_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(challenges).where(challenges.c.id == challenge_id)).mappings().first()
    return dict(row) if row else None


def count_challenges_since(conn: Connection, mobile: str, since: datetime) -> int:
    query = (
        select(func.count())
        .select_from(challenges)
        .where(challenges.c.mobile == mobile, challenges.c.created_at >= since)
    )
    return int(conn.execute(query).scalar_one())


def use_challenge(conn: Connection, challenge_id: str) -> bool:
    """Consume an open challenge; False when it was used or killed meanwhile (single use)."""
    result = conn.execute(
        update(challenges)
        .where(challenges.c.id == challenge_id, challenges.c.status == "open")
        .values(status="used")
    )
    return result.rowcount == 1


def fail_challenge(conn: Connection, challenge_id: str, max_failures: int) -> None:
    conn.execute(
        update(challenges).where(challenges.c.id == challenge_id).values(failures=challenges.c.failures + 1)
    )
    conn.execute(
        update(challenges)
        .where(
            challenges.c.id == challenge_id,
            challenges.c.status == "open",
            challenges.c.failures >= max_failures,
        )
        .values(status="dead")
    )


def insert_sms(conn: Connection, mobile: str, text: str, now: datetime) -> None:
    conn.execute(insert(sms_messages).values(mobile=mobile, text=text, created_at=now))


def sms_for(conn: Connection, mobile: str, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(sms_messages.c.text, sms_messages.c.created_at)
        .where(sms_messages.c.mobile == mobile)
        .order_by(sms_messages.c.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def spent_since(conn: Connection, customer_id: str, since: datetime) -> int:
    query = select(func.coalesce(func.sum(limit_usage.c.amount), 0)).where(
        limit_usage.c.customer_id == customer_id, limit_usage.c.created_at >= since
    )
    return int(conn.execute(query).scalar_one())


def record_spend(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(limit_usage).values(**values))
