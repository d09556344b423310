"""Brute force (SPEC §4.2): 3 consecutive or 10 cumulative wrong answers freeze the alias until unfrozen."""

from __future__ import annotations

from .support import Api


def test_three_wrong_dynamic_passwords_freeze(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos, 100)
    for _ in range(3):
        challenge = api.dynamic_password(payer, amount=100)
        wrong = dict(challenge, code="000000" if challenge["code"] != "000000" else "111111")
        assert api.pay(order["qr"]["payload"], payer, wrong).status == 401
    right = api.dynamic_password(payer, amount=100)  # no SMS to a frozen alias …
    refused = api.pay(order["qr"]["payload"], payer, {**right, "code": "123456"})
    assert refused.status == 403 and refused.code == "frozen"
    static = api.pay(order["qr"]["payload"], payer)  # … and even the right password is refused
    assert static.status == 403 and static.code == "frozen"
    assert api.admin("POST", f"/v1/admin/customers/{payer.customer_id}/unfreeze").status == 200
    assert api.pay(order["qr"]["payload"], payer, api.dynamic_password(payer, amount=100)).status == 201


def test_ten_cumulative_failures_freeze(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    wrong = {"method": "static_password", "password": "wrong"}
    for round_ in range(5):
        order = api.order(pos, 10)
        assert api.pay(order["qr"]["payload"], payer, wrong).status == 401
        assert api.pay(order["qr"]["payload"], payer, wrong).status == 401
        if round_ < 4:
            assert api.pay(order["qr"]["payload"], payer).status == 201  # success resets the streak only
    order = api.order(pos, 10)
    assert api.pay(order["qr"]["payload"], payer).status == 403
    api.admin("POST", f"/v1/admin/customers/{payer.customer_id}/unfreeze")
    assert api.pay(order["qr"]["payload"], payer).status == 201


def test_no_enumeration(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer()
    order = api.order(pos, 10)
    wrong_password = api.pay(order["qr"]["payload"], payer, {"method": "static_password", "password": "nope"})
    ghost = api.request(
        "POST",
        "/v1/payer/payments",
        {
            "code": order["qr"]["payload"],
            "mobile": "13900000000",
            "account_alias": "999999",
            "verification": {"method": "static_password", "password": "nope"},
        },
    )
    assert (wrong_password.status, wrong_password.json()) == (ghost.status, ghost.json())
    challenge = api.request(
        "POST",
        "/v1/payer/challenges",
        {
            "mobile": "13900000000",
            "account_alias": "999999",
            "method": "dynamic_password",
            "purpose": "payment",
        },
    )
    assert challenge.status == 201 and set(challenge.json()) == {"challenge_id", "expires_at"}


def test_sms_rate_limit(app, api: Api) -> None:
    app.extensions["qrpay"].settings["QRPAY_SMS_RATE"] = (2, 300)
    payer = api.customer()
    payload = {
        "mobile": payer.mobile,
        "account_alias": payer.alias,
        "method": "dynamic_password",
        "purpose": "payment",
    }
    assert [api.request("POST", "/v1/payer/challenges", payload).status for _ in range(3)] == [201, 201, 429]
