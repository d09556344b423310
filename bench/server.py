"""Server benchmark: order + payment flows per second against a real ``qrpay serve`` on loopback.

    python bench/server.py [--quick] [--clients 8] [--seconds 10] [--workers 2] [--database-url URL]

Starts gunicorn through ``qrpay serve`` (development mode, SQLite in a temporary folder unless
``--database-url`` says otherwise), seeds one merchant, one POS and one payer per client through the admin
API, then runs two phases with the same clients over keep-alive connections:

1. **flows**: POS ``POST /v1/orders`` → payer ``POST /v1/payer/challenges`` (USB key) → payer signs with its
   Ed25519 key → ``POST /v1/payer/payments``. Durable commits, real verification, real ledger postings.
2. **ceiling**: ``GET /v1/health``, a bare JSON endpoint of the same app and server.

It prints flows/s, requests/s, p50/p99 latency per request kind, and the flow request rate as a ratio of the
ceiling (target: ≥ 50 %, p99 ≤ 25 ms). Everything stays on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qrpay.client import transaction_digest, usb_key_message
from qrpay.requestsig import authorization_header


class Connection:
    """One keep-alive HTTP/1.1 connection; returns (status, json, seconds)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, float]:
        data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        all_headers.update(headers or {})
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data if body is not None else None, headers=all_headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        elapsed = time.perf_counter() - start
        return response.status, (json.loads(raw) if raw else None), elapsed


def pg_schema(url: str | None, *, create: bool, name: str | None = None) -> str | None:
    """A throwaway PostgreSQL schema for one run (created, or dropped when ``create`` is false)."""
    if not url or not url.startswith("postgresql"):
        return None
    import psycopg

    name = name or f"qrpay_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"' if create else f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    return name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    port: int,
    workers: int,
    instance: Path,
    database_url: str | None,
    admin_token: str,
    schema: str | None = None,
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QRPAY_")}
    env |= {
        "QRPAY_ENV": "development",
        "QRPAY_INSTANCE_PATH": str(instance),
        "QRPAY_ADMIN_TOKEN": admin_token,
    }
    if database_url:
        env["QRPAY_DATABASE_URL"] = database_url
    if schema:
        env["QRPAY_DATABASE_SCHEMA"] = schema
    qrpay = str(Path(sys.executable).with_name("qrpay"))
    log = (instance / "server.log").open("w")
    proc = subprocess.Popen(
        [qrpay, "serve", "--port", str(port), "--workers", str(workers), "--threads", "4"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"server exited; see {instance / 'server.log'}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 60 s")


def seed(port: int, admin_token: str, clients: int) -> dict[str, Any]:
    conn = Connection(port)
    admin = {"Authorization": f"Bearer {admin_token}"}

    def post(path: str, body: dict[str, Any]) -> Any:
        status, data, _ = conn.call("POST", path, body, admin | {"Idempotency-Key": secrets.token_hex(8)})
        if status >= 300:
            raise SystemExit(f"seeding {path}: {status} {data}")
        return data

    merchant = post(
        "/v1/admin/merchants", {"name": "Bench Tea", "city": "Hangzhou", "country": "CN", "mcc": "5814"}
    )
    pos = post(
        "/v1/admin/terminals", {"kind": "pos", "merchant_id": merchant["merchant_id"], "label": "bench"}
    )
    payers = []
    for i in range(clients):
        account = f"62220202{i:011d}"
        customer = post(
            "/v1/admin/customers",
            {
                "name": f"Payer {i}",
                "mobile": f"1380000{i:04d}",
                "account_number": account,
                "balance": 10_000_000,
                "currency": "CNY",
            },
        )
        key = Ed25519PrivateKey.generate()
        pem = (
            key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
        post(f"/v1/admin/customers/{customer['customer_id']}/usb-keys", {"public_key": pem})
        payers.append({"mobile": f"1380000{i:04d}", "alias": customer["account_alias"], "key": key})
    return {"pos": pos, "payers": payers}


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.flows = 0

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latency.setdefault(kind, []).append(seconds)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def flow_worker(port: int, pos: dict[str, Any], payer: dict[str, Any], rec: Recorder, until: float) -> None:
    conn = Connection(port)
    n = 0
    while time.monotonic() < until:
        n += 1
        body = {"amount": 100, "currency": "CNY", "reference": f"bench-{payer['alias']}-{n}"}
        raw = json.dumps(body, separators=(",", ":")).encode()
        auth = authorization_header(pos["key_id"], pos["secret"], "POST", "/v1/orders", raw)
        status, order, t = conn.call(
            "POST", "/v1/orders", body, {"Authorization": auth, "Idempotency-Key": secrets.token_hex(8)}
        )
        if status != 201:
            rec.error(f"order {status}")
            continue
        rec.add("POST /v1/orders", t)
        flow_start = time.perf_counter() - t
        status, challenge, t = conn.call(
            "POST",
            "/v1/payer/challenges",
            {
                "mobile": payer["mobile"],
                "account_alias": payer["alias"],
                "method": "usb_key",
                "purpose": "payment",
                "amount": 100,
            },
            {"Idempotency-Key": secrets.token_hex(8)},
        )
        if status != 201:
            rec.error(f"challenge {status}")
            continue
        rec.add("POST /v1/payer/challenges", t)
        digest = transaction_digest("payment", order["order_id"], 100, "CNY")
        signature = payer["key"].sign(usb_key_message(challenge["challenge_id"], challenge["nonce"], digest))
        verification = {
            "method": "usb_key",
            "challenge_id": challenge["challenge_id"],
            "signature": base64.urlsafe_b64encode(signature).decode().rstrip("="),
        }
        status, paid, t = conn.call(
            "POST",
            "/v1/payer/payments",
            {
                "code": order["qr"]["payload"],
                "mobile": payer["mobile"],
                "account_alias": payer["alias"],
                "verification": verification,
            },
            {"Idempotency-Key": secrets.token_hex(8)},
        )
        if status not in (200, 201):
            rec.error(f"payment {status} {paid.get('error', {}).get('code') if paid else ''}")
            continue
        rec.add("POST /v1/payer/payments", t)
        rec.add("flow (3 requests)", time.perf_counter() - flow_start)
        with rec.lock:
            rec.flows += 1


def health_worker(port: int, rec: Recorder, until: float) -> None:
    conn = Connection(port)
    while time.monotonic() < until:
        status, _, t = conn.call("GET", "/v1/health")
        if status == 200:
            rec.add("GET /v1/health", t)
        else:
            rec.error(f"health {status}")


def run_phase(target: Any, args_per_client: list[tuple[Any, ...]], seconds: float) -> float:
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=target, args=(*a, until)) for a in args_per_client]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="qrpay server benchmark")
    parser.add_argument("--quick", action="store_true", help="3 s phases (CI smoke run)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    seconds = 3.0 if args.quick else args.seconds
    port = free_port()
    admin_token = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="qrpay-bench-") as folder:
        schema = pg_schema(args.database_url, create=True)
        proc = start_server(port, args.workers, Path(folder), args.database_url, admin_token, schema)
        try:
            fixtures = seed(port, admin_token, args.clients)
            ceiling = Recorder()
            warm_up = Recorder()  # discarded: first requests pay for imports and caches
            run_phase(flow_worker, [(port, fixtures["pos"], p, warm_up) for p in fixtures["payers"]], 1.0)
            flows = Recorder()
            flow_time = run_phase(
                flow_worker, [(port, fixtures["pos"], p, flows) for p in fixtures["payers"]], seconds
            )
            health_time = run_phase(health_worker, [(port, ceiling) for _ in range(args.clients)], seconds)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            pg_schema(args.database_url, create=False, name=schema)
    database = args.database_url.split("://")[0] if args.database_url else "sqlite (WAL, synchronous=FULL)"
    print(
        f"qrpay serve: {args.workers} gunicorn workers × 4 threads, {database}; {args.clients} clients, "
        f"{seconds:.0f} s per phase, loopback"
    )
    flow_requests = sum(len(v) for k, v in flows.latency.items() if k.startswith(("POST", "GET")))
    health_requests = len(ceiling.latency.get("GET /v1/health", []))
    print(f"{'request':<28}{'count':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for kind, values in {**flows.latency, **ceiling.latency}.items():
        print(f"{kind:<28}{len(values):>8}{pct(values, 0.5):>9.2f}{pct(values, 0.99):>9.2f}")
    flow_rps = flow_requests / flow_time
    health_rps = health_requests / health_time
    print(
        f"flows/s {flows.flows / flow_time:.1f}   flow requests/s {flow_rps:.0f}   "
        f"ceiling (GET /v1/health) requests/s {health_rps:.0f}   ratio {flow_rps / health_rps:.0%}"
    )
    if flows.errors or ceiling.errors:
        print(f"errors: {flows.errors | ceiling.errors}")
    all_flow = [v for k, vals in flows.latency.items() if k.startswith("POST") for v in vals]
    if all_flow:
        print(
            f"all flow requests: p50 {pct(all_flow, 0.5):.2f} ms, p99 {pct(all_flow, 0.99):.2f} ms "
            f"(target p99 ≤ 25 ms, ratio ≥ 50 %)"
        )
    return 1 if flows.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
