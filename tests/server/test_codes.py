"""Codes the payer presents: tampered, expired, reused, wrong kind, unknown key (SPEC §3.2, §6.5)."""

from __future__ import annotations

import re
from datetime import timedelta

from qrpay.codes import issue_order_code, issue_withdrawal_code
from qrpay.crc import crc16_hex
from qrpay.paycode import generate_payment_code
from qrpay.signing import KeyRing

from .support import Api


def _retamper_amount(payload: str, new_amount: str) -> str:
    """Change field 54 (amount) and recompute the CRC, as an attacker would."""
    match = re.search(r"54(\d\d)", payload)
    assert match
    start, length = match.start(), int(match.group(1))
    body = payload[:start] + f"54{len(new_amount):02d}{new_amount}" + payload[start + 4 + length : -4]
    return body + crc16_hex(body)


def _no_money_moved(api: Api, before: dict) -> None:
    assert api.ledger_ok() == before


def test_tampered_amount_is_signature_invalid(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos, 12850)
    tampered = _retamper_amount(order["qr"]["payload"], "1.28")
    assert tampered != order["qr"]["payload"]
    for path in ("/v1/payer/scan", "/v1/payer/payments"):
        reply = api.request(
            "POST",
            path,
            {
                "code": tampered,
                "mobile": payer.mobile,
                "account_alias": payer.alias,
                "verification": {"method": "static_password", "password": "x"},
            },
        )
        assert reply.status == 422 and reply.code == "signature_invalid", reply.body
    assert api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}").json()["status"] == "pending"


def test_tampered_url_token(api: Api) -> None:
    pos = api.merchant_with_pos()
    url = api.order(pos)["qr"]["url"]
    reply = api.request(
        "POST", "/v1/payer/scan", {"code": url[:-2] + ("AA" if not url.endswith("AA") else "BB")}
    )
    assert reply.status == 422 and reply.code == "signature_invalid"


def test_expired_code_is_410(api: Api, clock) -> None:
    pos = api.merchant_with_pos()
    order = api.order(pos, expires_in=30)
    clock.advance(31)
    reply = api.request("POST", "/v1/payer/scan", {"code": order["qr"]["payload"]})
    assert reply.status == 410 and reply.code == "code_expired"


def test_reused_code_is_409(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos)
    assert api.pay(order["qr"]["payload"], payer).status == 201
    scan = api.request("POST", "/v1/payer/scan", {"code": order["qr"]["payload"]})
    assert scan.status == 409 and scan.code == "code_reused"
    again = api.pay(order["qr"]["payload"], api.customer())
    assert again.status == 409 and again.code == "code_reused"
    api.ledger_ok()


def test_withdrawal_code_as_order_refused(api: Api, app, clock) -> None:
    ring = app.extensions["qrpay"].keys.ring()
    code = issue_withdrawal_code(
        ring,
        session_ref="wdr_1",
        atm_id="ATM1",
        atm_label="Lobby",
        city="Shanghai",
        country_code="CN",
        currency="CNY",
        amount_minor=10000,
        expires_at=clock() + timedelta(minutes=2),
        now=clock(),
    )
    payer = api.customer()
    reply = api.pay(code, payer)
    assert reply.status == 422 and reply.code == "wrong_purpose"
    assert api.request("POST", "/v1/payer/scan", {"code": code}).json()["kind"] == "withdrawal"


def test_payment_code_as_order_refused(api: Api, clock) -> None:
    payer = api.customer()
    code = generate_payment_code(b"k" * 32, "12345678", now=clock())
    for text in (code.cpm, code.numeric, "hello", "https://evil.example/x"):
        reply = api.pay(text, payer)
        assert reply.status == 422, (text, reply.body)


def test_unknown_key_refused(api: Api, app, clock) -> None:
    pos = api.merchant_with_pos()
    order = api.order(pos)
    foreign = issue_order_code(
        KeyRing.generate(),
        order_ref=order["order_id"],
        merchant_name="Test Shop",
        merchant_city="Shanghai",
        country_code="CN",
        mcc="5812",
        currency="CNY",
        amount_minor=1,
        expires_at=clock() + timedelta(minutes=5),
        now=clock(),
    )
    reply = api.pay(foreign, api.customer())
    assert reply.status == 422 and reply.code == "unknown_key"


def test_rotation_keeps_codes_in_flight(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    before = api.order(pos)
    rotated = api.admin("POST", "/v1/admin/keys/rotate")
    assert rotated.status == 201 and rotated.json()["key_ids"][-1] == rotated.json()["key_id"]
    after = api.order(pos)
    assert api.pay(before["qr"]["payload"], payer).status == 201
    assert api.pay(after["qr"]["payload"], payer).status == 201
