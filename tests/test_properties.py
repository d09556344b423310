"""Property tests: parsing is total, building round-trips, signing round-trips, any change breaks a signature."""

import contextlib
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrpay import (
    KeyRing,
    ParseError,
    SigningKey,
    VerificationError,
    generate_payment_code,
    issue_order_code,
    parse,
    verify_order_code,
)
from qrpay.cpm import build_cpm, parse_cpm
from qrpay.emv import build, parse_mpm

RING = KeyRing([SigningKey("kprop", b"p" * 32)])
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

value_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
ids = st.sampled_from(
    ["02", "15", "25", "52", "53", "54", "55", "58", "59", "60", "61", "70", "79"]
)  # primitives only


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_parse_arbitrary_text_returns_or_raises_parse_error(text):
    try:
        parse(text)
        parse(text, strict=True)
    except ParseError as exc:
        assert exc.code and isinstance(exc.code, str)


@settings(max_examples=300)
@given(st.binary(max_size=120))
def test_parse_arbitrary_cpm_bytes(data):
    import base64

    text = "hQVDUFYwMW" + base64.b64encode(data).decode()
    with contextlib.suppress(ParseError):  # anything but ParseError fails the test
        assert parse(text).format == "emv-cpm"  # payment-looking text is never passed off as plain text


@settings(max_examples=300)
@given(st.text(alphabet="0123456789", max_size=200))
def test_parse_arbitrary_digit_strings(text):
    with contextlib.suppress(ParseError):  # anything but ParseError fails the test
        assert parse("0002" + text).format == "emv-mpm"


templates = st.dictionaries(st.sampled_from(["00", "01", "02", "05"]), value_text, min_size=1, max_size=3)


@settings(max_examples=300)
@given(
    st.dictionaries(ids, value_text, max_size=6),
    st.dictionaries(st.sampled_from(["26", "29", "51", "62", "64", "80"]), templates, max_size=3),
)
def test_mpm_build_parse_round_trip(primitives, nested):
    fields = {"00": "01", **primitives, **nested}
    fields.pop("54", None)  # amounts have their own grammar; covered below
    text = build(fields)
    parsed = parse_mpm(text).fields
    assert {k: v for k, v in parsed.items() if k != "63"} == fields
    assert build(parsed) == text


@settings(max_examples=200)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amount_round_trip(amount):
    text = build({"00": "01", "26": {"00": "x"}, "54": f"{amount:.2f}"})
    assert parse(text).get("54") == f"{amount:.2f}"


cpm_primitive = st.binary(min_size=0, max_size=40).map(lambda b: b.hex().upper())


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from(["4F", "50", "5A", "9F26", "9F36", "9F10", "5F20"]),
        cpm_primitive,
        min_size=1,
        max_size=5,
    )
)
def test_cpm_build_parse_round_trip(app):
    fields = {"85": "4350563031", "61": app}
    assert parse_cpm(build_cpm(fields))[0] == fields


@settings(max_examples=100, deadline=None)
@given(
    ref=st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=25),
    name=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=25),
    amount=st.integers(min_value=1, max_value=10**10),
    ttl=st.integers(min_value=1, max_value=86400),
)
def test_sign_verify_round_trip(ref, name, amount, ttl):
    payload = issue_order_code(
        RING,
        order_ref=ref,
        merchant_name=name,
        merchant_city="City",
        country_code="CN",
        mcc="5814",
        currency="CNY",
        amount_minor=amount,
        expires_at=NOW + timedelta(seconds=ttl),
        now=NOW,
    )
    code = verify_order_code(RING, payload, now=NOW)
    assert (code.order_ref, code.merchant_name, code.amount_minor) == (ref, name, amount)


GOOD = issue_order_code(
    RING,
    order_ref="ord_prop",
    merchant_name="Prop Shop",
    merchant_city="Suzhou",
    country_code="CN",
    mcc="5814",
    currency="CNY",
    amount_minor=4200,
    expires_at=NOW + timedelta(minutes=5),
    now=NOW,
)


@settings(max_examples=500)
@given(
    st.integers(min_value=0, max_value=len(GOOD) - 1), st.characters(min_codepoint=32, max_codepoint=0x2FFF)
)
def test_any_single_character_change_fails(position, replacement):
    if GOOD[position] == replacement:
        return
    changed = GOOD[:position] + replacement + GOOD[position + 1 :]
    try:
        verify_order_code(RING, changed, now=NOW)
    except (ParseError, VerificationError):
        return
    raise AssertionError(f"a change at {position} to {replacement!r} still verified")


def test_every_position_exhaustively():
    for position in range(len(GOOD)):
        for replacement in {"0", "9", "A", "a", "-", " "} - {GOOD[position]}:
            changed = GOOD[:position] + replacement + GOOD[position + 1 :]
            try:
                verify_order_code(RING, changed, now=NOW)
            except (ParseError, VerificationError):
                continue
            raise AssertionError(f"a change at {position} to {replacement!r} still verified")


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=99999999), st.integers(min_value=0, max_value=10**6))
def test_payment_code_round_trip(token, offset):
    from qrpay import verify_payment_code

    when = NOW + timedelta(seconds=offset)
    code = generate_payment_code(b"s" * 20, f"{token:08d}", now=when)
    assert verify_payment_code(code.cpm, b"s" * 20, now=when) == code.step
    assert verify_payment_code(code.numeric, b"s" * 20, now=when) == code.step
