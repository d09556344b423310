"""The ledger service (SPEC §4.1): balanced transactions, holds resolved exactly once, no overdraft."""

from __future__ import annotations

import pytest
from qrpay.server.problems import ApiError
from qrpay.server.services import ledger
from qrpay.server.services.checks import ledger_check
from qrpay.server.store import ledger as store
from qrpay.server.store import outbox

from qrpay.errors import InsufficientFunds

from .support import Api


def _balance(rt, account_id: str) -> int:
    with rt.db.read() as conn:
        return int(store.get_account(conn, account_id)["balance"])


@pytest.fixture
def world(app, api: Api):
    rt = app.extensions["qrpay"]
    payer = api.customer(balance=10_000)
    atm = api.new_terminal("atm")
    account = f"cst_{payer.customer_id}"
    cash = rt.db.write(lambda conn: ledger.atm_cash_account(conn, atm.terminal_id, "CNY", rt.now()))
    return rt, payer, account, cash


def test_partial_post_releases_the_rest(world) -> None:
    rt, _payer, account, cash = world
    hold = rt.db.write(
        lambda c: ledger.place_hold(
            c,
            account_id=account,
            amount=3000,
            currency="CNY",
            reference="w1",
            now=rt.now(),
            counterparty="ATM",
        )
    )
    assert _balance(rt, account) == 7000
    rt.db.write(lambda c: ledger.post_hold(c, hold, amount=2000, destination=cash, now=rt.now()))
    assert (_balance(rt, account), _balance(rt, cash)) == (8000, 2000)
    with pytest.raises(ApiError):
        rt.db.write(lambda c: ledger.post_hold(c, hold, amount=1000, destination=cash, now=rt.now()))
    with pytest.raises(ApiError):
        rt.db.write(lambda c: ledger.void_hold(c, hold, now=rt.now()))
    assert (_balance(rt, account), _balance(rt, cash)) == (8000, 2000)
    assert ledger_check(rt)["ok"]


def test_void_returns_everything_once(world) -> None:
    rt, _payer, account, _cash = world
    hold = rt.db.write(
        lambda c: ledger.place_hold(
            c, account_id=account, amount=10_000, currency="CNY", reference="w2", now=rt.now()
        )
    )
    rt.db.write(lambda c: ledger.void_hold(c, hold, now=rt.now()))
    with pytest.raises(ApiError):
        rt.db.write(lambda c: ledger.void_hold(c, hold, now=rt.now()))
    assert _balance(rt, account) == 10_000
    assert ledger_check(rt)["ok"]


def test_no_overdraft_and_balance_prompts(world) -> None:
    rt, payer, account, _cash = world
    with pytest.raises(InsufficientFunds):
        rt.db.write(
            lambda c: ledger.place_hold(
                c, account_id=account, amount=10_001, currency="CNY", reference="w3", now=rt.now()
            )
        )
    rt.db.write(
        lambda c: ledger.place_hold(
            c, account_id=account, amount=1, currency="CNY", reference="w4", now=rt.now()
        )
    )
    with rt.db.read() as conn:
        prompts = outbox.for_customer(conn, payer.customer_id)
    assert [p["payload"]["kind"] for p in prompts] == ["hold", "funding"]  # the failed hold wrote nothing
    assert prompts[0]["payload"]["balance"] == 9999


def test_unbalanced_postings_refused(world) -> None:
    rt, _payer, account, cash = world
    with pytest.raises(ValueError, match="unbalanced"):
        rt.db.write(
            lambda c: ledger.record(
                c, kind="x", reference="r", now=rt.now(), postings=[(account, -1), (cash, 2)]
            )
        )
