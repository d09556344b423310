"""Refunding a paid order (SPEC §4.3): partial and multiple refunds whose total never exceeds what was paid.

The order row is locked and its refunded amount compared-and-set in the refund's transaction, so fifty racing
refunds never add up to more than the payment.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from ..ids import new_id
from ..problems import ApiError
from ..runtime import Runtime
from ..store import orders as store
from ..store import outbox, parties
from . import ledger, states
from .orders import load


def refund(rt: Runtime, terminal: dict[str, Any], order_id: str, amount: int) -> dict[str, Any]:
    """Refund part or all of a paid order; the total never exceeds what was paid, whatever the concurrency.

    :raises ApiError: ``order_not_refundable`` when not paid; ``refund_exceeds_paid`` past the paid amount.
    """
    load(rt, terminal, order_id)
    now = rt.now()

    def run(conn: Connection) -> dict[str, Any]:
        order = store.get_order(conn, order_id, for_update=True)  # serializes refunds of this order
        assert order is not None
        if order["status"] not in ("paid", "partially_refunded"):
            raise ApiError("order_not_refundable", f"order is {order['status']}")
        remaining = order["amount"] - order["refunded_amount"]
        if amount > remaining:
            raise ApiError("refund_exceeds_paid", f"only {remaining} left to refund")
        payment = store.payment_of(conn, order_id)
        assert payment is not None
        customer = parties.get_customer(conn, payment["customer_id"])
        merchant = parties.get_merchant(conn, order["merchant_id"])
        assert customer is not None and merchant is not None
        refund_id = new_id("rfd")
        settlement = ledger.merchant_account(conn, order["merchant_id"], order["currency"], now)
        tx_id = ledger.record(
            conn,
            kind="refund",
            reference=refund_id,
            now=now,
            counterparty=merchant["name"],
            postings=[(settlement, -amount), (customer["account_id"], amount)],
        )
        store.insert_refund(
            conn,
            {
                "id": refund_id,
                "order_id": order_id,
                "payment_id": payment["id"],
                "amount": amount,
                "transaction_id": tx_id,
                "created_at": now,
            },
        )
        refunded = order["refunded_amount"] + amount
        event = "refund_all" if refunded == order["amount"] else "refund_part"
        status = states.next_state(states.ORDER, order["status"], event, code="order_not_refundable")
        if not store.set_order_status(
            conn, order_id, status=status, now=now, refunded_amount=refunded, expect=(order["status"],)
        ):
            raise ApiError("conflict", "order changed meanwhile")
        outbox.add(
            conn,
            topic="webhook",
            event_type="order.refunded",
            merchant_id=order["merchant_id"],
            now=now,
            payload={
                "order_id": order_id,
                "refund_id": refund_id,
                "amount": amount,
                "refunded_amount": refunded,
                "status": status,
            },
        )
        return {
            "refund_id": refund_id,
            "order_id": order_id,
            "amount": amount,
            "refunded_amount": refunded,
            "status": status,
            "created_at": now.isoformat(),
        }

    return rt.db.write(run)
