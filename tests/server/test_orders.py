"""The merchant-presented flow end to end over HTTP (SPEC §4.3), with each verification method."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from qrpay.client import transaction_digest, usb_key_message
from qrpay.otp import b32decode, totp

from .support import Api


def test_static_password(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer(balance=50_000)
    order = api.order(pos, 12850)
    assert order["qr"]["payload"].startswith("00020101021")
    assert order["qr"]["url"].startswith("https://pay.example/p/")
    paid = api.pay(order["qr"]["payload"], payer)
    assert paid.status == 201, paid.body
    body = paid.json()
    assert body["status"] == "succeeded" and body["order_id"] == order["order_id"]
    assert body["amount"] == 12850 and body["balance"] == 50_000 - 12850
    assert api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}").json()["status"] == "paid"
    api.ledger_ok()


def test_dynamic_password_bound_to_amount(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos, 2000)
    wrong_amount = api.dynamic_password(payer, amount=1999)
    assert api.pay(order["qr"]["payload"], payer, wrong_amount).status == 401
    right = api.dynamic_password(payer, amount=2000)
    paid = api.pay(order["qr"]["payload"], payer, right)
    assert paid.status == 201, paid.body
    order2 = api.order(pos, 2000)
    assert api.pay(order2["qr"]["payload"], payer, right).status == 401  # a challenge is good once


def test_dynamic_password_sms_in_dev_gateway(api: Api) -> None:
    payer = api.customer()
    api.dynamic_password(payer, amount=12850)
    messages = api.admin("GET", f"/v1/dev/sms?mobile={payer.mobile}").json()["messages"]
    assert len(messages) == 1 and "128.50" in messages[0]["text"] and messages[0]["created_at"]
    assert api.request("GET", f"/v1/dev/sms?mobile={payer.mobile}").status == 401


def test_otp_token_each_code_once(api: Api, clock) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    enrolled = api.admin("POST", f"/v1/admin/customers/{payer.customer_id}/otp-tokens")
    assert enrolled.status == 201
    secret = b32decode(enrolled.json()["secret"])
    code = totp(secret, now=clock())
    first = api.order(pos, 1000)
    assert api.pay(first["qr"]["payload"], payer, {"method": "otp_token", "code": code}).status == 201
    second = api.order(pos, 1000)
    reused = api.pay(second["qr"]["payload"], payer, {"method": "otp_token", "code": code})
    assert reused.status == 401 and reused.code == "verification_failed"
    clock.advance(30)
    fresh = totp(secret, now=clock())
    assert api.pay(second["qr"]["payload"], payer, {"method": "otp_token", "code": fresh}).status == 201


@pytest.mark.parametrize("algorithm", ["ed25519", "p256"])
def test_usb_key(api: Api, algorithm: str) -> None:
    pos, payer = api.merchant_with_pos(), api.customer(balance=10_000_000)
    private = (
        ed25519.Ed25519PrivateKey.generate()
        if algorithm == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    assert (
        api.admin("POST", f"/v1/admin/customers/{payer.customer_id}/usb-keys", {"public_key": pem}).status
        == 201
    )
    order = api.order(pos, 2_000_000)  # 20,000.00: above the small-value tier, allowed with a USB key
    challenge = api.request(
        "POST",
        "/v1/payer/challenges",
        {"mobile": payer.mobile, "account_alias": payer.alias, "method": "usb_key", "purpose": "payment"},
    ).json()
    message = usb_key_message(
        challenge["challenge_id"],
        challenge["nonce"],
        transaction_digest("payment", order["order_id"], 2_000_000, "CNY"),
    )
    if algorithm == "ed25519":
        signature = private.sign(message)
    else:
        signature = private.sign(message, ec.ECDSA(hashes.SHA256()))
    verification = {
        "method": "usb_key",
        "challenge_id": challenge["challenge_id"],
        "signature": base64.urlsafe_b64encode(signature).decode().rstrip("="),
    }
    forged = dict(verification, signature=base64.urlsafe_b64encode(b"x" * 64).decode())
    assert api.pay(order["qr"]["payload"], payer, forged).status == 401
    paid = api.pay(order["qr"]["payload"], payer, verification)
    assert paid.status == 201, paid.body


def test_rsa_usb_key_refused(api: Api) -> None:
    payer = api.customer()
    pem = (
        ec.generate_private_key(ec.SECP384R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    reply = api.admin("POST", f"/v1/admin/customers/{payer.customer_id}/usb-keys", {"public_key": pem})
    assert reply.status == 400


def test_limits_small_value_tier(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer(balance=10_000_000)
    big = api.order(pos, 100_001)
    refused = api.pay(big["qr"]["payload"], payer)
    assert refused.status == 422 and refused.code == "limit_exceeded"
    for _ in range(5):
        assert api.pay(api.order(pos, 100_000)["qr"]["payload"], payer).status == 201
    over_day = api.pay(api.order(pos, 1)["qr"]["payload"], payer)
    assert over_day.code == "limit_exceeded"
    api.ledger_ok()


def test_insufficient_funds(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer(balance=100)
    reply = api.pay(api.order(pos, 101)["qr"]["payload"], payer)
    assert reply.status == 422 and reply.code == "insufficient_funds"
    api.ledger_ok()


def test_url_form_pays(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos, 500)
    scan = api.request("POST", "/v1/payer/scan", {"code": order["qr"]["url"]})
    assert scan.status == 200 and scan.json()["order_id"] == order["order_id"]
    assert api.pay(order["qr"]["url"], payer).status == 201
    assert api.pay(order["qr"]["url"], payer).status == 409


def test_scan_shows_merchant_and_amount(api: Api) -> None:
    pos = api.merchant_with_pos("Noodle Bar")
    order = api.order(pos, 3300, description="2 bowls")
    scan = api.request("POST", "/v1/payer/scan", {"code": order["qr"]["payload"]}).json()
    assert scan["kind"] == "order" and scan["amount"] == 3300 and scan["currency"] == "CNY"
    assert scan["merchant"]["name"] == "Noodle Bar" and scan["expires_at"] == order["expires_at"]


def test_refunds_partial_multiple_and_over(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer(balance=10_000)
    order = api.order(pos, 5000)
    assert api.pay(order["qr"]["payload"], payer).status == 201
    path = f"/v1/orders/{order['order_id']}/refunds"
    first = api.terminal(pos, "POST", path, {"amount": 1000})
    assert first.status == 201 and first.json()["status"] == "partially_refunded"
    assert api.terminal(pos, "POST", path, {"amount": 1500}).json()["refunded_amount"] == 2500
    over = api.terminal(pos, "POST", path, {"amount": 2501})
    assert over.status == 409 and over.code == "refund_exceeds_paid"
    last = api.terminal(pos, "POST", path, {"amount": 2500})
    assert last.json()["status"] == "refunded"
    assert api.terminal(pos, "POST", path, {"amount": 1}).status == 409
    view = api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}").json()
    assert view["refunded_amount"] == 5000 and len(view["refunds"]) == 3
    api.ledger_ok()


def test_refund_of_unpaid_order_refused(api: Api) -> None:
    pos = api.merchant_with_pos()
    order = api.order(pos, 100)
    reply = api.terminal(pos, "POST", f"/v1/orders/{order['order_id']}/refunds", {"amount": 1})
    assert reply.status == 409 and reply.code == "order_not_refundable"


def test_cancel(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos, 700)
    cancelled = api.terminal(pos, "POST", f"/v1/orders/{order['order_id']}/cancel")
    assert cancelled.status == 200 and cancelled.json()["status"] == "cancelled"
    assert api.pay(order["qr"]["payload"], payer).status == 409
    again = api.terminal(pos, "POST", f"/v1/orders/{order['order_id']}/cancel")
    assert again.status == 409
    paid_order = api.order(pos, 700)
    api.pay(paid_order["qr"]["payload"], payer)
    assert api.terminal(pos, "POST", f"/v1/orders/{paid_order['order_id']}/cancel").status == 409


def test_expiry_with_injected_clock(api: Api, clock) -> None:
    pos, payer = api.merchant_with_pos(), api.customer(balance=1000)
    order = api.order(pos, 100, expires_in=60)
    clock.advance(61)
    assert api.pay(order["qr"]["payload"], payer).status == 410
    assert api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}").json()["status"] == "expired"
    # The sweep expires orders nobody looked at.
    other = api.order(pos, 100, expires_in=60)
    clock.advance(61)
    assert api.admin("POST", "/v1/admin/orders/sweep").json()["expired"] == 1
    assert api.terminal(pos, "GET", f"/v1/orders/{other['order_id']}").json()["status"] == "expired"
    assert api.pay(other["qr"]["url"], payer).status == 410
    api.ledger_ok()


def test_qr_images(api: Api) -> None:
    pos = api.merchant_with_pos()
    order = api.order(pos)
    png = api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}/qr.png")
    assert (
        png.status == 200 and png.body.startswith(b"\x89PNG") and png.headers["Content-Type"] == "image/png"
    )
    svg = api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}/qr.svg")
    assert svg.status == 200 and b"<svg" in svg.body


def test_events_stream_until_final(api: Api, clock) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos, 100, expires_in=60)
    clock.advance(61)  # the stream's first poll sweeps it: pending → expired ends the stream at once
    stream = api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}/events")
    assert stream.status == 200 and stream.headers["Content-Type"].startswith("text/event-stream")
    events = [json.loads(line[6:]) for line in stream.body.decode().splitlines() if line.startswith("data: ")]
    assert [e["status"] for e in events] == ["expired"]
    paid = api.order(pos, 100)
    api.pay(paid["qr"]["payload"], payer)
    body = api.terminal(pos, "GET", f"/v1/orders/{paid['order_id']}/events").body.decode()
    assert "event: status" in body and '"status":"paid"' in body


def test_terminal_sees_only_masks(api: Api) -> None:
    """SPEC §6.6: no payer account number, mobile or name reaches the merchant."""
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos, 100)
    api.pay(order["qr"]["payload"], payer)
    seen = [
        api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}").body,
        api.terminal(pos, "POST", f"/v1/orders/{order['order_id']}/refunds", {"amount": 50}).body,
        api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}/events").body,
    ]
    view = json.loads(seen[0])
    assert view["payment"]["payer"] == "****" + payer.account_number[-4:]
    for body in seen:
        assert payer.account_number.encode() not in body
        assert payer.mobile.encode() not in body and b"Zhang" not in body


def test_other_merchant_cannot_see_order(api: Api) -> None:
    pos, other = api.merchant_with_pos(), api.merchant_with_pos("Other")
    order = api.order(pos)
    assert api.terminal(other, "GET", f"/v1/orders/{order['order_id']}").status == 404


def test_balance_prompts(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer(balance=10_000)
    order = api.order(pos, 1234)
    session = api.pay(order["qr"]["payload"], payer).json()["session_token"]
    api.terminal(pos, "POST", f"/v1/orders/{order['order_id']}/refunds", {"amount": 234})
    notes = api.request("GET", "/v1/payer/notifications", headers={"Authorization": f"Bearer {session}"})
    assert notes.status == 200
    items = notes.json()["notifications"]
    assert [(n["kind"], n["amount"], n["balance"]) for n in items[:3]] == [
        ("refund", 234, 9000),
        ("payment", -1234, 8766),
        ("funding", 10_000, 10_000),
    ]
    assert (
        items[0]["account"] == "****" + payer.account_number[-4:] and items[0]["counterparty"] == "Test Shop"
    )
    assert (
        api.request("GET", "/v1/payer/notifications", headers={"Authorization": "Bearer nope"}).status == 401
    )
