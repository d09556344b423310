"""Payer challenges: a dynamic password sent by SMS, or a nonce for a USB key to sign (SPEC §4.2).

A challenge is created for any mobile/alias pair, known or not, and answered alike (no account enumeration);
only a known, unfrozen customer gets an SMS. The code is stored hashed and is bound to the customer, the
purpose and (when given) the amount.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection

from qrpay.currency import format_minor

from ..ids import new_id
from ..problems import ApiError
from ..runtime import Runtime
from ..store import challenges as store
from ..store import parties
from .verification import code_hash

CHALLENGE_METHODS = ("dynamic_password", "usb_key")
_PURPOSE_TEXT = {
    "payment": "pay",
    "withdrawal": "withdraw",
    "payment_code": "show a payment code",
    "charge_confirmation": "confirm a charge of",
}


def create(
    rt: Runtime, *, mobile: str, account_alias: str, method: str, purpose: str, amount: int | None
) -> dict[str, Any]:
    """Create a challenge; send the SMS (committed by the dev gateway before we answer).

    :raises ApiError: ``rate_limited`` past the per-mobile limit; ``sms_unavailable`` without a gateway.
    """
    now = rt.now()
    challenge_id = new_id("chl")
    expires_at = now + timedelta(seconds=int(rt.settings["QRPAY_CHALLENGE_TTL"]))
    code = f"{secrets.randbelow(10**6):06d}" if method == "dynamic_password" else None
    nonce = secrets.token_urlsafe(24) if method == "usb_key" else None
    rate = rt.settings["QRPAY_SMS_RATE"]

    def run(conn: Connection) -> dict[str, Any] | None:
        if rate is not None and method == "dynamic_password":
            count, seconds = rate
            if store.count_challenges_since(conn, mobile, now - timedelta(seconds=seconds)) >= count:
                raise ApiError("rate_limited", "too many challenges for this mobile number; try again later")
        customer = parties.find_customer(conn, mobile, account_alias)
        store.insert_challenge(
            conn,
            {
                "id": challenge_id,
                "customer_id": customer["id"] if customer else None,
                "mobile": mobile,
                "method": method,
                "purpose": purpose,
                "amount": amount,
                "code_hash": code_hash(challenge_id, code) if code else None,
                "nonce": nonce,
                "failures": 0,
                "status": "open",
                "expires_at": expires_at,
                "created_at": now,
            },
        )
        return customer

    customer = rt.db.write(run)
    if code is not None and customer is not None and not customer["frozen"]:
        what = _PURPOSE_TEXT[purpose]
        money = f" {customer['currency']} {format_minor(amount, customer['currency'])}" if amount else ""
        rt.sms.send(mobile, f"qrpay: {code} is your code to {what}{money}. Valid 5 minutes. Never share it.")
    result: dict[str, Any] = {"challenge_id": challenge_id, "expires_at": expires_at.isoformat()}
    if nonce is not None:
        result["nonce"] = nonce
    return result
