"""Races against a real ``gunicorn qrpay.server.wsgi:app`` process (several workers and threads).

SQLite serializes money writes with ``BEGIN IMMEDIATE``; PostgreSQL with row locks. Either way, of fifty
payers exactly one pays, and fifty refunds never exceed the paid amount.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from qrpay.client import PayerClient, TerminalClient, _Client
from qrpay.signing import KeyRing

from .support import ADMIN_TOKEN


class Admin(_Client):
    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def post(self, path: str, payload: Any) -> Any:
        return self.request("POST", path, payload).raise_for_error().json()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Any, backend: dict[str, Any]) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QRPAY_")} | {
        "QRPAY_ENV": "development",
        "QRPAY_INSTANCE_PATH": str(tmp_path / "instance"),
        "QRPAY_ADMIN_TOKEN": ADMIN_TOKEN,
        "QRPAY_SIGNING_KEYS": KeyRing.generate().to_config(),
        "QRPAY_SCRYPT_N": "16",
        **backend,
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "2",
        "--threads",
        "8",
        "--worker-class",
        "gthread",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "qrpay.server.wsgi:app",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/v1/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"gunicorn did not start:\n{output}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def _setup(base: str, customers: int, balance: int) -> tuple[Admin, TerminalClient, list[dict[str, str]]]:
    admin = Admin(base)
    merchant = admin.post(
        "/v1/admin/merchants", {"name": "Race Shop", "city": "Shanghai", "country": "CN", "mcc": "5812"}
    )
    term = admin.post(
        "/v1/admin/terminals", {"kind": "pos", "label": "till", "merchant_id": merchant["merchant_id"]}
    )
    payers = []
    for i in range(customers):
        account = f"6200{os.getpid() % 1000:03d}{i:09d}"
        created = admin.post(
            "/v1/admin/customers",
            {
                "name": f"Payer {i}",
                "mobile": f"139{i:08d}",
                "account_number": account,
                "balance": balance,
                "currency": "CNY",
                "static_password": "pw",
            },
        )
        payers.append({"mobile": f"139{i:08d}", "alias": created["account_alias"]})
    return admin, TerminalClient(base, term["key_id"], term["secret"]), payers


def _ledger_ok(admin: Admin) -> None:
    check = admin.request("GET", "/v1/admin/ledger/check").raise_for_error().json()
    assert check["ok"], check


def test_fifty_payers_one_order(live_server: str) -> None:
    admin, pos, payers = _setup(live_server, 50, 10_000)
    order = pos.create_order(2500, "CNY", "race-1")
    payer_client = PayerClient(live_server, timeout=60)

    def attempt(payer: dict[str, str]) -> int:
        reply = payer_client.request(
            "POST",
            "/v1/payer/payments",
            {
                "code": order["qr"]["payload"],
                "mobile": payer["mobile"],
                "account_alias": payer["alias"],
                "verification": {"method": "static_password", "password": "pw"},
            },
        )
        return reply.status

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(attempt, payers))
    assert statuses == Counter({201: 1, 409: 49}), statuses
    assert pos.get_order(order["order_id"])["status"] == "paid"
    _ledger_ok(admin)


def test_fifty_refunds_never_exceed_paid(live_server: str) -> None:
    admin, pos, payers = _setup(live_server, 1, 10_000)
    order = pos.create_order(5000, "CNY", "race-2")
    PayerClient(live_server).pay(
        order["qr"]["payload"],
        payers[0]["mobile"],
        payers[0]["alias"],
        {"method": "static_password", "password": "pw"},
    )

    def attempt(_: int) -> int:
        return pos.request("POST", f"/v1/orders/{order['order_id']}/refunds", {"amount": 150}).status

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(attempt, range(50)))
    assert statuses == Counter({201: 33, 409: 17}), statuses
    final = pos.get_order(order["order_id"])
    assert final["refunded_amount"] == 33 * 150 <= 5000 and final["status"] == "partially_refunded"
    _ledger_ok(admin)
