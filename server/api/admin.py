"""Back office (admin bearer token): customers and credentials, merchants, terminals, keys, ledger check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from .. import validation as v
from ..auth import admin_required, runtime
from ..idempotency import idempotent
from ..services import checks, enrolment, orders

bp = Blueprint("admin", __name__, url_prefix="/v1/admin")


@bp.post("/customers")
@admin_required
@idempotent
def create_customer() -> Any:
    """Open a customer account with an opening balance."""
    data = v.body()
    result = enrolment.create_customer(
        runtime(),
        name=v.string(data, "name", max_len=200),
        mobile=v.string(data, "mobile", max_len=21, pattern=v.MOBILE),
        account_number=v.string(data, "account_number", max_len=34, pattern=r"[0-9]{8,34}"),
        balance=v.amount(data, "balance", minimum=0),
        currency=v.currency_code(data),
        static_password=v.string(data, "static_password", max_len=128, required=False),
        balance_prompt=v.boolean(data, "balance_prompt", True),
    )
    return result, 201


@bp.post("/customers/<customer_id>/otp-tokens")
@admin_required
@idempotent
def enrol_otp_token(customer_id: str) -> Any:
    """Enrol a hardware OTP token; the base32 seed is shown once."""
    v.body()
    return enrolment.enrol_otp_token(runtime(), customer_id), 201


@bp.post("/customers/<customer_id>/usb-keys")
@admin_required
@idempotent
def enrol_usb_key(customer_id: str) -> Any:
    """Enrol a USB key's public key (PEM; Ed25519 or ECDSA P-256)."""
    data = v.body()
    pem = v.string(data, "public_key", max_len=4000)
    return enrolment.enrol_usb_key(runtime(), customer_id, pem), 201


@bp.post("/customers/<customer_id>/unfreeze")
@admin_required
@idempotent
def unfreeze(customer_id: str) -> Any:
    """Unfreeze an alias frozen by failed verifications (resets the failure counters)."""
    return enrolment.unfreeze(runtime(), customer_id), 200


@bp.post("/merchants")
@admin_required
@idempotent
def create_merchant() -> Any:
    """Register a merchant (name and city as they appear in its codes)."""
    data = v.body()
    result = enrolment.create_merchant(
        runtime(),
        name=v.string(data, "name", max_len=25),
        city=v.string(data, "city", max_len=15),
        country=v.string(data, "country", max_len=2, pattern=r"[A-Z]{2}"),
        mcc=v.string(data, "mcc", max_len=4, pattern=r"[0-9]{4}"),
        webhook_url=v.string(data, "webhook_url", max_len=500, pattern=r"https?://\S+", required=False),
    )
    return result, 201


@bp.post("/terminals")
@admin_required
@idempotent
def create_terminal() -> Any:
    """Register a POS or ATM terminal; its HMAC key id and secret are shown once."""
    data = v.body()
    result = enrolment.create_terminal(
        runtime(),
        kind=v.choice(data, "kind", ("pos", "atm")),
        merchant_id=v.string(data, "merchant_id", max_len=40, required=False),
        label=v.string(data, "label", max_len=100),
        location=v.string(data, "location", max_len=200, required=False),
    )
    return result, 201


@bp.post("/terminals/<terminal_id>/revoke")
@admin_required
@idempotent
def revoke_terminal(terminal_id: str) -> Any:
    """Revoke a terminal's key: its requests are refused from now on."""
    return enrolment.revoke_terminal(runtime(), terminal_id), 200


@bp.post("/keys/rotate")
@admin_required
@idempotent
def rotate_keys() -> Any:
    """Add a new newest code-signing key; older keys keep verifying codes in flight."""
    rt = runtime()
    key_id = rt.keys.rotate(rt.now())
    return {"key_id": key_id, "key_ids": list(rt.keys.ring().key_ids)}, 201


@bp.get("/ledger/check")
@admin_required
def ledger_check() -> Any:
    """Check the ledger and flow invariants of SPEC §6."""
    return checks.ledger_check(runtime())


@bp.post("/orders/sweep")
@admin_required
def sweep_orders() -> Any:
    """Expire every pending order past its expiry now."""
    return {"expired": orders.sweep(runtime())}
