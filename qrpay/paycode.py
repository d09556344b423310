"""Customer-presented payment codes: what the payer's app shows and the merchant's POS scans.

A payment code names no account. It carries a *token* (eight digits the bank maps to a payer's device or
session), a *time step* and a *cryptogram* keyed by a per-token secret, so a device provisioned once can make
codes offline (RFC 6238 style) and the bank can check them without a round trip to the device. Two equivalent
forms are issued for the same (token, step):

* EMV CPM (QRCPS-CPM §5), base64 of BER-TLV::

      85 05 "CPV01"                       payload format indicator
      61 .. 4F 07 F0717270617901         application template: qrpay's proprietary AID ("F0" + "qrpay" + 01)
            50 05 "QRPAY"                 application label
            9F36 02 <step mod 65536>      application transaction counter
            9F26 08 <cryptogram>          first 8 bytes of HMAC-SHA256(secret, salt ‖ token ‖ step)
            9F10 09 01 <token BCD 4> <step 4 bytes>   issuer application data: layout version, token, step

* numeric, 18 digits for 1-D scanners and manual entry: ``88`` + token (8) + OTP (8), where the OTP is the RFC 4226
  dynamic truncation of the same HMAC modulo 10^8. The step is not carried, so the verifier tries a small window.

A code is valid for its step and the next one (≈ 60 s); the caller records each (token, step) it accepts so a
code is honoured once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from . import clock
from .errors import ExpiredError, ParseError, SignatureError
from .otp import dynamic_truncate
from .tlv import ber_encode, read_ber_tlv

STEP_SECONDS = 30
NUMERIC_PREFIX = "88"
AID = "F0717270617901"
_SALT = b"qrpay.payment-code.v1|"


@dataclass(frozen=True)
class PaymentCode:
    token: str
    step: int
    cpm: str
    numeric: str
    expires_at: datetime


@dataclass(frozen=True)
class PaymentCodeClaim:
    """What a payment code says before its cryptogram is checked (to find the token's secret)."""

    token: str
    step: int | None
    form: str  # "cpm" or "numeric"


def _mac(secret: bytes, token: str, step: int) -> bytes:
    return hmac.new(secret, _SALT + token.encode() + step.to_bytes(8, "big"), hashlib.sha256).digest()


def _check_token(token: str) -> None:
    if not (isinstance(token, str) and len(token) == 8 and token.isdigit() and token.isascii()):
        raise ValueError("a payment token is eight digits")


def generate_payment_code(secret: bytes, token: str, *, now: datetime | None = None) -> PaymentCode:
    """Make the payment code of ``token`` for the current time step (works offline on the device)."""
    _check_token(token)
    step = clock.to_unix(clock.resolve(now)) // STEP_SECONDS
    mac = _mac(secret, token, step)
    otp = dynamic_truncate(mac) % 10**8
    app = (
        ber_encode("4F", bytes.fromhex(AID))
        + ber_encode("50", b"QRPAY")
        + ber_encode("9F36", (step % 65536).to_bytes(2, "big"))
        + ber_encode("9F26", mac[:8])
        + ber_encode("9F10", b"\x01" + bytes.fromhex(token) + step.to_bytes(4, "big"))
    )
    cpm = base64.b64encode(ber_encode("85", b"CPV01") + ber_encode("61", app)).decode("ascii")
    return PaymentCode(
        token=token,
        step=step,
        cpm=cpm,
        numeric=f"{NUMERIC_PREFIX}{token}{otp:08d}",
        expires_at=clock.from_unix((step + 2) * STEP_SECONDS),
    )


def read_payment_code(text: str) -> PaymentCodeClaim:
    """Read the token (and step) from either form without verifying it.

    :raises ParseError: not a qrpay payment code.
    """
    text = text.strip() if isinstance(text, str) else ""
    if len(text) == 18 and text.isdigit() and text.isascii():
        if not text.startswith(NUMERIC_PREFIX):
            raise ParseError("not a qrpay numeric payment code", code="unsupported")
        return PaymentCodeClaim(token=text[2:10], step=None, form="numeric")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ParseError("payment code is neither 18 digits nor base64", code="bad_base64") from None
    root = {tag: value for tag, value, _, _ in read_ber_tlv(data)}
    if root.get("85") != b"CPV01" or "61" not in root:
        raise ParseError("not an EMV consumer-presented payload", code="unsupported", path="85")
    app = {tag: value for tag, value, _, _ in read_ber_tlv(root["61"], path="61")}
    iad = app.get("9F10", b"")
    if app.get("4F") != bytes.fromhex(AID) or len(iad) != 9 or iad[0] != 1:
        raise ParseError("not a qrpay payment code", code="unsupported", path="61.4F")
    token = iad[1:5].hex()
    if not token.isdigit():
        raise ParseError("token is not BCD", code="bad_value", path="61.9F10")
    return PaymentCodeClaim(token=token, step=int.from_bytes(iad[5:9], "big"), form="cpm")


def verify_payment_code(text: str, secret: bytes, *, now: datetime | None = None, window: int = 1) -> int:
    """Check a payment code's cryptogram and freshness; return its time step.

    Accepts steps from ``current - window`` to ``current + 1`` (a device clock slightly ahead).

    :raises ParseError: not a payment code. :raises SignatureError: wrong cryptogram.
    :raises ExpiredError: a valid code from a step outside the window.
    """
    claim = read_payment_code(text)
    current = clock.to_unix(clock.resolve(now)) // STEP_SECONDS
    if claim.form == "numeric":
        otp = text.strip()[10:]
        matched = None
        for step in range(current - window, current + 2):
            candidate = f"{dynamic_truncate(_mac(secret, claim.token, step)) % 10**8:08d}"
            if hmac.compare_digest(candidate, otp):
                matched = step
        if matched is None:
            raise SignatureError("payment code does not verify (or has expired)")
        return matched
    assert claim.step is not None
    expected = generate_payment_code(secret, claim.token, now=clock.from_unix(claim.step * STEP_SECONDS)).cpm
    if not hmac.compare_digest(expected.encode(), text.strip().encode()):
        raise SignatureError("payment code cryptogram does not verify")
    if not current - window <= claim.step <= current + 1:
        raise ExpiredError(
            "payment code expired", expired_at=clock.from_unix((claim.step + 2) * STEP_SECONDS)
        )
    return claim.step
