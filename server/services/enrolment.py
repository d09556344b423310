"""Back-office enrolment: customers and their credentials, merchants, terminals (SPEC §4.3 admin API)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Connection

from qrpay.otp import random_base32_secret

from ..ids import new_id
from ..problems import ApiError
from ..runtime import Runtime
from ..store import ledger as ledger_store
from ..store import parties
from . import ledger
from .passwords import hash_password
from .verification import load_usb_public_key


def create_customer(
    rt: Runtime,
    *,
    name: str,
    mobile: str,
    account_number: str,
    balance: int,
    currency: str,
    static_password: str | None,
    balance_prompt: bool,
) -> dict[str, Any]:
    """Open a customer with an opening balance (funded from the bank's funding account).

    :raises ApiError: ``already_exists`` when the account number or the mobile + alias pair is taken.
    """
    now = rt.now()
    customer_id = new_id("cus")
    account_id = f"cst_{customer_id}"
    alias = account_number[-6:]
    password_hash = (
        hash_password(static_password, n=int(rt.settings["QRPAY_SCRYPT_N"])) if static_password else None
    )

    def run(conn: Connection) -> None:
        ledger_store.ensure_account(
            conn, account_id, kind="customer", currency=currency, now=now, owner_id=customer_id
        )
        inserted = parties.insert_customer(
            conn,
            {
                "id": customer_id,
                "name": name,
                "mobile": mobile,
                "account_number": account_number,
                "account_alias": alias,
                "account_id": account_id,
                "currency": currency,
                "password_hash": password_hash,
                "balance_prompt": balance_prompt,
                "frozen": False,
                "consecutive_failures": 0,
                "total_failures": 0,
                "created_at": now,
            },
        )
        if not inserted:
            raise ApiError("already_exists", "a customer with this account number or mobile + alias exists")
        if balance:
            funding = ledger.system_account(conn, "funding", currency, now)
            ledger.record(
                conn,
                kind="funding",
                reference=customer_id,
                now=now,
                counterparty="opening balance",
                postings=[(funding, -balance), (account_id, balance)],
            )

    rt.db.write(run)
    return {"customer_id": customer_id, "account_alias": alias}


def _customer(conn: Connection, customer_id: str) -> dict[str, Any]:
    customer = parties.get_customer(conn, customer_id)
    if customer is None:
        raise ApiError("not_found", "no such customer")
    return customer


def enrol_otp_token(rt: Runtime, customer_id: str) -> dict[str, Any]:
    """A new TOTP seed for a hardware token; the secret is shown once."""
    now, token_id, secret = rt.now(), new_id("otp"), random_base32_secret()

    def run(conn: Connection) -> None:
        _customer(conn, customer_id)
        parties.insert_otp_token(
            conn,
            {
                "id": token_id,
                "customer_id": customer_id,
                "secret": secret,
                "last_counter": None,
                "created_at": now,
            },
        )

    rt.db.write(run)
    return {"token_id": token_id, "secret": secret}


def enrol_usb_key(rt: Runtime, customer_id: str, public_key_pem: str) -> dict[str, Any]:
    """Enrol a USB key's public key (PEM, Ed25519 or ECDSA P-256)."""
    try:
        load_usb_public_key(public_key_pem)
    except ValueError as exc:
        raise ApiError("validation_error", f"public_key: {exc}") from None
    now, key_id = rt.now(), new_id("usb")

    def run(conn: Connection) -> None:
        _customer(conn, customer_id)
        parties.insert_usb_key(
            conn,
            {"id": key_id, "customer_id": customer_id, "public_key_pem": public_key_pem, "created_at": now},
        )

    rt.db.write(run)
    return {"key_id": key_id}


def unfreeze(rt: Runtime, customer_id: str) -> dict[str, Any]:
    if not rt.db.write(lambda conn: parties.unfreeze(conn, customer_id)):
        raise ApiError("not_found", "no such customer")
    return {"customer_id": customer_id, "frozen": False}


def create_merchant(
    rt: Runtime, *, name: str, city: str, country: str, mcc: str, webhook_url: str | None
) -> dict[str, Any]:
    now, merchant_id, webhook_secret = rt.now(), new_id("mer"), "whsec_" + secrets.token_urlsafe(24)
    rt.db.write(
        lambda conn: parties.insert_merchant(
            conn,
            {
                "id": merchant_id,
                "name": name,
                "city": city,
                "country": country,
                "mcc": mcc,
                "webhook_url": webhook_url,
                "webhook_secret": webhook_secret,
                "created_at": now,
            },
        )
    )
    return {"merchant_id": merchant_id, "webhook_secret": webhook_secret}


def create_terminal(
    rt: Runtime, *, kind: str, merchant_id: str | None, label: str, location: str | None
) -> dict[str, Any]:
    """A POS (needs a merchant) or ATM terminal with a fresh HMAC key; the secret is shown once."""
    now, terminal_id = rt.now(), new_id("trm")
    key_id, secret = "tk_" + secrets.token_hex(8), secrets.token_urlsafe(32)
    if kind == "pos" and not merchant_id:
        raise ApiError("validation_error", "a POS terminal needs merchant_id")

    def run(conn: Connection) -> None:
        if merchant_id is not None and parties.get_merchant(conn, merchant_id) is None:
            raise ApiError("not_found", "no such merchant")
        parties.insert_terminal(
            conn,
            {
                "id": terminal_id,
                "kind": kind,
                "merchant_id": merchant_id,
                "label": label,
                "location": location,
                "key_id": key_id,
                "secret": secret,
                "revoked_at": None,
                "created_at": now,
            },
        )

    rt.db.write(run)
    return {"terminal_id": terminal_id, "key_id": key_id, "secret": secret}


def revoke_terminal(rt: Runtime, terminal_id: str) -> dict[str, Any]:
    now = rt.now()

    def run(conn: Connection) -> None:
        if parties.get_terminal(conn, terminal_id) is None:
            raise ApiError("not_found", "no such terminal")
        parties.revoke_terminal(conn, terminal_id, now)

    rt.db.write(run)
    return {"terminal_id": terminal_id, "revoked": True}
