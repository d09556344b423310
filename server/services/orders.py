"""The merchant-presented flow (SPEC §4.3): a POS creates an order, the payer scans its code and pays once.

Races are settled in the store transaction: the order row is locked (``FOR UPDATE`` / ``BEGIN IMMEDIATE``) and
its status compared-and-set, so of fifty payers exactly one pays and of fifty refunds only those that fit the
paid amount go through. Expiry is checked at payment time and swept on reads and by :func:`sweep`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from qrpay.codes import WithdrawalCode, issue_order_code
from qrpay.errors import ExpiredError, ReplayError

from ..ids import new_id
from ..problems import ApiError
from ..runtime import Runtime
from ..store import ledger as ledger_store
from ..store import orders as store
from ..store import outbox, parties
from . import codes, ledger, limits, states, verification
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
    return _expire_if_due(rt, order)


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


def scan(rt: Runtime, text: str) -> dict[str, Any]:
    """What a scanned code is, verified (SPEC §4.3 ``POST /v1/payer/scan``).

    :raises VerificationError: tampered (422), expired (410), already used (409), wrong kind (422).
    """
    now = rt.now()
    code = codes.read(rt, text, now)
    if isinstance(code, WithdrawalCode):
        return {
            "kind": "withdrawal",
            "atm": {
                "atm_id": code.atm_id,
                "label": code.atm_label,
                "city": code.city,
                "country": code.country_code,
            },
            "withdrawal_id": code.session_ref,
            "amount": code.amount_minor,
            "currency": code.currency,
            "expires_at": code.expires_at.isoformat(),
        }
    order_id = code if isinstance(code, str) else code.order_ref
    order = _payable_order(rt, order_id, now)
    with rt.db.read() as conn:
        merchant = parties.get_merchant(conn, order["merchant_id"])
    assert merchant is not None
    return {
        "kind": "order",
        "order_id": order_id,
        "merchant": {
            "name": merchant["name"],
            "city": merchant["city"],
            "country": merchant["country"],
            "mcc": merchant["mcc"],
        },
        "amount": order["amount"],
        "currency": order["currency"],
        "description": order["description"],
        "expires_at": order["expires_at"].isoformat(),
    }


def pay(
    rt: Runtime, text: str, *, mobile: str, account_alias: str, answer: verification.Answer
) -> dict[str, Any]:
    """Verify the payer and pay the order behind ``text``, at most once (SPEC §6.2).

    :raises VerificationError: bad code (422/410/409). :raises ApiError: ``verification_failed`` (401).
    :raises PaymentError: frozen (403), insufficient funds or limit exceeded (422).
    """
    now = rt.now()
    order_id = codes.order_id_of(rt, text, now)
    order = _payable_order(rt, order_id, now)  # refuse early: no challenge burnt on a paid order
    txn = verification.Transaction("payment", order_id, order["amount"], order["currency"])
    proof = verification.verify(rt, mobile, account_alias, answer, txn)
    now = rt.now()

    def run(conn: Connection) -> dict[str, Any]:
        locked = store.get_order(conn, order_id, for_update=True)
        assert locked is not None
        if locked["status"] == "pending" and now >= locked["expires_at"]:
            store.set_order_status(conn, order_id, status="expired", now=now, expect=("pending",))
            return {"expired": True}
        _refuse_unpayable(locked)
        customer = verification.consume(conn, proof)
        if customer["currency"] != locked["currency"]:
            raise ApiError("currency_mismatch", "the account's currency differs from the order's")
        merchant = parties.get_merchant(conn, locked["merchant_id"])
        assert merchant is not None
        payment_id = new_id("pay")
        limits.check_and_record(
            conn,
            rt.settings["QRPAY_LIMITS"],
            customer_id=customer["id"],
            method=proof.method,
            amount=locked["amount"],
            reference=payment_id,
            now=now,
        )
        settlement = ledger.merchant_account(conn, locked["merchant_id"], locked["currency"], now)
        tx_id = ledger.record(
            conn,
            kind="payment",
            reference=payment_id,
            now=now,
            counterparty=merchant["name"],
            postings=[(customer["account_id"], -locked["amount"]), (settlement, locked["amount"])],
        )
        store.insert_payment(
            conn,
            {
                "id": payment_id,
                "order_id": order_id,
                "customer_id": customer["id"],
                "amount": locked["amount"],
                "currency": locked["currency"],
                "method": proof.method,
                "transaction_id": tx_id,
                "created_at": now,
            },
        )
        status = states.next_state(states.ORDER, "pending", "pay")
        if not store.set_order_status(conn, order_id, status=status, now=now, expect=("pending",)):
            raise ReplayError("this order is already paid")
        outbox.add(
            conn,
            topic="webhook",
            event_type="order.paid",
            merchant_id=locked["merchant_id"],
            now=now,
            payload={
                "order_id": order_id,
                "payment_id": payment_id,
                "amount": locked["amount"],
                "currency": locked["currency"],
                "payer": mask_account(customer["account_number"]),
            },
        )
        account = ledger_store.get_account(conn, customer["account_id"])
        assert account is not None
        return {
            "payment_id": payment_id,
            "order_id": order_id,
            "status": "succeeded",
            "amount": locked["amount"],
            "currency": locked["currency"],
            "balance": account["balance"],
            "customer_id": customer["id"],
        }

    result = rt.db.write(run)
    if result.get("expired"):
        raise ExpiredError("the order expired")
    return result


def sweep(rt: Runtime) -> int:
    """Expire every pending order past its expiry; return how many."""
    now = rt.now()

    def run(conn: Connection) -> int:
        due = store.due_pending_orders(conn, now)
        return sum(
            store.set_order_status(conn, oid, status="expired", now=now, expect=("pending",)) for oid in due
        )

    return rt.db.write(run)


def _expire_if_due(rt: Runtime, order: dict[str, Any]) -> dict[str, Any]:
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


def _payable_order(rt: Runtime, order_id: str, now: datetime) -> dict[str, Any]:
    with rt.db.read() as conn:
        order = store.get_order(conn, order_id)
    if order is None:
        raise ApiError("not_found", "no such order")
    order = _expire_if_due(rt, order)
    _refuse_unpayable(order)
    return order


def _refuse_unpayable(order: dict[str, Any]) -> None:
    status = order["status"]
    if status in PAID_STATES:
        raise ReplayError("this order code was already used")
    if status == "expired":
        raise ExpiredError("the order expired")
    if status != "pending":
        raise ApiError("order_not_pending", f"order is {status}")
