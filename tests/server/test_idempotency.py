"""Idempotency-Key (SPEC §4.3): replay, a different body (422), in flight (409), scoped to the caller."""

from __future__ import annotations

import pytest
from qrpay.server.store import idempotency as store

from .support import Api

ORDER = {"amount": 100, "currency": "CNY", "reference": "R"}


def test_replay_returns_stored_response(api: Api) -> None:
    pos = api.merchant_with_pos()
    first = api.terminal(pos, "POST", "/v1/orders", ORDER, headers={"Idempotency-Key": "k1"})
    again = api.terminal(pos, "POST", "/v1/orders", ORDER, headers={"Idempotency-Key": "k1"})
    assert first.status == again.status == 201
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.json() == first.json()


def test_payment_replay_moves_money_once(api: Api) -> None:
    pos, payer = api.merchant_with_pos(), api.customer(balance=1000)
    code = api.order(pos, 100)["qr"]["payload"]
    first = api.pay(code, payer, headers={"Idempotency-Key": "pay-1"})
    again = api.pay(code, payer, headers={"Idempotency-Key": "pay-1"})
    assert (first.status, again.status) == (201, 201) and again.json()["balance"] == 900
    assert again.headers["Idempotent-Replayed"] == "true"
    api.ledger_ok()


def test_same_key_other_body_is_422(api: Api) -> None:
    pos = api.merchant_with_pos()
    api.terminal(pos, "POST", "/v1/orders", ORDER, headers={"Idempotency-Key": "k2"})
    reply = api.terminal(
        pos, "POST", "/v1/orders", dict(ORDER, amount=101), headers={"Idempotency-Key": "k2"}
    )
    assert reply.status == 422 and reply.code == "idempotency_key_reused"


def test_in_flight_is_409_then_runs_when_released(api: Api, app) -> None:
    pos = api.merchant_with_pos()
    rt = app.extensions["qrpay"]
    with rt.inflight.hold(f"terminal:{pos.terminal_id}\nk3") as held:  # the first attempt, still running
        assert held
        busy = api.terminal(pos, "POST", "/v1/orders", ORDER, headers={"Idempotency-Key": "k3"})
        assert busy.status == 409 and busy.code == "idempotency_in_flight"
    # The first attempt ended without an answer (a 5xx, or its worker died): the retry runs, no waiting.
    assert api.terminal(pos, "POST", "/v1/orders", ORDER, headers={"Idempotency-Key": "k3"}).status == 201


def test_in_flight_marker_is_seen_across_processes(app, tmp_path) -> None:
    # Another gunicorn worker is another process: its marker must block this one (SQLite: a POSIX lock).
    import multiprocessing

    rt = app.extensions["qrpay"]
    if not rt.db.is_sqlite:
        pytest.skip(
            "PostgreSQL markers are advisory locks per session; the live concurrency tests cover them"
        )
    ready, release = multiprocessing.Event(), multiprocessing.Event()

    def holder() -> None:
        with rt.inflight.hold("scope\nshared-key") as held:
            assert held
            ready.set()
            release.wait(10)

    child = multiprocessing.get_context("fork").Process(target=holder)
    child.start()
    assert ready.wait(10)
    with rt.inflight.hold("scope\nshared-key") as held:
        assert not held
    release.set()
    child.join(10)
    with rt.inflight.hold("scope\nshared-key") as held:
        assert held


def test_scoped_to_caller(api: Api) -> None:
    pos1, pos2 = api.merchant_with_pos(), api.merchant_with_pos("Two")
    a = api.terminal(pos1, "POST", "/v1/orders", ORDER, headers={"Idempotency-Key": "shared"})
    b = api.terminal(pos2, "POST", "/v1/orders", ORDER, headers={"Idempotency-Key": "shared"})
    assert a.status == b.status == 201 and a.json()["order_id"] != b.json()["order_id"]
    assert "Idempotent-Replayed" not in b.headers


def test_errors_are_replayed_too(api: Api) -> None:
    pos = api.merchant_with_pos()
    order = api.order(pos)
    path = f"/v1/orders/{order['order_id']}/refunds"
    first = api.terminal(pos, "POST", path, {"amount": 1}, headers={"Idempotency-Key": "r1"})
    again = api.terminal(pos, "POST", path, {"amount": 1}, headers={"Idempotency-Key": "r1"})
    assert first.status == again.status == 409 and again.headers["Idempotent-Replayed"] == "true"


class WorkerDied(BaseException):
    """Stands for the process dying mid-request: not an Exception, so no handler turns it into a response."""


def test_a_crash_before_the_answer_is_stored_moves_no_money(api: Api, clock, monkeypatch) -> None:
    # The refund and its stored answer commit in one transaction: a worker that dies between them leaves
    # neither, so the client's retry (after the stale claim is taken over) refunds exactly once.
    pos, payer = api.merchant_with_pos(), api.customer(balance=10_000)
    order = api.order(pos, 5000)
    assert api.pay(order["qr"]["payload"], payer).status == 201
    real_record = store.record

    def die(*args, **kwargs):
        raise WorkerDied

    monkeypatch.setattr(store, "record", die)
    path = f"/v1/orders/{order['order_id']}/refunds"
    try:
        api.terminal(pos, "POST", path, {"amount": 3000}, headers={"Idempotency-Key": "refund-1"})
    except WorkerDied:
        pass
    else:
        raise AssertionError("the simulated crash did not happen")
    monkeypatch.setattr(store, "record", real_record)
    assert api.terminal(pos, "GET", f"/v1/orders/{order['order_id']}").json()["status"] == "paid"
    retry = api.terminal(pos, "POST", path, {"amount": 3000}, headers={"Idempotency-Key": "refund-1"})
    assert retry.status == 201 and retry.json()["refunded_amount"] == 3000
    again = api.terminal(pos, "POST", path, {"amount": 3000}, headers={"Idempotency-Key": "refund-1"})
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["refunded_amount"] == 3000
    api.ledger_ok()
