"""qrpay's signed order and withdrawal codes: golden vectors, tampering, expiry, purpose, rotation."""

from datetime import UTC, datetime, timedelta

import pytest

from qrpay import (
    ExpiredError,
    KeyRing,
    OrderCode,
    SignatureError,
    SigningKey,
    UnknownKeyError,
    WithdrawalCode,
    WrongPurposeError,
    issue_order_code,
    issue_withdrawal_code,
    parse,
    verify_code,
    verify_order_code,
    verify_withdrawal_code,
)
from qrpay.crc import crc16_hex

RING = KeyRing([SigningKey("k2026a", bytes(range(32)))])
NOW = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)

# Golden vectors: the exact layout documented in docs/FORMAT.md. A change here breaks codes already printed
# or in flight — bump the layout version (80.01) instead.
GOLDEN_ORDER = (
    "00020101021226210008io.qrpay0105order5204581453031565406128.505802CN5915Lotus Tea House6008Hangzhou"
    "62120508ord_7Hq280880008io.qrpay010110206k2026a031017672547000443vnPke8ZMPsLUfMt4U6I1RiWA74QYdN0A1N2IZJ6Nuww"
    "6304CD36"
)
GOLDEN_WITHDRAWAL = (
    "00020101021226260008io.qrpay0110withdrawal5204601153031565802CN5918Bank ATM West Lake6008Hangzhou"
    "62230507wd_Q81x0708ATM-004280880008io.qrpay010110206k2026a031017672545200443Xtv9azJvINWZ5Bzan6jQnNL3Ji3df7VGy"
    "JsOTxfRDZ863041BF6"
)


def order(**overrides):
    args = dict(
        order_ref="ord_7Hq2",
        merchant_name="Lotus Tea House",
        merchant_city="Hangzhou",
        country_code="CN",
        mcc="5814",
        currency="CNY",
        amount_minor=12850,
        expires_at=NOW + timedelta(minutes=5),
        now=NOW,
    )
    args.update(overrides)
    return issue_order_code(RING, **args)


def test_order_code_golden_vector():
    assert order() == GOLDEN_ORDER
    assert verify_order_code(RING, GOLDEN_ORDER, now=NOW) == OrderCode(
        order_ref="ord_7Hq2",
        merchant_name="Lotus Tea House",
        merchant_city="Hangzhou",
        country_code="CN",
        mcc="5814",
        currency="CNY",
        amount_minor=12850,
        expires_at=NOW + timedelta(minutes=5),
        key_id="k2026a",
    )


def test_withdrawal_code_golden_vector():
    made = issue_withdrawal_code(
        RING,
        session_ref="wd_Q81x",
        atm_id="ATM-0042",
        atm_label="Bank ATM West Lake",
        city="Hangzhou",
        country_code="CN",
        currency="CNY",
        amount_minor=None,
        expires_at=NOW + timedelta(minutes=2),
        now=NOW,
    )
    assert made == GOLDEN_WITHDRAWAL
    verified = verify_code(RING, made, now=NOW)
    assert isinstance(verified, WithdrawalCode)
    assert (verified.atm_id, verified.amount_minor, verified.currency) == ("ATM-0042", None, "CNY")


def test_signed_code_stays_a_valid_emv_payload():
    code = parse(GOLDEN_ORDER, strict=True)
    assert (code.format, code.scheme, code.get("54"), code.get("59"), code.get("01")) == (
        "emv-mpm",
        "qrpay",
        "128.50",
        "Lotus Tea House",
        "12",
    )


def test_tampered_amount_with_recomputed_crc_fails():
    body = GOLDEN_ORDER[:-4].replace("5406128.50", "540512.50")
    forged = body + crc16_hex(body)
    parse(forged, strict=True)  # still a perfectly valid EMV payload …
    with pytest.raises(SignatureError):  # … but not one we signed
        verify_order_code(RING, forged, now=NOW)


def test_lower_case_crc_is_not_accepted_for_a_signed_code():
    with pytest.raises(SignatureError):
        verify_order_code(RING, GOLDEN_ORDER[:-4] + GOLDEN_ORDER[-4:].lower(), now=NOW)


def test_expired_and_not_yet_valid():
    with pytest.raises(ExpiredError):
        verify_order_code(RING, GOLDEN_ORDER, now=NOW + timedelta(minutes=5))
    verify_order_code(RING, GOLDEN_ORDER, now=NOW + timedelta(minutes=4, seconds=59))
    with pytest.raises(ExpiredError):
        verify_order_code(RING, GOLDEN_ORDER, now=NOW - timedelta(days=2))


def test_purpose_is_bound():
    with pytest.raises(WrongPurposeError):
        verify_withdrawal_code(RING, GOLDEN_ORDER, now=NOW)
    with pytest.raises(WrongPurposeError):
        verify_order_code(RING, GOLDEN_WITHDRAWAL, now=NOW)


def test_kind_swap_fails_signature():
    swapped_body = GOLDEN_ORDER[:-4].replace("26210008io.qrpay0105order", "26260008io.qrpay0110withdrawal")
    swapped_body = swapped_body.replace("52045814", "52046011")
    forged = swapped_body + crc16_hex(swapped_body)
    with pytest.raises(SignatureError):
        verify_withdrawal_code(RING, forged, now=NOW)


def test_key_rotation_keeps_codes_in_flight_and_retirement_kills_them():
    rotated = RING.rotated()
    assert rotated.current_key_id != "k2026a"
    assert verify_order_code(rotated, GOLDEN_ORDER, now=NOW).key_id == "k2026a"
    new_code = order(expires_at=NOW + timedelta(minutes=5))
    assert new_code == GOLDEN_ORDER  # issued from the old ring
    fresh = issue_order_code(
        rotated,
        order_ref="o2",
        merchant_name="M",
        merchant_city="C",
        country_code="CN",
        mcc="5814",
        currency="CNY",
        amount_minor=1,
        expires_at=NOW + timedelta(minutes=1),
        now=NOW,
    )
    assert verify_order_code(rotated, fresh, now=NOW).key_id == rotated.current_key_id
    retired = rotated.without("k2026a")
    with pytest.raises(UnknownKeyError):
        verify_order_code(retired, GOLDEN_ORDER, now=NOW)


def test_a_foreign_ring_cannot_verify():
    other = KeyRing([SigningKey("k2026a", b"another secret of 32 bytes......")])
    with pytest.raises(SignatureError):
        verify_order_code(other, GOLDEN_ORDER, now=NOW)


def test_verify_code_refuses_non_qrpay_emv():
    from qrpay.emv import build

    foreign = build(
        {
            "26": {"00": "br.gov.bcb.pix", "01": "k"},
            "52": "0000",
            "53": "986",
            "58": "BR",
            "59": "X",
            "60": "Y",
        }
    )
    with pytest.raises(SignatureError):
        verify_code(RING, foreign, now=NOW)


def test_issue_refuses_an_expiry_in_the_past():
    with pytest.raises(ValueError):
        order(expires_at=NOW - timedelta(seconds=1))
