"""Orders of the merchant-presented flow (SPEC §4.3): a POS creates, reads and cancels them; expiry is swept.

Paying an order is :mod:`.payments`, refunding it :mod:`.refunds`. Expiry is checked at payment time and
swept on reads and by :func:`sweep`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection

from qrpay.codes import issue_order_code

from ..ids import new_id
from ..problems import ApiError
from ..runtime import Runtime
from ..store import orders as store
from ..store import outbox, parties
from . import codes, states
from .masking import mask_account

PAID_STATES = ("paid", "partially_refunded", "refunded")


def create(
    rt: Runtime,
    terminal: dict[str, Any],
    *,
    amount: int,
    currency: str,
    reference: str,
    description: str | None,
    expires_in: int | None,
    public_url: str,
) -> dict[str, Any]:
    """Create a pending order and its signed code (EMV payload and URL form)."""
    now = rt.now()
    ttl = int(expires_in if expires_in is not None else rt.settings["QRPAY_ORDER_TTL"])
    if not 10 <= ttl <= int(rt.settings["QRPAY_MAX_ORDER_TTL"]):
        raise ApiError(
            "validation_error", f"expires_in must be between 10 and {rt.settings['QRPAY_MAX_ORDER_TTL']}"
        )
    expires_at = (now + timedelta(seconds=ttl)).replace(microsecond=0)
    order_id = new_id("ord")
    with rt.db.read() as conn:
        merchant = parties.get_merchant(conn, terminal["merchant_id"])
    if merchant is None:
        raise ApiError("forbidden", "this terminal has no merchant")
    ring = rt.keys.ring()
    payload = issue_order_code(
        ring,
        order_ref=order_id,
        merchant_name=merchant["name"],
        merchant_city=merchant["city"],
        country_code=merchant["country"],
        mcc=merchant["mcc"],
        currency=currency,
        amount_minor=amount,
        expires_at=expires_at,
        now=now,
    )
    token = ring.dumps_token(codes.URL_PURPOSE, {"o": order_id}, expires_at=expires_at)
    row = {
        "id": order_id,
        "merchant_id": merchant["id"],
        "terminal_id": terminal["id"],
        "reference": reference,
        "description": description,
        "amount": amount,
        "currency": currency,
        "status": "pending",
        "refunded_amount": 0,
        "code_payload": payload,
        "url_token": token,
        "expires_at": expires_at,
        "created_at": now,
        "updated_at": now,
    }
    rt.db.write(lambda conn: store.insert_order(conn, row))
    return view(row, None, [], public_url)


def view(
    order: dict[str, Any], payment: dict[str, Any] | None, refunds: list[dict[str, Any]], public_url: str
) -> dict[str, Any]:
    """The order as a terminal sees it: payer shown only as a masked account (SPEC §6.6)."""
    return {
        "order_id": order["id"],
        "status": order["status"],
        "amount": order["amount"],
        "currency": order["currency"],
        "reference": order["reference"],
        "description": order["description"],
        "refunded_amount": order["refunded_amount"],
        "expires_at": order["expires_at"].isoformat(),
        "created_at": order["created_at"].isoformat(),
        "qr": {"payload": order["code_payload"], "url": codes.order_url(public_url, order["url_token"])},
        "payment": None
        if payment is None
        else {
            "payment_id": payment["id"],
            "payer": mask_account(payment["account_number"]),
            "method": payment["method"],
            "paid_at": payment["created_at"].isoformat(),
        },
        "refunds": [
            {"refund_id": r["id"], "amount": r["amount"], "created_at": r["created_at"].isoformat()}
            for r in refunds
        ],
    }


def load(rt: Runtime, terminal: dict[str, Any], order_id: str) -> dict[str, Any]:
    """The order row, expired first if due. :raises ApiError: ``not_found`` (also another merchant's)."""
    with rt.db.read() as conn:
        order = store.get_order(conn, order_id)
    if order is None or order["merchant_id"] != terminal["merchant_id"]:
        raise ApiError("not_found", "no such order")
    return expire_if_due(rt, order)


def get(rt: Runtime, terminal: dict[str, Any], order_id: str, public_url: str) -> dict[str, Any]:
    order = load(rt, terminal, order_id)
    with rt.db.read() as conn:
        payment = store.payment_of(conn, order_id)
        refunds = store.refunds_of(conn, order_id)
    return view(order, payment, refunds, public_url)


def cancel(rt: Runtime, terminal: dict[str, Any], order_id: str, public_url: str) -> dict[str, Any]:
    """``pending → cancelled``. :raises ApiError: ``order_not_pending`` (409) in any other state."""
    load(rt, terminal, order_id)
    now = rt.now()

    def run(conn: Connection) -> None:
        order = store.get_order(conn, order_id, for_update=True)
        assert order is not None
        if order["status"] == "pending" and now >= order["expires_at"]:
            raise ApiError("order_not_pending", "order expired")
        target = states.next_state(states.ORDER, order["status"], "cancel", code="order_not_pending")
        store.set_order_status(conn, order_id, status=target, now=now, expect=("pending",))
        outbox.add(
            conn,
            topic="webhook",
            event_type="order.cancelled",
            merchant_id=order["merchant_id"],
            now=now,
            payload={"order_id": order_id, "status": target},
        )

    rt.db.write(run)
    return get(rt, terminal, order_id, public_url)


def sweep(rt: Runtime) -> int:
    """Expire every pending order past its expiry; return how many."""
    now = rt.now()

    def run(conn: Connection) -> int:
        due = store.due_pending_orders(conn, now)
        return sum(
            store.set_order_status(conn, oid, status="expired", now=now, expect=("pending",)) for oid in due
        )

    return rt.db.write(run)


def expire_if_due(rt: Runtime, order: dict[str, Any]) -> dict[str, Any]:
    now = rt.now()
    if order["status"] == "pending" and now >= order["expires_at"]:
        rt.db.write(
            lambda conn: store.set_order_status(
                conn, order["id"], status="expired", now=now, expect=("pending",)
            )
        )
        with rt.db.read() as conn:
            reread = store.get_order(conn, order["id"])
        assert reread is not None
        return reread
    return order
