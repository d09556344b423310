from __future__ import annotations

from .support import Api


def test_order_flow_static_password(api: Api) -> None:
    pos = api.merchant_with_pos()
    payer = api.customer(balance=50_000)
    order = api.order(pos, 12850)
    assert order["status"] == "pending"
    scan = api.request("POST", "/v1/payer/scan", {"code": order["qr"]["payload"]})
    assert scan.status == 200, scan.body
    paid = api.pay(order["qr"]["payload"], payer)
    assert paid.status == 201, paid.body
    assert paid.json()["balance"] == 50_000 - 12850
    api.ledger_ok()
