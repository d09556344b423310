"""The bank app (payer): scan a code, ask for a challenge, pay, read balance prompts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint

from .. import validation as v
from ..auth import SESSION_PURPOSE, payer_session, runtime
from ..idempotency import idempotent
from ..services import challenges, payments, verification
from ..store import outbox

bp = Blueprint("payer", __name__, url_prefix="/v1/payer")


@bp.post("/scan")
def scan() -> Any:
    """What a scanned code is, after verifying it (tampered 422, expired 410, used 409)."""
    data = v.body()
    return payments.scan(runtime(), v.string(data, "code", max_len=2000))


@bp.post("/challenges")
@idempotent
def create_challenge() -> Any:
    """A dynamic password by SMS, or a nonce for a USB key to sign."""
    data = v.body()
    amount = v.amount(data, required=False)
    result = challenges.create(
        runtime(),
        mobile=v.string(data, "mobile", max_len=21, pattern=v.MOBILE),
        account_alias=v.string(data, "account_alias", max_len=6, pattern=v.ALIAS),
        method=v.choice(data, "method", challenges.CHALLENGE_METHODS),
        purpose=v.choice(data, "purpose", verification.PURPOSES),
        amount=amount,
    )
    return result, 201


@bp.post("/payments")
@idempotent
def pay() -> Any:
    """Pay the order behind a scanned code (at most once), verified by any of the four methods."""
    data = v.body()
    code = v.string(data, "code", max_len=2000)
    mobile = v.string(data, "mobile", max_len=21, pattern=v.MOBILE)
    alias = v.string(data, "account_alias", max_len=6, pattern=v.ALIAS)
    answer = verification.parse_answer(data.get("verification"))
    rt = runtime()
    result = payments.pay(rt, code, mobile=mobile, account_alias=alias, answer=answer)
    customer_id = result.pop("customer_id")
    expires = rt.now() + timedelta(seconds=int(rt.settings["QRPAY_SESSION_TTL"]))
    result["session_token"] = rt.keys.ring().dumps_token(
        SESSION_PURPOSE, {"c": customer_id}, expires_at=expires
    )
    return result, 201


@bp.get("/notifications")
def notifications() -> Any:
    """Balance prompts of the session's payer, newest first."""
    customer_id = payer_session()
    with runtime().db.read() as conn:
        rows = outbox.for_customer(conn, customer_id)
    return {"notifications": [row["payload"] | {"id": row["id"]} for row in rows]}
