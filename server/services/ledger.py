"""The double-entry ledger: every movement of money, for every flow, goes through :func:`record`.

Accounts: ``customer`` (one per customer; never below zero), ``merchant`` (settlement, one per merchant and
currency), ``atm_cash`` (one per ATM and currency), and system accounts per currency: ``holds`` (suspense for
funds on hold), ``fees`` and ``funding`` (the bank's side of opening balances; the only account that is
naturally negative). A transaction's entries sum to zero; a balance is the sum of its account's entries,
cached
on the account row and checked by ``GET /v1/admin/ledger/check``.

A *hold* moves funds from the customer to the ``holds`` suspense account (so available balance = balance)
and is
later posted (suspense → destination, any unposted rest back to the customer) or voided (all back),
exactly once.

Every change to a customer balance writes a balance prompt to the outbox in the same transaction (SPEC §4.4).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from qrpay.errors import InsufficientFunds

from ..ids import new_id
from ..problems import ApiError
from ..store import ledger as store
from ..store import outbox
from .masking import mask_account

Posting = tuple[str, int]  # (account id, signed amount in minor units)


def system_account(conn: Connection, kind: str, currency: str, now: datetime) -> str:
    """The id of the system account ``kind`` (holds, fees, funding) for ``currency``, created on first use."""
    account_id = f"sys_{kind}_{currency}"
    store.ensure_account(conn, account_id, kind=kind, currency=currency, now=now)
    return account_id


def merchant_account(conn: Connection, merchant_id: str, currency: str, now: datetime) -> str:
    """The settlement account of a merchant in ``currency``, created on first use."""
    account_id = f"set_{merchant_id}_{currency}"
    store.ensure_account(conn, account_id, kind="merchant", currency=currency, now=now, owner_id=merchant_id)
    return account_id


def atm_cash_account(conn: Connection, terminal_id: str, currency: str, now: datetime) -> str:
    """The cash account of an ATM in ``currency`` (cash dispensed is posted here), created on first use."""
    account_id = f"atm_{terminal_id}_{currency}"
    store.ensure_account(conn, account_id, kind="atm_cash", currency=currency, now=now, owner_id=terminal_id)
    return account_id


def record(
    conn: Connection,
    *,
    kind: str,
    reference: str,
    postings: Sequence[Posting],
    now: datetime,
    counterparty: str = "",
) -> str:
    """Write one balanced transaction and update the balances; return its id.

    :raises InsufficientFunds: a customer account would go below zero (the whole transaction rolls back).
    """
    if sum(amount for _, amount in postings) != 0 or any(
        not isinstance(amount, int) or isinstance(amount, bool) for _, amount in postings
    ):
        raise ValueError(f"unbalanced or non-integer postings: {postings!r}")
    merged: dict[str, int] = {}
    for account_id, amount in postings:
        merged[account_id] = merged.get(account_id, 0) + amount
    legs = [(a, v) for a, v in sorted(merged.items()) if v != 0]
    tx_id = new_id("txn")
    store.lock_accounts(conn, (a for a, _ in legs))
    store.insert_transaction(conn, tx_id, kind=kind, reference=reference, legs=legs, now=now)
    for account_id, amount in legs:  # sorted by id: a fixed lock order, so no deadlocks between movements
        applied = store.apply_delta(conn, account_id, amount)
        if applied is None:
            raise InsufficientFunds("insufficient funds")
        balance, account_kind = applied
        # Only customer balances get a balance prompt; other legs need no customer lookup.
        customer = store.customer_of_account(conn, account_id) if account_kind == "customer" else None
        if customer is not None:
            outbox.add(
                conn,
                topic="balance_prompt",
                event_type=f"balance.{kind}",
                customer_id=customer["id"],
                now=now,
                payload={
                    "account": mask_account(customer["account_number"]),
                    "amount": amount,
                    "currency": customer["currency"],
                    "counterparty": counterparty,
                    "balance": balance,
                    "kind": kind,
                    "reference": reference,
                    "created_at": now.isoformat(),
                },
            )
    return tx_id


def place_hold(
    conn: Connection,
    *,
    account_id: str,
    amount: int,
    currency: str,
    reference: str,
    now: datetime,
    counterparty: str = "",
) -> str:
    """Put ``amount`` of a customer's funds on hold (pending); return the hold id.

    :raises InsufficientFunds: the customer cannot cover it.
    """
    if amount <= 0:
        raise ValueError("a hold needs a positive amount")
    suspense = system_account(conn, "holds", currency, now)
    tx_id = record(
        conn,
        kind="hold",
        reference=reference,
        now=now,
        counterparty=counterparty,
        postings=[(account_id, -amount), (suspense, amount)],
    )
    hold_id = new_id("hld")
    store.insert_hold(
        conn,
        {
            "id": hold_id,
            "account_id": account_id,
            "suspense_account_id": suspense,
            "amount": amount,
            "currency": currency,
            "status": "pending",
            "reference": reference,
            "place_transaction_id": tx_id,
            "created_at": now,
        },
    )
    return hold_id


def post_hold(
    conn: Connection,
    hold_id: str,
    *,
    amount: int,
    destination: str,
    now: datetime,
    counterparty: str = "",
) -> str:
    """Post ``amount`` (≤ the hold) to ``destination`` and release the rest to the customer, once.

    :raises ApiError: ``conflict`` when the hold is already posted or voided.
    """
    hold = _pending_hold(conn, hold_id)
    if not 0 <= amount <= hold["amount"]:
        raise ValueError("posted amount must be between 0 and the held amount")
    postings: list[Posting] = [(hold["suspense_account_id"], -hold["amount"])]
    if amount:
        postings.append((destination, amount))
    if hold["amount"] - amount:
        postings.append((hold["account_id"], hold["amount"] - amount))
    tx_id = record(
        conn,
        kind="hold_post",
        reference=hold["reference"],
        postings=postings,
        now=now,
        counterparty=counterparty,
    )
    if not store.resolve_hold(conn, hold_id, status="posted", posted_amount=amount, tx_id=tx_id, now=now):
        raise ApiError("conflict", "hold already resolved")
    return tx_id


def void_hold(conn: Connection, hold_id: str, *, now: datetime, counterparty: str = "") -> str:
    """Release a pending hold back to the customer, once.

    :raises ApiError: ``conflict`` when the hold is already posted or voided.
    """
    hold = _pending_hold(conn, hold_id)
    tx_id = record(
        conn,
        kind="hold_void",
        reference=hold["reference"],
        now=now,
        counterparty=counterparty,
        postings=[(hold["suspense_account_id"], -hold["amount"]), (hold["account_id"], hold["amount"])],
    )
    if not store.resolve_hold(conn, hold_id, status="voided", posted_amount=0, tx_id=tx_id, now=now):
        raise ApiError("conflict", "hold already resolved")
    return tx_id


def _pending_hold(conn: Connection, hold_id: str) -> dict[str, Any]:
    hold = store.get_hold(conn, hold_id, for_update=True)
    if hold is None:
        raise ApiError("not_found", "no such hold")
    if hold["status"] != "pending":
        raise ApiError("conflict", f"hold already {hold['status']}")
    return hold
