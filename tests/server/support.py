"""Helpers for the server tests: a settable clock, a signing test-client wrapper, flow shortcuts."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

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
