"""Paying an order (SPEC §4.3): the payer's app scans the order code, the payer is verified, the order is paid once.

Races are settled in the store transaction: the order row is locked (``FOR UPDATE`` / ``BEGIN IMMEDIATE``) and
its status compared-and-set, so of fifty payers exactly one pays.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from qrpay.codes import WithdrawalCode
from qrpay.errors import ExpiredError, ReplayError

from ..ids import new_id
from ..problems import ApiError
from ..runtime import Runtime
from ..store import ledger as ledger_store
from ..store import orders as store
from ..store import outbox, parties
from . import codes, ledger, limits, states, verification
from .masking import mask_account
from .orders import PAID_STATES, expire_if_due


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


def _payable_order(rt: Runtime, order_id: str, now: datetime) -> dict[str, Any]:
    with rt.db.read() as conn:
        order = store.get_order(conn, order_id)
    if order is None:
        raise ApiError("not_found", "no such order")
    order = expire_if_due(rt, order)
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
