"""ATM withdrawal sessions: the code an ATM shows, what the payer's scan says, expiry."""

from __future__ import annotations

from .support import Api


def test_open_scan_expire(api: Api, clock) -> None:
    atm, payer = api.new_terminal("atm"), api.customer()
    opened = api.terminal(atm, "POST", "/v1/atm/withdrawals", {"amount": 20000})
    assert opened.status == 201
    session = opened.json()
    assert session["status"] == "awaiting_scan" and session["amount"] == 20000
    scan = api.request("POST", "/v1/payer/scan", {"code": session["qr"]["payload"]}).json()
    assert scan["kind"] == "withdrawal" and scan["withdrawal_id"] == session["withdrawal_id"]
    assert api.pay(session["qr"]["payload"], payer).code == "wrong_purpose"
    clock.advance(121)
    assert (
        api.terminal(atm, "GET", f"/v1/atm/withdrawals/{session['withdrawal_id']}").json()["status"]
        == "expired"
    )


def test_note_size_and_other_atm(api: Api) -> None:
    atm, other = api.new_terminal("atm"), api.new_terminal("atm")
    assert api.terminal(atm, "POST", "/v1/atm/withdrawals", {"amount": 12345}).status == 400
    session = api.terminal(atm, "POST", "/v1/atm/withdrawals", {}).json()
    assert session["amount"] is None
    assert api.terminal(other, "GET", f"/v1/atm/withdrawals/{session['withdrawal_id']}").status == 404
