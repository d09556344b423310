"""Customers, their enrolled credentials, merchants and terminals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .schema import customers, merchants, otp_tokens, request_nonces, terminals, usb_keys


def _one(conn: Connection, query: Any) -> dict[str, Any] | None:
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


# -- customers -----------------------------------------------------------------------------------------------
def insert_customer(conn: Connection, values: dict[str, Any]) -> bool:
    """Insert a customer; False when the account number or the mobile+alias pair is taken."""
    try:
        with conn.begin_nested():
            conn.execute(insert(customers).values(**values))
    except IntegrityError:
        return False
    return True


def get_customer(conn: Connection, customer_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
    query = select(customers).where(customers.c.id == customer_id)
    if for_update and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    return _one(conn, query)


def find_customer(conn: Connection, mobile: str, account_alias: str) -> dict[str, Any] | None:
    return _one(
        conn,
        select(customers).where(customers.c.mobile == mobile, customers.c.account_alias == account_alias),
    )


def record_failure(conn: Connection, customer_id: str, *, consecutive: int, cumulative: int) -> bool:
    """Count one wrong answer; freeze at the thresholds. Returns whether the customer is now frozen."""
    conn.execute(
        update(customers)
        .where(customers.c.id == customer_id)
        .values(
            consecutive_failures=customers.c.consecutive_failures + 1,
            total_failures=customers.c.total_failures + 1,
        )
    )
    conn.execute(
        update(customers)
        .where(
            customers.c.id == customer_id,
            (customers.c.consecutive_failures >= consecutive) | (customers.c.total_failures >= cumulative),
        )
        .values(frozen=True)
    )
    row = get_customer(conn, customer_id)
    return bool(row and row["frozen"])


def reset_consecutive_failures(conn: Connection, customer_id: str) -> None:
    conn.execute(
        update(customers)
        .where(customers.c.id == customer_id, customers.c.consecutive_failures != 0)
        .values(consecutive_failures=0)
    )


def unfreeze(conn: Connection, customer_id: str) -> bool:
    result = conn.execute(
        update(customers)
        .where(customers.c.id == customer_id)
        .values(frozen=False, consecutive_failures=0, total_failures=0)
    )
    return result.rowcount == 1


# -- credentials ---------------------------------------------------------------------------------------------
def insert_otp_token(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(otp_tokens).values(**values))


def otp_tokens_of(conn: Connection, customer_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(otp_tokens).where(otp_tokens.c.customer_id == customer_id)).mappings()
    return [dict(r) for r in rows]


def advance_otp_counter(conn: Connection, token_id: str, counter: int) -> bool:
    """Record a used TOTP step; False when it (or a later one) was used already — a code is good once."""
    result = conn.execute(
        update(otp_tokens)
        .where(
            otp_tokens.c.id == token_id,
            otp_tokens.c.last_counter.is_(None) | (otp_tokens.c.last_counter < counter),
        )
        .values(last_counter=counter)
    )
    return result.rowcount == 1


def insert_usb_key(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(usb_keys).values(**values))


def usb_keys_of(conn: Connection, customer_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(usb_keys).where(usb_keys.c.customer_id == customer_id)).mappings()
    return [dict(r) for r in rows]


# -- merchants and terminals ---------------------------------------------------------------------------------
def insert_merchant(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(merchants).values(**values))


def get_merchant(conn: Connection, merchant_id: str) -> dict[str, Any] | None:
    return _one(conn, select(merchants).where(merchants.c.id == merchant_id))


def insert_terminal(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(terminals).values(**values))


def get_terminal(conn: Connection, terminal_id: str) -> dict[str, Any] | None:
    return _one(conn, select(terminals).where(terminals.c.id == terminal_id))


def terminal_by_key(conn: Connection, key_id: str) -> dict[str, Any] | None:
    return _one(conn, select(terminals).where(terminals.c.key_id == key_id))


def revoke_terminal(conn: Connection, terminal_id: str, now: datetime) -> bool:
    result = conn.execute(
        update(terminals)
        .where(terminals.c.id == terminal_id, terminals.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount == 1


def use_nonce(conn: Connection, key_id: str, nonce: str, now: datetime) -> bool:
    """Remember a request nonce; False when this key used it before (a replayed request)."""
    try:
        with conn.begin_nested():
            conn.execute(insert(request_nonces).values(key_id=key_id, nonce=nonce, seen_at=now))
    except IntegrityError:
        return False
    return True


def forget_nonces_before(conn: Connection, cutoff: datetime) -> None:
    conn.execute(delete(request_nonces).where(request_nonces.c.seen_at < cutoff))
