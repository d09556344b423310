"""Helpers for the server tests: a settable clock, a signing test-client wrapper, flow shortcuts."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from qrpay.client import _Client
from qrpay.requestsig import authorization_header

ADMIN_TOKEN = "test-admin-token-" + "x" * 32


class FakeClock:
    """The ``QRPAY_CLOCK`` seam: time stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Terminal:
    terminal_id: str
    key_id: str
    secret: str
    merchant_id: str | None = None


@dataclass
class Customer:
    customer_id: str
    mobile: str
    alias: str
    account_number: str
    password: str


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str | None:
        try:
            return str(self.json()["error"]["code"])
        except (ValueError, KeyError, TypeError):
            return None


class Api:
    """Drives the app through the Flask test client, signing terminal requests with the app's clock."""

    def __init__(self, client: Any, clock: FakeClock) -> None:
        self.client = client
        self.clock = clock

    def request(
        self,
        method: str,
        path: str,
        payload: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        body = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        all_headers = {"Content-Type": "application/json"} | (headers or {})
        response = self.client.open(path, method=method, data=body, headers=all_headers)
        return Reply(response.status_code, response.headers, response.get_data())

    def admin(self, method: str, path: str, payload: Any = None, **kw: Any) -> Reply:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} | kw.pop("headers", {})
        return self.request(method, path, payload, headers=headers, **kw)

    def terminal(
        self,
        term: Terminal,
        method: str,
        path: str,
        payload: Any = None,
        *,
        ts: int | None = None,
        nonce: str | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        body = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        ts = int(self.clock().timestamp()) if ts is None else ts
        auth = authorization_header(
            term.key_id, secret or term.secret, method, path, body, ts=ts, nonce=nonce
        )
        return self.request(method, path, headers={"Authorization": auth} | (headers or {}), raw=body)

    # -- shortcuts -------------------------------------------------------------------------------------------
    def merchant_with_pos(self, name: str = "Test Shop") -> Terminal:
        merchant = self.admin(
            "POST", "/v1/admin/merchants", {"name": name, "city": "Shanghai", "country": "CN", "mcc": "5812"}
        )
        assert merchant.status == 201, merchant.body
        merchant_id = merchant.json()["merchant_id"]
        return self.new_terminal("pos", merchant_id)

    def new_terminal(self, kind: str, merchant_id: str | None = None) -> Terminal:
        payload = {"kind": kind, "label": f"{kind} 1"} | ({"merchant_id": merchant_id} if merchant_id else {})
        created = self.admin("POST", "/v1/admin/terminals", payload)
        assert created.status == 201, created.body
        data = created.json()
        return Terminal(data["terminal_id"], data["key_id"], data["secret"], merchant_id)

    def customer(self, balance: int = 1_000_000, password: str = "correct horse") -> Customer:
        mobile = "138" + f"{secrets.randbelow(10**8):08d}"
        account = "62" + f"{secrets.randbelow(10**14):014d}"
        created = self.admin(
            "POST",
            "/v1/admin/customers",
            {
                "name": "Zhang San",
                "mobile": mobile,
                "account_number": account,
                "balance": balance,
                "currency": "CNY",
                "static_password": password,
            },
        )
        assert created.status == 201, created.body
        data = created.json()
        assert data["account_alias"] == account[-6:]
        return Customer(data["customer_id"], mobile, data["account_alias"], account, password)

    def order(self, pos: Terminal, amount: int = 12850, **extra: Any) -> dict[str, Any]:
        created = self.terminal(
            pos, "POST", "/v1/orders", {"amount": amount, "currency": "CNY", "reference": "R-1"} | extra
        )
        assert created.status == 201, created.body
        return dict(created.json())

    def pay(
        self,
        code: str,
        customer: Customer,
        verification: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        verification = verification or {"method": "static_password", "password": customer.password}
        return self.request(
            "POST",
            "/v1/payer/payments",
            {
                "code": code,
                "mobile": customer.mobile,
                "account_alias": customer.alias,
                "verification": verification,
            },
            headers=headers,
        )

    def sms_code(self, mobile: str) -> str:
        messages = self.admin("GET", f"/v1/dev/sms?mobile={mobile}").json()["messages"]
        match = re.search(r"qrpay: (\d{6}) ", messages[0]["text"])
        assert match, messages
        return match.group(1)

    def dynamic_password(
        self, customer: Customer, amount: int | None = None, purpose: str = "payment"
    ) -> dict[str, Any]:
        payload = {
            "mobile": customer.mobile,
            "account_alias": customer.alias,
            "method": "dynamic_password",
            "purpose": purpose,
        } | ({"amount": amount} if amount is not None else {})
        challenge = self.request("POST", "/v1/payer/challenges", payload)
        assert challenge.status == 201, challenge.body
        challenge_id = challenge.json()["challenge_id"]
        return {
            "method": "dynamic_password",
            "challenge_id": challenge_id,
            "code": self.sms_code(customer.mobile),
        }

    def ledger_ok(self) -> dict[str, Any]:
        check = self.admin("GET", "/v1/admin/ledger/check")
        assert check.status == 200
        data = dict(check.json())
        assert data["ok"], data
        return data


# -- a real server process -------------------------------------------------------------------------------------


class AdminClient(_Client):
    """The back office over real HTTP (``Authorization: Bearer <ADMIN_TOKEN>``)."""

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def post(self, path: str, payload: Any) -> Any:
        return self.request("POST", path, payload).raise_for_error().json()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class GunicornServer:
    """``python -m gunicorn`` (gthread workers) in a process group of its own, so a test can SIGKILL the
    master and every worker at once (:meth:`kill`), then :meth:`start` it again on the same database."""

    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int = 2, threads: int = 4) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("QRPAY_")} | env
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def start(self, *, timeout: float = 30) -> str:
        """Start serving and wait for ``/v1/health``; returns the base URL (a fresh port every time)."""
        assert self.process is None, "already running"
        port = free_port()
        command = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(self.workers), "--threads", str(self.threads), "--worker-class", "gthread",
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            "qrpay.server.wsgi:app",
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            log.write(f"--- {' '.join(command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.base_url + "/v1/health", timeout=1) as answer:
                    if answer.status == 200:
                        return self.base_url
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text(errors='replace')}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown, requests die mid-flight."""
        self._signal_group(signal.SIGKILL)

    def stop(self) -> None:
        """Graceful shutdown (SIGTERM), SIGKILL if it takes too long."""
        self._signal_group(signal.SIGTERM, grace=10)

    def _signal_group(self, signum: int, grace: float = 0) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        pgid = process.pid  # start_new_session: the master leads its own group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signum)
        try:
            process.wait(timeout=grace or None)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            process.wait()
        # The workers (re-parented once the master is gone) die of the same signal; wait for the group to go.
        deadline = time.monotonic() + 5
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.02)


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies not counted: nobody may reap them here)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process went away meanwhile
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False
