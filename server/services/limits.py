"""Spending limits per verification method: per transaction, per day and per month (SPEC §4.2).

The method that verified a payment sets the ceiling; the day and month totals count everything the customer
spent (whatever method), so a USB key raises the ceiling but a password never spends past its own.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from qrpay.errors import LimitExceeded

from ..store import challenges as store


def check_and_record(
    conn: Connection,
    limits: dict[str, dict[str, int]],
    *,
    customer_id: str,
    method: str,
    amount: int,
    reference: str,
    now: datetime,
) -> None:
    """Refuse ``amount`` if it breaks a limit of ``method``; otherwise count it (same transaction).

    :raises LimitExceeded: per transaction, day or month.
    """
    tier = limits[method]
    if amount > tier["transaction"]:
        raise LimitExceeded(f"above the per-transaction limit for {method}")
    day_start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    if store.spent_since(conn, customer_id, day_start) + amount > tier["day"]:
        raise LimitExceeded(f"above the daily limit for {method}")
    if store.spent_since(conn, customer_id, month_start) + amount > tier["month"]:
        raise LimitExceeded(f"above the monthly limit for {method}")
    store.record_spend(
        conn,
        {
            "customer_id": customer_id,
            "method": method,
            "amount": amount,
            "reference": reference,
            "created_at": now,
        },
    )
