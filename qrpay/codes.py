"""qrpay's signed, short-lived, single-use merchant-presented codes: order codes and ATM withdrawal codes.

Each is a valid EMV MPM payload (any EMV reader still shows merchant and amount) whose last object before the
CRC is qrpay's signature template, unreserved ID 80 (QRCPS-MPM §4.6.9)::

    00 02 01                      payload format indicator
    01 02 12                      dynamic
    26 .. 00 08 io.qrpay          merchant account: qrpay network
          01 .. order|withdrawal  kind of code
    52 04 5812 | 6011             MCC (6011: ATM cash)
    53 03 156                     currency (ISO 4217 numeric)
    54 .. 128.50                  amount (optional for a withdrawal)
    58 02 CN / 59 .. name / 60 .. city
    62 .. 05 .. reference         order reference or withdrawal session
          07 .. ATM id            (withdrawal codes only)
    80 .. 00 08 io.qrpay          signature template
          01 01 1                 layout version
          02 .. key id            which ring key signed
          03 10 1764100000        expiry, unix seconds
          04 43 <signature>       itsdangerous HMAC-SHA256, base64url
    63 04 XXXX                    CRC-16/CCITT-FALSE, upper case

The signature covers every character before ``0443`` — the whole payload but the signature itself and the CRC
— with a salt naming the purpose, so an order code never verifies as a withdrawal code. Verification also
requires the CRC to be exactly the upper-case value: with the layout fixed, any change to any character fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import clock
from .crc import crc16_hex
from .currency import Currency, format_minor, to_minor
from .currency import currency as lookup_currency
from .emv import build, parse_mpm
from .errors import ExpiredError, ParseError, SignatureError, WrongPurposeError
from .signing import KeyRing

GUID = "io.qrpay"
LAYOUT_VERSION = "1"
SIGNATURE_LENGTH = 43  # base64url of a 32-byte HMAC-SHA256, unpadded
_TAIL = 4 + SIGNATURE_LENGTH + 8  # "0443" + signature + "6304" + CRC
MCC_ATM = "6011"  # ISO 18245: financial institutions — automated cash disbursements
MAX_LIFETIME_SECONDS = 24 * 3600  # an expiry further out than this was not issued by us: refuse it


@dataclass(frozen=True)
class OrderCode:
    order_ref: str
    merchant_name: str
    merchant_city: str
    country_code: str
    mcc: str
    currency: str
    amount_minor: int
    expires_at: datetime
    key_id: str


@dataclass(frozen=True)
class WithdrawalCode:
    session_ref: str
    atm_id: str
    atm_label: str
    city: str
    country_code: str
    currency: str
    amount_minor: int | None
    expires_at: datetime
    key_id: str


def _issue(ring: KeyRing, purpose: str, fields: dict[str, object], expires_at: datetime) -> str:
    key_id = ring.current_key_id
    fields["80"] = {
        "00": GUID,
        "01": LAYOUT_VERSION,
        "02": key_id,
        "03": str(clock.to_unix(expires_at)),
        "04": "X" * SIGNATURE_LENGTH,
    }
    unsigned = build(fields)
    message = unsigned[:-_TAIL]
    _, signature = ring.sign(purpose, message.encode("utf-8"))
    return build({**fields, "80": {**fields["80"], "04": signature}})  # type: ignore[dict-item]


def _verify(ring: KeyRing, purpose: str | None, payload: str, now: datetime | None) -> dict[str, object]:
    """Parse once and check everything; ``purpose=None`` accepts whichever kind the code claims to be."""
    if not isinstance(payload, str):
        raise ParseError("a code is text", code="bad_value")
    parsed = parse_mpm(payload, strict=True)
    fields = parsed.fields
    account, sig = fields.get("26"), fields.get("80")
    if (
        not isinstance(account, dict)
        or account.get("00") != GUID
        or not isinstance(sig, dict)
        or sig.get("00") != GUID
    ):
        raise SignatureError("not a qrpay code")
    kind = account.get("01")
    if purpose is None:
        if kind not in ("order", "withdrawal"):
            raise SignatureError("not a qrpay code")
        purpose = str(kind)
    if kind != purpose:
        raise WrongPurposeError(
            f"this is a {kind} code, not a {purpose} code", expected=purpose, actual=str(kind)
        )
    if sig.get("01") != LAYOUT_VERSION:
        raise SignatureError("unknown qrpay code layout")
    # The signature covers the raw text before the fixed tail, so the only unsigned characters are the
    # signature and the CRC; demanding the exact upper-case CRC closes that last bit of malleability.
    if (
        payload[-_TAIL : -_TAIL + 4] != f"04{SIGNATURE_LENGTH}"
        or payload[-8:-4] != "6304"
        or payload[-4:] != crc16_hex(payload[:-4])
    ):
        raise SignatureError("code is not in canonical form")
    ring.verify(purpose, payload[:-_TAIL].encode("utf-8"), str(sig.get("02")), str(sig.get("04")))
    expiry_text = str(sig.get("03"))
    if not expiry_text.isdigit():
        raise SignatureError("bad expiry")
    expires = clock.from_unix(int(expiry_text))
    moment = clock.resolve(now)
    if moment >= expires:
        raise ExpiredError("code expired", expired_at=expires)
    if (expires - moment).total_seconds() > MAX_LIFETIME_SECONDS:
        raise ExpiredError("code is not valid yet", expired_at=expires)
    return fields  # type: ignore[return-value]


def _amount_minor(fields: dict[str, object], cur: str) -> int | None:
    amount = fields.get("54")
    return None if amount is None else to_minor(str(amount), cur)


def issue_order_code(
    ring: KeyRing,
    *,
    order_ref: str,
    merchant_name: str,
    merchant_city: str,
    country_code: str,
    mcc: str,
    currency: str,
    amount_minor: int,
    expires_at: datetime,
    now: datetime | None = None,
) -> str:
    """Make the signed EMV payload a POS shows for one order."""
    cur = _currency(currency)
    fields = _base_fields("order", mcc, cur, country_code, merchant_name, merchant_city) | {
        "54": format_minor(amount_minor, cur.alpha),
        "62": {"05": order_ref},
    }
    _check_expiry(expires_at, now)
    return _issue(ring, "order", fields, expires_at)


def verify_order_code(ring: KeyRing, payload: str, *, now: datetime | None = None) -> OrderCode:
    """Verify an order code and return what it says.

    :raises ParseError: not an EMV payload. :raises WrongPurposeError: another kind of qrpay code.
    :raises SignatureError: tampered. :raises UnknownKeyError: signed by a key not in ``ring``.
    :raises ExpiredError: past its expiry.
    """
    return _order_from(_verify(ring, "order", payload, now))


def _order_from(f: dict[str, object]) -> OrderCode:
    cur = _currency(str(f["53"]))
    amount = _amount_minor(f, cur.alpha)
    if amount is None:
        raise SignatureError("order code without an amount")
    return OrderCode(
        order_ref=str(_sub(f, "62", "05")),
        merchant_name=str(f["59"]),
        merchant_city=str(f["60"]),
        country_code=str(f["58"]),
        mcc=str(f["52"]),
        currency=cur.alpha,
        amount_minor=amount,
        expires_at=clock.from_unix(int(str(_sub(f, "80", "03")))),
        key_id=str(_sub(f, "80", "02")),
    )


def issue_withdrawal_code(
    ring: KeyRing,
    *,
    session_ref: str,
    atm_id: str,
    atm_label: str,
    city: str,
    country_code: str,
    currency: str,
    amount_minor: int | None,
    expires_at: datetime,
    now: datetime | None = None,
) -> str:
    """Make the signed EMV payload an ATM screen shows for one cardless withdrawal session."""
    cur = _currency(currency)
    fields = _base_fields("withdrawal", MCC_ATM, cur, country_code, atm_label, city) | {
        "62": {"05": session_ref, "07": atm_id},
    }
    if amount_minor is not None:
        fields["54"] = format_minor(amount_minor, cur.alpha)
    _check_expiry(expires_at, now)
    return _issue(ring, "withdrawal", fields, expires_at)


def verify_withdrawal_code(ring: KeyRing, payload: str, *, now: datetime | None = None) -> WithdrawalCode:
    """Verify a withdrawal code; raises like :func:`verify_order_code`."""
    return _withdrawal_from(_verify(ring, "withdrawal", payload, now))


def _withdrawal_from(f: dict[str, object]) -> WithdrawalCode:
    cur = _currency(str(f["53"]))
    return WithdrawalCode(
        session_ref=str(_sub(f, "62", "05")),
        atm_id=str(_sub(f, "62", "07")),
        atm_label=str(f["59"]),
        city=str(f["60"]),
        country_code=str(f["58"]),
        currency=cur.alpha,
        amount_minor=_amount_minor(f, cur.alpha),
        expires_at=clock.from_unix(int(str(_sub(f, "80", "03")))),
        key_id=str(_sub(f, "80", "02")),
    )


def code_kind(payload: str) -> str | None:
    """``"order"`` or ``"withdrawal"`` for a payload that claims to be a qrpay code, else ``None`` (unverified)."""
    try:
        account = parse_mpm(payload).fields.get("26")
    except ParseError:
        return None
    if (
        isinstance(account, dict)
        and account.get("00") == GUID
        and account.get("01") in ("order", "withdrawal")
    ):
        return str(account["01"])
    return None


def verify_code(ring: KeyRing, payload: str, *, now: datetime | None = None) -> OrderCode | WithdrawalCode:
    """Verify any qrpay merchant-presented code, whichever kind it claims to be (one parse)."""
    fields = _verify(ring, None, payload, now)
    account = fields["26"]
    assert isinstance(account, dict)
    return _order_from(fields) if account["01"] == "order" else _withdrawal_from(fields)


def _base_fields(kind: str, mcc: str, cur: Currency, country: str, name: str, city: str) -> dict[str, object]:
    # Names and cities are cut to the EMV maxima (59: 25, 60: 15 characters) rather than refused: the
    # signed code must stay a valid payload whatever the merchant registered.
    return {
        "00": "01",
        "01": "12",
        "26": {"00": GUID, "01": kind},
        "52": mcc,
        "53": cur.numeric,
        "58": country.upper(),
        "59": name[:25],
        "60": city[:15],
    }


def _sub(fields: dict[str, object], template: str, sub_id: str) -> object:
    value = fields.get(template)
    if not isinstance(value, dict) or sub_id not in value:
        raise SignatureError(f"missing {template}.{sub_id}")
    return value[sub_id]


def _currency(code: str) -> Currency:
    return lookup_currency(code)


def _check_expiry(expires_at: datetime, now: datetime | None) -> None:
    lifetime = (expires_at - clock.resolve(now)).total_seconds()
    if not 0 < lifetime <= MAX_LIFETIME_SECONDS:
        raise ValueError("a code must expire within 24 hours from now")
