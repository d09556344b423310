"""Bad input never answers 500 (SPEC §4.3): malformed JSON, wrong types, huge numbers, unknown ids."""

from __future__ import annotations

import pytest

from .support import Api

BAD_BODIES = [
    b"{",
    b"[]",
    b"null",
    b'"x"',
    b"1" * 5000,
    b"[" * 5000,
    b'{"amount": 1e400}',
    b'{"amount": "100"}',
    b'{"amount": 1.5}',
    b'{"amount": true}',
    b'{"amount": -1}',
    b'{"amount": 99999999999999999999999}',
    b'{"amount": 100, "currency": "XXX", "reference": "r"}',
    b'{"amount": 100, "currency": 5, "reference": "r"}',
    b'{"amount": 100, "currency": "CNY"}',
    b"\xff\xfe",
    b'{"amount": 100, "currency": "CNY", "reference": "r", "expires_in": "x"}',
]


@pytest.mark.parametrize("raw", BAD_BODIES)
def test_bad_order_bodies(api: Api, raw: bytes) -> None:
    pos = api.merchant_with_pos()
    reply = api.terminal(pos, "POST", "/v1/orders", raw=raw)
    assert reply.status == 400, reply.body
    assert set(reply.json()["error"]) == {"code", "message"}


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"code": 5},
        {"code": "x" * 3000},
        {
            "code": "x",
            "mobile": "1",
            "account_alias": "123456",
            "verification": {"method": "static_password", "password": "p"},
        },
        {"code": "x", "mobile": "13800000000", "account_alias": "123456", "verification": "pw"},
        {
            "code": "x",
            "mobile": "13800000000",
            "account_alias": "123456",
            "verification": {"method": "magic"},
        },
        {
            "code": "x",
            "mobile": "13800000000",
            "account_alias": "123456",
            "verification": {"method": "otp_token", "code": 123456},
        },
    ],
)
def test_bad_payment_bodies(api: Api, payload: dict) -> None:
    reply = api.request("POST", "/v1/payer/payments", payload)
    assert 400 <= reply.status < 500, reply.body


def test_garbage_codes(api: Api) -> None:
    for code in ("", "0002", "00020101021263041234", "hQVDUFYwMQ==", "upi://pay?pa=x", "\x00" * 10):
        reply = api.request("POST", "/v1/payer/scan", {"code": code})
        assert 400 <= reply.status < 500, (code, reply.body)


def test_unknown_ids(api: Api) -> None:
    pos = api.merchant_with_pos()
    for method, path in [
        ("GET", "/v1/orders/ord_nope"),
        ("GET", "/v1/orders/ord_nope/qr.png"),
        ("POST", "/v1/orders/ord_nope/cancel"),
        ("POST", "/v1/orders/ord_nope/refunds"),
        ("GET", "/v1/orders/ord_nope/events"),
    ]:
        payload = {"amount": 1} if path.endswith("refunds") else None
        assert api.terminal(pos, method, path, payload).status == 404, path
    assert api.admin("POST", "/v1/admin/customers/cus_nope/otp-tokens").status == 404
    assert api.admin("POST", "/v1/admin/customers/cus_nope/unfreeze").status == 404
    assert (
        api.admin("POST", "/v1/admin/terminals", {"kind": "pos", "label": "x", "merchant_id": "m"}).status
        == 404
    )
    assert api.request("GET", "/v1/nothing").code == "not_found"
    assert api.request("DELETE", "/v1/orders").status == 405


def test_duplicate_customer(api: Api) -> None:
    payer = api.customer()
    reply = api.admin(
        "POST",
        "/v1/admin/customers",
        {
            "name": "X",
            "mobile": payer.mobile,
            "account_number": "99" + payer.account_number[2:],
            "balance": 0,
            "currency": "CNY",
        },
    )
    assert reply.status == 409


def test_too_large_body(api: Api) -> None:
    reply = api.request("POST", "/v1/payer/scan", raw=b'{"code": "' + b"x" * 100_000 + b'"}')
    assert reply.status == 413
