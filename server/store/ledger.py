"""Ledger SQL: accounts, transactions, entries and holds. Decisions live in ``services.ledger``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from .database import insert_if_absent
from .schema import accounts, customers, holds, ledger_entries, ledger_transactions


def ensure_account(
    conn: Connection, account_id: str, *, kind: str, currency: str, now: datetime, owner_id: str | None = None
) -> None:
    insert_if_absent(
        conn,
        accounts,
        {
            "id": account_id,
            "kind": kind,
            "owner_id": owner_id,
            "currency": currency,
            "balance": 0,
            "created_at": now,
        },
    )


def get_account(conn: Connection, account_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(accounts).where(accounts.c.id == account_id)).mappings().first()
    return dict(row) if row else None


def lock_accounts(conn: Connection, account_ids: Iterable[str]) -> None:
    """Row-lock accounts in id order (PostgreSQL; SQLite already holds the database write lock)."""
    ids = sorted(set(account_ids))
    if conn.dialect.name != "sqlite" and ids:
        conn.execute(
            select(accounts.c.id).where(accounts.c.id.in_(ids)).order_by(accounts.c.id).with_for_update()
        )


def insert_transaction(
    conn: Connection, tx_id: str, *, kind: str, reference: str, legs: Sequence[tuple[str, int]], now: datetime
) -> None:
    conn.execute(insert(ledger_transactions).values(id=tx_id, kind=kind, reference=reference, created_at=now))
    conn.execute(
        insert(ledger_entries),
        [
            {"transaction_id": tx_id, "account_id": account_id, "amount": amount}
            for account_id, amount in legs
        ],
    )


def apply_delta(conn: Connection, account_id: str, delta: int) -> tuple[int, str] | None:
    """Add ``delta`` to a cached balance; return (new balance, account kind), or None when that would take a
    customer account below zero."""
    new_balance = accounts.c.balance + delta
    row = conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id, or_(accounts.c.kind != "customer", new_balance >= 0))
        .values(balance=new_balance)
        .returning(accounts.c.balance, accounts.c.kind)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def customer_of_account(conn: Connection, account_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(customers).where(customers.c.account_id == account_id)).mappings().first()
    return dict(row) if row else None


# -- holds ---------------------------------------------------------------------------------------------------
def insert_hold(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(holds).values(**values))


def get_hold(conn: Connection, hold_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
    query = select(holds).where(holds.c.id == hold_id)
    if for_update and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def resolve_hold(
    conn: Connection, hold_id: str, *, status: str, posted_amount: int, tx_id: str, now: datetime
) -> bool:
    """Move a hold out of ``pending`` — only once: False when it was already resolved."""
    result = conn.execute(
        update(holds)
        .where(holds.c.id == hold_id, holds.c.status == "pending")
        .values(status=status, posted_amount=posted_amount, resolve_transaction_id=tx_id, resolved_at=now)
    )
    return result.rowcount == 1


# -- invariant checks (SPEC §6) ------------------------------------------------------------------------------
def entries_total(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.sum(ledger_entries.c.amount), 0))).scalar_one())


def unbalanced_transactions(conn: Connection, limit: int = 10) -> list[str]:
    query = (
        select(ledger_entries.c.transaction_id)
        .group_by(ledger_entries.c.transaction_id)
        .having(func.sum(ledger_entries.c.amount) != 0)
        .limit(limit)
    )
    return [r[0] for r in conn.execute(query)]


def negative_customer_accounts(conn: Connection, limit: int = 10) -> list[str]:
    query = select(accounts.c.id).where(accounts.c.kind == "customer", accounts.c.balance < 0).limit(limit)
    return [r[0] for r in conn.execute(query)]


def balance_mismatches(conn: Connection, limit: int = 10) -> list[str]:
    sums = (
        select(ledger_entries.c.account_id, func.sum(ledger_entries.c.amount).label("total"))
        .group_by(ledger_entries.c.account_id)
        .subquery()
    )
    query = (
        select(accounts.c.id)
        .select_from(accounts.outerjoin(sums, sums.c.account_id == accounts.c.id))
        .where(accounts.c.balance != func.coalesce(sums.c.total, 0))
        .limit(limit)
    )
    return [r[0] for r in conn.execute(query)]


def inconsistent_holds(conn: Connection, limit: int = 10) -> list[str]:
    """Holds whose status and resolving transaction disagree (resolved without one, or pending with one)."""
    query = (
        select(holds.c.id)
        .where(
            or_(
                and_(holds.c.status == "pending", holds.c.resolve_transaction_id.is_not(None)),
                and_(holds.c.status != "pending", holds.c.resolve_transaction_id.is_(None)),
                and_(holds.c.status == "posted", holds.c.posted_amount > holds.c.amount),
            )
        )
        .limit(limit)
    )
    return [r[0] for r in conn.execute(query)]
