"""Terminal request signatures (SPEC §4.2): wrong secret, skew, replay, revocation, scope."""

from __future__ import annotations

from .support import Api

ORDER = {"amount": 100, "currency": "CNY", "reference": "R"}


def test_good_signature(api: Api) -> None:
    assert api.terminal(api.merchant_with_pos(), "POST", "/v1/orders", ORDER).status == 201


def test_missing_or_malformed_header(api: Api) -> None:
    for header in (
        "",
        "Bearer x",
        "QRPAY-HMAC-SHA256 key=a",
        "QRPAY-HMAC-SHA256 key=a,ts=x,nonce=abcdefgh,sig=s",
    ):
        reply = api.request("POST", "/v1/orders", ORDER, headers={"Authorization": header})
        assert reply.status == 401, header


def test_wrong_secret(api: Api) -> None:
    reply = api.terminal(api.merchant_with_pos(), "POST", "/v1/orders", ORDER, secret="not-the-secret")
    assert reply.status == 401 and reply.code == "auth_invalid"


def test_body_tampered_after_signing(api: Api) -> None:
    pos = api.merchant_with_pos()
    from qrpay.requestsig import authorization_header

    auth = authorization_header(
        pos.key_id, pos.secret, "POST", "/v1/orders", b'{"amount": 100}', ts=int(api.clock().timestamp())
    )
    reply = api.request("POST", "/v1/orders", ORDER, headers={"Authorization": auth})
    assert reply.status == 401


def test_clock_skew(api: Api) -> None:
    pos = api.merchant_with_pos()
    now = int(api.clock().timestamp())
    assert api.terminal(pos, "POST", "/v1/orders", ORDER, ts=now - 301).code == "auth_expired"
    assert api.terminal(pos, "POST", "/v1/orders", ORDER, ts=now + 301).code == "auth_expired"
    assert api.terminal(pos, "POST", "/v1/orders", ORDER, ts=now - 299).status == 201


def test_replayed_nonce(api: Api) -> None:
    pos = api.merchant_with_pos()
    assert api.terminal(pos, "POST", "/v1/orders", ORDER, nonce="nonce-0001").status == 201
    replay = api.terminal(pos, "POST", "/v1/orders", ORDER, nonce="nonce-0001")
    assert replay.status == 401 and replay.code == "nonce_reused"


def test_unknown_and_revoked_key(api: Api) -> None:
    pos = api.merchant_with_pos()
    from .support import Terminal

    assert api.terminal(Terminal("t", "tk_unknown", "s"), "POST", "/v1/orders", ORDER).status == 401
    assert api.admin("POST", f"/v1/admin/terminals/{pos.terminal_id}/revoke").status == 200
    reply = api.terminal(pos, "POST", "/v1/orders", ORDER)
    assert reply.status == 401 and reply.code == "auth_invalid"


def test_scope_atm_key_on_pos_route(api: Api) -> None:
    atm = api.new_terminal("atm")
    reply = api.terminal(atm, "POST", "/v1/orders", ORDER)
    assert reply.status == 403 and reply.code == "scope_forbidden"


def test_query_string_is_signed(api: Api) -> None:
    pos = api.merchant_with_pos()
    order = api.order(pos)
    assert api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}?x=1").status == 200
    from qrpay.requestsig import authorization_header

    auth = authorization_header(
        pos.key_id,
        pos.secret,
        "GET",
        f"/v1/orders/{order['order_id']}?x=1",
        b"",
        ts=int(api.clock().timestamp()),
    )
    reply = api.request("GET", f"/v1/orders/{order['order_id']}?x=2", headers={"Authorization": auth})
    assert reply.status == 401


def test_admin_token(api: Api) -> None:
    payload = {"name": "M", "city": "C", "country": "CN", "mcc": "5812"}
    assert api.request("POST", "/v1/admin/merchants", payload).status == 401
    assert (
        api.request("POST", "/v1/admin/merchants", payload, headers={"Authorization": "Bearer wrong"}).status
        == 401
    )


def test_scope_pos_key_on_atm_route(api: Api) -> None:
    pos, atm = api.merchant_with_pos(), api.new_terminal("atm")
    reply = api.terminal(pos, "POST", "/v1/atm/withdrawals", {"amount": 10000})
    assert reply.status == 403 and reply.code == "scope_forbidden"
    assert api.terminal(atm, "POST", "/v1/atm/withdrawals", {"amount": 10000}).status == 201
