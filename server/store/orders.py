"""Orders, their payment and refunds (the merchant-presented flow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from .schema import customers, orders, payments, refunds


def insert_order(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(orders).values(**values))


def get_order(conn: Connection, order_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
    query = select(orders).where(orders.c.id == order_id)
    if for_update and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def set_order_status(
    conn: Connection,
    order_id: str,
    *,
    status: str,
    now: datetime,
    expect: tuple[str, ...],
    refunded_amount: int | None = None,
) -> bool:
    """Compare-and-set an order's status; False when it was not in one of ``expect``."""
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if refunded_amount is not None:
        values["refunded_amount"] = refunded_amount
    result = conn.execute(
        update(orders).where(orders.c.id == order_id, orders.c.status.in_(expect)).values(**values)
    )
    return result.rowcount == 1


def due_pending_orders(conn: Connection, now: datetime, limit: int = 500) -> list[str]:
    query = (
        select(orders.c.id)
        .where(orders.c.status == "pending", orders.c.expires_at <= now)
        .order_by(orders.c.expires_at)
        .limit(limit)
    )
    return [r[0] for r in conn.execute(query)]


def insert_payment(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(payments).values(**values))


def payment_of(conn: Connection, order_id: str) -> dict[str, Any] | None:
    query = (
        select(payments, customers.c.account_number)
        .join(customers, customers.c.id == payments.c.customer_id)
        .where(payments.c.order_id == order_id)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def insert_refund(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(refunds).values(**values))


def refunds_of(conn: Connection, order_id: str) -> list[dict[str, Any]]:
    query = select(refunds).where(refunds.c.order_id == order_id).order_by(refunds.c.created_at, refunds.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


# -- invariant checks ----------------------------------------------------------------------------------------
def paid_orders_without_one_payment(conn: Connection, limit: int = 10) -> list[str]:
    """Orders whose status says paid (or refunded) but that do not have exactly one payment, or vice versa."""
    counts = select(payments.c.order_id, func.count().label("n")).group_by(payments.c.order_id).subquery()
    paid_states = ("paid", "partially_refunded", "refunded")
    query = (
        select(orders.c.id)
        .select_from(orders.outerjoin(counts, counts.c.order_id == orders.c.id))
        .where(
            ((orders.c.status.in_(paid_states)) & (func.coalesce(counts.c.n, 0) != 1))
            | ((orders.c.status.not_in(paid_states)) & (func.coalesce(counts.c.n, 0) != 0))
        )
        .limit(limit)
    )
    return [r[0] for r in conn.execute(query)]


def over_refunded_orders(conn: Connection, limit: int = 10) -> list[str]:
    sums = select(refunds.c.order_id, func.sum(refunds.c.amount).label("total")).group_by(refunds.c.order_id)
    sums_q = sums.subquery()
    query = (
        select(orders.c.id)
        .select_from(orders.join(sums_q, sums_q.c.order_id == orders.c.id))
        .where((sums_q.c.total > orders.c.amount) | (sums_q.c.total != orders.c.refunded_amount))
        .limit(limit)
    )
    return [r[0] for r in conn.execute(query)]
