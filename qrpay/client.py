"""HTTP clients for a qrpay server: :class:`TerminalClient` (POS, ATM, backend) and :class:`PayerClient`.

Standard library only (``urllib``), so the library needs no HTTP dependency. Every POST that creates or moves
something gets an ``Idempotency-Key`` (a fresh one unless the caller passes its own to retry safely).

USB-key verification (SPEC §4.2): the payer's device signs exactly the bytes of :func:`usb_key_message`::

    QRPAY-USB-V1 "\\n" challenge_id "\\n" nonce "\\n" transaction_digest

where ``nonce`` is the challenge's nonce as returned by ``POST /v1/payer/challenges`` and
``transaction_digest`` is :func:`transaction_digest` — hex SHA-256 of
``purpose "\\n" target "\\n" amount "\\n" currency`` (``target`` is the order id for a payment, the
withdrawal id
for a withdrawal, the charge id for a charge confirmation, empty for a payment code; ``amount`` in minor
units).
The signature is Ed25519 (64 raw bytes) or ECDSA P-256 with SHA-256 (DER), sent base64url (padding optional).
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from .errors import QRPayError
from .requestsig import authorization_header

USB_KEY_CONTEXT = "QRPAY-USB-V1"


def transaction_digest(purpose: str, target: str, amount_minor: int, currency: str) -> str:
    """Hex SHA-256 of what a USB key authorizes: purpose, target id, amount (minor units), currency."""
    return hashlib.sha256(f"{purpose}\n{target}\n{amount_minor}\n{currency}".encode()).hexdigest()


def usb_key_message(challenge_id: str, nonce: str, digest: str) -> bytes:
    """The exact bytes a USB key signs for one challenge and one transaction digest."""
    return f"{USB_KEY_CONTEXT}\n{challenge_id}\n{nonce}\n{digest}".encode()


class ServerError(QRPayError):
    """The server answered with an error; ``code`` is the server's error code, ``status`` the HTTP status."""

    code = "server_error"

    def __init__(self, message: str, *, code: str, status: int) -> None:
        super().__init__(message, code=code)
        self.status = status


@dataclass(frozen=True)
class Response:
    """One HTTP answer: status, headers (lower-case names) and the raw body."""

    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def raise_for_error(self) -> Response:
        """Return self, or raise :class:`ServerError` for a 4xx/5xx.

        :raises ServerError: with the server's error code and message.
        """
        if self.status < 400:
            return self
        try:
            error = self.json()["error"]
            code, message = str(error["code"]), str(error["message"])
        except (ValueError, KeyError, TypeError):
            code, message = "http_error", self.body[:200].decode("utf-8", "replace")
        raise ServerError(f"{self.status} {code}: {message}", code=code, status=self.status)


class _Client:
    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        return {}

    def request(
        self,
        method: str,
        path: str,
        payload: Any = None,
        *,
        idempotency_key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request (``payload`` as JSON) and return the :class:`Response`, whatever its status."""
        body = b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode()
        all_headers = {"Accept": "application/json"}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        if idempotency_key:
            all_headers["Idempotency-Key"] = idempotency_key
        all_headers.update(self._headers(method, path, body))
        all_headers.update(headers or {})
        req = urllib.request.Request(  # noqa: S310 - base_url is the caller's configured server
            self.base_url + path, data=body if method != "GET" else None, method=method, headers=all_headers
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:  # noqa: S310
                return Response(
                    answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
                )
        except urllib.error.HTTPError as exc:
            with exc:
                return Response(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())

    def _call(
        self, method: str, path: str, payload: Any = None, *, idempotency_key: str | None = None
    ) -> Any:
        if method == "POST" and idempotency_key is None:
            idempotency_key = str(uuid.uuid4())
        return self.request(method, path, payload, idempotency_key=idempotency_key).raise_for_error().json()


class TerminalClient(_Client):
    """A POS / ATM / merchant backend: every request is signed with the terminal's key (SPEC §4.2)."""

    def __init__(self, base_url: str, key_id: str, secret: str, *, timeout: float = 10.0) -> None:
        super().__init__(base_url, timeout=timeout)
        self.key_id = key_id
        self._secret = secret

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        return {"Authorization": authorization_header(self.key_id, self._secret, method, path, body)}

    def create_order(
        self,
        amount: int,
        currency: str,
        reference: str,
        *,
        description: str | None = None,
        expires_in: int | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Create an order; returns ``{order_id, status, amount, currency, expires_at, qr}``."""
        payload: dict[str, Any] = {"amount": amount, "currency": currency, "reference": reference}
        if description is not None:
            payload["description"] = description
        if expires_in is not None:
            payload["expires_in"] = expires_in
        return self._call("POST", "/v1/orders", payload, idempotency_key=idempotency_key)

    def get_order(self, order_id: str) -> Any:
        return self._call("GET", f"/v1/orders/{order_id}")

    def order_qr(self, order_id: str, fmt: str = "png") -> bytes:
        """The order's code as PNG or SVG bytes."""
        return self.request("GET", f"/v1/orders/{order_id}/qr.{fmt}").raise_for_error().body

    def cancel_order(self, order_id: str, *, idempotency_key: str | None = None) -> Any:
        return self._call("POST", f"/v1/orders/{order_id}/cancel", {}, idempotency_key=idempotency_key)

    def refund(self, order_id: str, amount: int, *, idempotency_key: str | None = None) -> Any:
        return self._call(
            "POST", f"/v1/orders/{order_id}/refunds", {"amount": amount}, idempotency_key=idempotency_key
        )


class PayerClient(_Client):
    """The bank app: scans codes, asks for challenges, pays. Verification objects are plain dicts."""

    def scan(self, code: str) -> Any:
        """What a scanned code is (verified by the server): kind, merchant or ATM, amount, expiry."""
        return self._call("POST", "/v1/payer/scan", {"code": code}, idempotency_key="")

    def challenge(
        self, mobile: str, account_alias: str, method: str, purpose: str, amount: int | None = None
    ) -> Any:
        """Request a challenge (SMS dynamic password or USB-key nonce); returns ``{challenge_id, …}``."""
        payload: dict[str, Any] = {
            "mobile": mobile,
            "account_alias": account_alias,
            "method": method,
            "purpose": purpose,
        }
        if amount is not None:
            payload["amount"] = amount
        return self._call("POST", "/v1/payer/challenges", payload)

    def pay(
        self,
        code: str,
        mobile: str,
        account_alias: str,
        verification: dict[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> Any:
        """Pay the order behind ``code``; returns ``{payment_id, order_id, status, amount, balance}``."""
        payload = {
            "code": code,
            "mobile": mobile,
            "account_alias": account_alias,
            "verification": verification,
        }
        return self._call("POST", "/v1/payer/payments", payload, idempotency_key=idempotency_key)

    def notifications(self, session_token: str) -> Any:
        """Balance prompts for the payer of ``session_token``, newest first."""
        return (
            self.request(
                "GET", "/v1/payer/notifications", headers={"Authorization": f"Bearer {session_token}"}
            )
            .raise_for_error()
            .json()
        )
