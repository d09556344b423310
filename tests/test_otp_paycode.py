"""HOTP/TOTP against the RFCs' own vectors, and customer-presented payment codes."""

from datetime import UTC, datetime, timedelta

import pytest

from qrpay import ExpiredError, ParseError, SignatureError, generate_payment_code, parse, verify_payment_code
from qrpay.otp import b32decode, hotp, random_base32_secret, totp, verify_totp
from qrpay.paycode import read_payment_code

RFC_SECRET = b"12345678901234567890"


@pytest.mark.parametrize(
    ("counter", "expected"),  # RFC 4226 Appendix D
    list(
        enumerate(
            [
                "755224",
                "287082",
                "359152",
                "969429",
                "338314",
                "254676",
                "287922",
                "162583",
                "399871",
                "520489",
            ]
        )
    ),
)
def test_hotp_rfc4226_appendix_d(counter, expected):
    assert hotp(RFC_SECRET, counter) == expected


@pytest.mark.parametrize(
    ("unix", "expected"),  # RFC 6238 Appendix B, SHA-1, 8 digits
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_rfc6238_appendix_b(unix, expected):
    assert totp(RFC_SECRET, now=datetime.fromtimestamp(unix, UTC), digits=8) == expected


def test_verify_totp_window():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    code = totp(RFC_SECRET, now=now)
    assert verify_totp(RFC_SECRET, code, now=now + timedelta(seconds=30)) == int(now.timestamp()) // 30
    with pytest.raises(SignatureError):
        verify_totp(RFC_SECRET, code, now=now + timedelta(seconds=90))
    for bad in ("", "12345", "abcdef", "1234567"):
        with pytest.raises(SignatureError):
            verify_totp(RFC_SECRET, bad, now=now)


def test_base32_secrets():
    secret = random_base32_secret()
    assert len(b32decode(secret.lower())) == 20
    with pytest.raises(ValueError):
        b32decode("not base32 !")


NOW = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
SECRET = b"device-secret-0001-0001"
# Golden vector for the layout documented in qrpay/paycode.py and docs/FORMAT.md.
GOLDEN_CPM = "hQVDUFYwMWEsTwfwcXJwYXkBUAVRUlBBWZ82At9AnyYIoqYQJFyLlDqfEAkBICYAAQOC30A="
GOLDEN_NUMERIC = "882026000152651322"


def test_payment_code_golden_vector():
    code = generate_payment_code(SECRET, "20260001", now=NOW)
    assert (code.cpm, code.numeric, code.step) == (GOLDEN_CPM, GOLDEN_NUMERIC, 58908480)
    assert code.expires_at == NOW + timedelta(seconds=60)


def test_payment_code_is_a_valid_cpm_payload_without_an_account_number():
    parsed = parse(GOLDEN_CPM, strict=True)
    assert (parsed.format, parsed.scheme) == ("emv-cpm", "qrpay")
    assert parsed.get("61.5A") is None and parsed.get("61.57") is None  # no PAN, no track 2


@pytest.mark.parametrize("form", ["cpm", "numeric"])
def test_payment_code_verifies_in_window_and_expires(form):
    code = getattr(generate_payment_code(SECRET, "20260001", now=NOW), form)
    assert verify_payment_code(code, SECRET, now=NOW + timedelta(seconds=45)) == 58908480
    with pytest.raises((ExpiredError, SignatureError)):
        verify_payment_code(code, SECRET, now=NOW + timedelta(seconds=120))
    with pytest.raises(SignatureError):
        verify_payment_code(code, b"another device secret..", now=NOW)


def test_payment_code_claims():
    assert read_payment_code(GOLDEN_NUMERIC).token == "20260001"
    assert read_payment_code(GOLDEN_CPM).step == 58908480
    for bad in ("123", "992026000152651322", "hQVDUFYwMQ==", "not base64!"):
        with pytest.raises(ParseError):
            read_payment_code(bad)


def test_every_single_character_change_to_a_payment_code_fails():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    for i, ch in enumerate(GOLDEN_CPM):
        if ch == "=":
            continue
        changed = GOLDEN_CPM[:i] + alphabet[(alphabet.index(ch) + 1) % 64] + GOLDEN_CPM[i + 1 :]
        with pytest.raises((ParseError, SignatureError, ExpiredError)):
            verify_payment_code(changed, SECRET, now=NOW)
