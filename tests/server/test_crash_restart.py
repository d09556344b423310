"""SPEC §6.4 with a real crash: every 2xx a client received for a money movement survives ``kill -9``.

A real ``gunicorn qrpay.server.wsgi:app`` (2 gthread workers) runs in its own process group. Eight client
threads loop — create an order (POS, signed), pay it (payer), sometimes refund part of it (POS), each POST with
its own ``Idempotency-Key`` — until, after a seeded random delay, the whole process group gets SIGKILL. The
server restarts on the same database (SQLite file / PostgreSQL schema) and the test checks:

* every answer a client got (2xx) is still there: paid orders paid, with the same payment id; acknowledged
  refunds present;
* every request that got no answer, retried with the SAME key and body, either replays the stored answer (its
  first run committed — and then the ledger already showed it) or runs now (it had not — and the ledger showed
  nothing) — never both, never twice;
* then the ledger matches the clients' record exactly: each order's status, payment and refunds; each payer's
  balance (seed − paid + refunded) and the merchant's settlement read straight from the database; money
  neither lost nor created; ``GET /v1/admin/ledger/check`` ok; no order created twice.

Three kill/restart cycles per backend. Retries go out as soon as the server is back: a killed worker's
in-flight markers die with it, so no retry has to wait for anything to go stale.

``QRPAY_CRASH_SEED`` picks another seed (the seed is printed in every failure).
"""

from __future__ import annotations

import http.client
import os
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from qrpay.client import PayerClient, Response, TerminalClient
from qrpay.signing import KeyRing

from .support import ADMIN_TOKEN, AdminClient, GunicornServer

SEED = int(os.environ.get("QRPAY_CRASH_SEED", "6004"))
CYCLES = 3
CLIENT_THREADS = 8
PAYERS = 10
SEED_BALANCE = 10_000_000  # 100,000.00 each
PASSWORD = "crash-pw"
PAID = ("paid", "partially_refunded", "refunded")
NO_ANSWER = (OSError, http.client.HTTPException)  # refused, reset, cut mid-body, timed out


@dataclass
class Order:
    order_id: str
    amount: int
    reference: str
    code: str
    payer: int | None = None
    payment_id: str | None = None
    refunds: dict[str, int] = field(default_factory=dict)  # refund_id → amount

    @property
    def refunded(self) -> int:
        return sum(self.refunds.values())


@dataclass
class Step:
    """One POST a client thread sent, and what it got back (``reply`` None: no answer at all)."""

    kind: str  # order | pay | refund
    path: str
    payload: dict[str, Any]
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    order: Order | None = None
    payer: int | None = None
    reply: Response | None = None
    error: str = ""

    @property
    def answered(self) -> bool:
        # A 5xx releases the key: to the client it is as good as no answer (it retries with the same key).
        return self.reply is not None and self.reply.status < 500

    def describe(self) -> str:
        got = f"{self.reply.status} {self.reply.body[:300]!r}" if self.reply else f"no answer ({self.error})"
        return f"seed {SEED}: {self.kind} POST {self.path} {self.payload} key={self.key} → {got}"


@dataclass
class World:
    """The seeded parties and everything the clients know happened."""

    admin: AdminClient
    pos: TerminalClient
    payer_client: PayerClient
    payers: list[dict[str, str]]  # mobile, alias, customer_id
    merchant_id: str
    orders: list[Order] = field(default_factory=list)

    def point_at(self, base_url: str) -> None:
        for client in (self.admin, self.pos, self.payer_client):
            client.base_url = base_url

    def send(self, step: Step) -> Step:
        client = self.payer_client if step.kind == "pay" else self.pos
        try:
            step.reply = client.request("POST", step.path, step.payload, idempotency_key=step.key)
        except NO_ANSWER as exc:
            step.error = f"{type(exc).__name__}: {exc}"
        return step

    def pay_step(self, order: Order, payer: int) -> Step:
        who = self.payers[payer]
        payload = {
            "code": order.code,
            "mobile": who["mobile"],
            "account_alias": who["alias"],
            "verification": {"method": "static_password", "password": PASSWORD},
        }
        return Step("pay", "/v1/payer/payments", payload, order=order, payer=payer)

    def view(self, order_id: str) -> dict[str, Any]:
        reply = self.pos.request("GET", f"/v1/orders/{order_id}")
        assert reply.status == 200, f"seed {SEED}: GET order {order_id} → {reply.status} {reply.body[:300]!r}"
        return dict(reply.json())

    def views(self, orders: list[Order]) -> list[dict[str, Any]]:
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(lambda o: self.view(o.order_id), orders))


# -- the load ------------------------------------------------------------------------------------------------
def client_thread(
    world: World, rng: random.Random, name: str, steps: list[Step], orders: list[Order]
) -> None:
    """Loop create → pay → 0–2 partial refunds until a request gets no answer (or an unexpected one).

    Appends every step it sent to ``steps`` and every order it created to ``orders``; touches nothing else.
    """
    deadline = time.monotonic() + 60  # only if the kill never comes
    number = 0
    while time.monotonic() < deadline:
        number += 1
        amount = rng.randint(100, 20_000)
        reference = f"{name}-{number}"
        create = world.send(
            Step("order", "/v1/orders", {"amount": amount, "currency": "CNY", "reference": reference})
        )
        steps.append(create)
        if not (create.answered and create.reply and create.reply.status == 201):
            return
        body = create.reply.json()
        order = Order(body["order_id"], amount, reference, body["qr"]["payload"])
        orders.append(order)
        payer = rng.randrange(len(world.payers))
        pay = world.send(world.pay_step(order, payer))
        steps.append(pay)
        if not (pay.answered and pay.reply and pay.reply.status == 201):
            return
        order.payer, order.payment_id = payer, pay.reply.json()["payment_id"]
        for _ in range(rng.choice((0, 0, 1, 2))):
            left = order.amount - order.refunded
            if not left:
                break
            refund_amount = rng.randint(1, left)
            refund = world.send(
                Step("refund", f"/v1/orders/{order.order_id}/refunds", {"amount": refund_amount}, order=order)
            )
            steps.append(refund)
            if not (refund.answered and refund.reply and refund.reply.status == 201):
                return
            order.refunds[refund.reply.json()["refund_id"]] = refund_amount


def load_then_kill(world: World, server: GunicornServer, rng: random.Random, cycle: int) -> list[Step]:
    """Run the client threads, SIGKILL the server mid-flight; returns every step sent."""
    steps: list[list[Step]] = [[] for _ in range(CLIENT_THREADS)]
    orders: list[list[Order]] = [[] for _ in range(CLIENT_THREADS)]
    failures: list[BaseException] = []

    def run(i: int, thread_rng: random.Random) -> None:
        try:
            client_thread(world, thread_rng, f"c{cycle}t{i}", steps[i], orders[i])
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [
        threading.Thread(target=run, args=(i, random.Random(rng.random())), daemon=True)
        for i in range(CLIENT_THREADS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(rng.uniform(1.0, 2.5))
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), f"seed {SEED}: a client thread hung after the kill"
    if failures:
        raise failures[0]
    for per_thread in orders:
        world.orders.extend(per_thread)
    return [step for per_thread in steps for step in per_thread]


# -- the checks ----------------------------------------------------------------------------------------------
def check_acknowledged(world: World) -> None:
    """§6.4 proper, right after the restart: whatever a client was told happened, happened."""
    for order, view in zip(world.orders, world.views(world.orders), strict=True):
        where = f"seed {SEED}: order {order.order_id} after restart: {view}"
        assert view["amount"] == order.amount, where
        if order.payment_id is not None:
            assert view["status"] in PAID, where
            assert view["payment"] and view["payment"]["payment_id"] == order.payment_id, where
        seen = {r["refund_id"]: r["amount"] for r in view["refunds"]}
        missing = {rid: amt for rid, amt in order.refunds.items() if seen.get(rid) != amt}
        assert not missing, f"acknowledged refunds {missing} missing — {where}"
        assert view["refunded_amount"] == sum(seen.values()), where


def retry(world: World, step: Step) -> str:
    """Send an unanswered request again, same key and body: it must replay or run once. Returns which."""
    before = world.view(step.order.order_id) if step.order else None
    again = world.send(Step(step.kind, step.path, step.payload, key=step.key, order=step.order))
    assert again.reply is not None and again.reply.status == 201, (
        f"retry {again.describe()} (first: {step.describe()})"
    )
    body = again.reply.json()
    replayed = again.reply.headers.get("idempotent-replayed") == "true"
    where = f"retry {again.describe()}, order before the retry: {before}"
    if step.kind == "order":
        assert body["amount"] == step.payload["amount"], where
        world.orders.append(
            Order(body["order_id"], body["amount"], step.payload["reference"], body["qr"]["payload"])
        )
    elif step.kind == "pay":
        order = step.order
        assert order is not None and before is not None
        if before["status"] in PAID:  # the lost attempt committed: the retry must only replay it
            assert replayed and body["payment_id"] == before["payment"]["payment_id"], where
        else:  # it did not: the retry pays now, once
            assert before["status"] == "pending" and not replayed, where
        assert body["order_id"] == order.order_id and body["amount"] == order.amount, where
        order.payer, order.payment_id = step.payer, body["payment_id"]
    else:
        order = step.order
        assert order is not None and before is not None
        unknown = {r["refund_id"] for r in before["refunds"]} - set(order.refunds)
        assert len(unknown) <= 1, where
        if unknown:  # the lost attempt committed: replay it, do not refund again
            assert replayed and body["refund_id"] in unknown, where
        else:
            assert not replayed, where
        assert body["amount"] == step.payload["amount"], where
        order.refunds[body["refund_id"]] = step.payload["amount"]
    return "replayed" if replayed else "ran"


def expected_statuses(order: Order) -> tuple[str, ...]:
    if order.payment_id is None:
        return ("pending", "expired")  # an order whose creation was retried; nobody paid it
    if order.refunded == 0:
        return ("paid",)
    return ("refunded",) if order.refunded == order.amount else ("partially_refunded",)


def check_exact(world: World, db: LedgerReader) -> None:
    """After the retries every request has one known outcome: the ledger must match the clients exactly."""
    for order, view in zip(world.orders, world.views(world.orders), strict=True):
        where = f"seed {SEED}: order {order.order_id}: expected {order}, server shows {view}"
        assert view["status"] in expected_statuses(order), where
        assert view["refunded_amount"] == order.refunded, where
        assert {r["refund_id"]: r["amount"] for r in view["refunds"]} == order.refunds, where
        assert (view["payment"] or {}).get("payment_id") == order.payment_id, where

    balances, settlement, duplicates = db.read(world)
    paid, refunded = Counter[int](), Counter[int]()
    for order in world.orders:
        if order.payer is not None:
            paid[order.payer] += order.amount
            refunded[order.payer] += order.refunded
    expected = [SEED_BALANCE - paid[i] + refunded[i] for i in range(PAYERS)]
    assert balances == expected, f"seed {SEED}: payer balances {balances}, clients' record says {expected}"
    assert settlement == paid.total() - refunded.total(), f"seed {SEED}: merchant settlement {settlement}"
    assert sum(balances) + settlement == PAYERS * SEED_BALANCE, f"seed {SEED}: money created or lost"
    assert not duplicates, f"seed {SEED}: orders created twice: {duplicates}"
    check = world.admin.request("GET", "/v1/admin/ledger/check")
    assert check.status == 200 and check.json()["ok"], f"seed {SEED}: {check.body!r}"


class LedgerReader:
    """Reads balances straight from the database: the API shows no account balances to the back office."""

    def __init__(self, env: dict[str, str]) -> None:
        self.url = env["QRPAY_DATABASE_URL"]
        schema = env.get("QRPAY_DATABASE_SCHEMA")
        self.connect_args = {"options": f"-csearch_path={schema}"} if schema else {}

    def read(self, world: World) -> tuple[list[int], int, list[str]]:
        engine = create_engine(self.url, connect_args=self.connect_args)
        try:
            with engine.connect() as conn:
                by_customer = dict(
                    conn.execute(
                        text("SELECT c.id, a.balance FROM customers c JOIN accounts a ON a.id = c.account_id")
                    ).all()
                )
                settlement = conn.execute(
                    text(
                        "SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE kind = 'merchant' AND owner_id = :m"
                    ),
                    {"m": world.merchant_id},
                ).scalar_one()
                duplicates = conn.execute(
                    text("SELECT reference FROM orders GROUP BY reference HAVING COUNT(*) > 1")
                ).all()
        finally:
            engine.dispose()
        balances = [int(by_customer[p["customer_id"]]) for p in world.payers]
        return balances, int(settlement), [str(row[0]) for row in duplicates]


# -- the test ------------------------------------------------------------------------------------------------
def seed(base_url: str) -> World:
    admin = AdminClient(base_url, timeout=30)
    merchant = admin.post(
        "/v1/admin/merchants", {"name": "Crash Shop", "city": "Shanghai", "country": "CN", "mcc": "5812"}
    )
    terminal = admin.post(
        "/v1/admin/terminals", {"kind": "pos", "label": "till", "merchant_id": merchant["merchant_id"]}
    )
    payers = []
    for i in range(PAYERS):
        mobile, account = f"137{i:08d}", f"6217{i:012d}"
        created = admin.post(
            "/v1/admin/customers",
            {
                "name": f"Payer {i}",
                "mobile": mobile,
                "account_number": account,
                "balance": SEED_BALANCE,
                "currency": "CNY",
                "static_password": PASSWORD,
            },
        )
        payers.append(
            {"mobile": mobile, "alias": created["account_alias"], "customer_id": created["customer_id"]}
        )
    pos = TerminalClient(base_url, terminal["key_id"], terminal["secret"], timeout=30)
    return World(admin, pos, PayerClient(base_url, timeout=30), payers, merchant["merchant_id"])


@pytest.fixture
def crash_server(tmp_path: Path, backend: dict[str, Any]) -> Iterator[tuple[GunicornServer, dict[str, str]]]:
    env = {
        "QRPAY_ENV": "development",
        "QRPAY_INSTANCE_PATH": str(tmp_path / "instance"),
        "QRPAY_ADMIN_TOKEN": ADMIN_TOKEN,
        "QRPAY_SIGNING_KEYS": KeyRing.generate().to_config(),
        "QRPAY_SCRYPT_N": "16",
        # The default daily limit (5,000.00) would stop the load; this test is about durability, not limits.
        "QRPAY_LIMITS": '{"static_password": {"day": 1000000000000, "month": 1000000000000}}',
        "QRPAY_DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
        **{k: str(v) for k, v in backend.items()},
    }
    server = GunicornServer(env, tmp_path / "gunicorn.log", workers=2, threads=4)
    try:
        yield server, env
    finally:
        server.stop()


def test_acknowledged_money_survives_kill_9(crash_server: tuple[GunicornServer, dict[str, str]]) -> None:
    server, env = crash_server
    rng = random.Random(SEED)
    world = seed(server.start())
    db = LedgerReader(env)
    outcomes: Counter[str] = Counter()
    for cycle in range(1, CYCLES + 1):
        steps = load_then_kill(world, server, rng, cycle)
        unexpected = [s.describe() for s in steps if s.answered and s.reply and s.reply.status >= 300]
        assert not unexpected, unexpected
        lost = [s for s in steps if not s.answered]
        outcomes["acknowledged"] += len(steps) - len(lost)
        assert len(steps) - len(lost) > 20, (
            f"seed {SEED}: too little load before the kill: {len(steps)} steps"
        )

        world.point_at(server.start())
        check_acknowledged(world)
        for step in lost:
            outcomes[step.error.split(":")[0] or f"status {step.reply.status if step.reply else '?'}"] += 1
            outcomes[f"{step.kind} {retry(world, step)}"] += 1
        check_exact(world, db)
    print(f"seed {SEED}: {len(world.orders)} orders; {dict(outcomes)}")
