"""What a scanned code is: an order code (EMV or its ``https://…/p/<token>`` URL form) or a withdrawal code.

Every code is verified against the key ring (signature, key id, purpose, expiry) before anything else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from qrpay.codes import OrderCode, WithdrawalCode, verify_code
from qrpay.errors import SignatureError, WrongPurposeError

from ..runtime import Runtime

URL_PURPOSE = "order-url"


def order_url(public_url: str, token: str) -> str:
    """``https://<host>/p/<token>``: the URL form of an order code."""
    return f"{public_url.rstrip('/')}/p/{token}"


def read(rt: Runtime, text: str, now: datetime) -> OrderCode | WithdrawalCode | str:
    """Verify a scanned code; an order's URL form returns the order id (``str``).

    :raises ParseError: not a qrpay code. :raises VerificationError: tampered, unknown key, expired,
    wrong kind.
    """
    text = text.strip()
    if text.lower().startswith(("https://", "http://")):
        parts = urlsplit(text)
        segments = parts.path.split("/")
        if len(segments) != 3 or segments[1] != "p" or not segments[2]:
            raise SignatureError("not a qrpay order URL")
        payload: dict[str, Any] = rt.keys.verify_with_reload(
            lambda ring: ring.loads_token(URL_PURPOSE, segments[2], now=now)
        )
        order_id = payload.get("o")
        if not isinstance(order_id, str):
            raise SignatureError("malformed order URL token")
        return order_id
    return rt.keys.verify_with_reload(lambda ring: verify_code(ring, text, now=now))


def order_id_of(rt: Runtime, text: str, now: datetime) -> str:
    """The order a code stands for. :raises WrongPurposeError: a withdrawal code shown as an order."""
    code = read(rt, text, now)
    if isinstance(code, str):
        return code
    if isinstance(code, OrderCode):
        return code.order_ref
    raise WrongPurposeError(
        "this is a withdrawal code, not an order code", expected="order", actual="withdrawal"
    )
