"""The OpenAPI 3.1 document of ``/v1``, served at ``GET /v1/openapi.json`` (a test pins it to the routes)."""

from __future__ import annotations

from typing import Any

from .problems import STATUS

_INT = {"type": "integer", "description": "minor units (12850 = 128.50)"}
_STR = {"type": "string"}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


_VERIFICATION = {
    "oneOf": [
        _obj(
            ["method", "challenge_id", "code"],
            method={"const": "dynamic_password"},
            challenge_id=_STR,
            code=_STR,
        ),
        _obj(["method", "password"], method={"const": "static_password"}, password=_STR),
        _obj(["method", "code"], method={"const": "otp_token"}, code=_STR),
        _obj(
            ["method", "challenge_id", "signature"],
            method={"const": "usb_key"},
            challenge_id=_STR,
            signature={
                "type": "string",
                "description": "base64url signature over qrpay.client.usb_key_message",
            },
        ),
    ]
}
_ORDER = _obj(
    ["order_id", "status", "amount", "currency", "expires_at", "qr"],
    order_id=_STR,
    status={"enum": ["pending", "paid", "partially_refunded", "refunded", "expired", "cancelled"]},
    amount=_INT,
    currency=_STR,
    reference=_STR,
    refunded_amount=_INT,
    expires_at=_STR,
    qr=_obj(["payload", "url"], payload=_STR, url=_STR),
    payment={"description": "payer shown as a masked account only"},
    refunds={"type": "array"},
)

_WITHDRAWAL = _obj(
    ["withdrawal_id", "status", "currency", "qr", "expires_at"],
    withdrawal_id=_STR,
    status={
        "enum": ["awaiting_scan", "authorized", "completed", "reversed", "expired", "declined", "suspect"]
    },
    amount=_INT,
    currency=_STR,
    qr=_obj(["payload"], payload=_STR),
    expires_at=_STR,
)

# (method, path, auth, summary, request body schema, success status, response schema)
OPERATIONS: list[tuple[str, str, str, str, dict[str, Any] | None, int, dict[str, Any]]] = [
    ("get", "/v1/openapi.json", "none", "This document", None, 200, {"type": "object"}),
    (
        "get",
        "/v1/health",
        "none",
        "Liveness (a bare JSON endpoint)",
        None,
        200,
        _obj(["ok"], ok={"type": "boolean"}),
    ),
    (
        "post",
        "/v1/admin/customers",
        "admin",
        "Open a customer",
        _obj(
            ["name", "mobile", "account_number", "balance", "currency"],
            name=_STR,
            mobile=_STR,
            account_number=_STR,
            balance=_INT,
            currency=_STR,
            static_password=_STR,
            balance_prompt={"type": "boolean"},
        ),
        201,
        _obj(["customer_id", "account_alias"], customer_id=_STR, account_alias=_STR),
    ),
    (
        "post",
        "/v1/admin/customers/{customer_id}/otp-tokens",
        "admin",
        "Enrol a TOTP hardware token",
        None,
        201,
        _obj(
            ["token_id", "secret"],
            token_id=_STR,
            secret={"type": "string", "description": "base32, shown once"},
        ),
    ),
    (
        "post",
        "/v1/admin/customers/{customer_id}/usb-keys",
        "admin",
        "Enrol a USB key",
        _obj(["public_key"], public_key={"type": "string", "description": "PEM, Ed25519 or ECDSA P-256"}),
        201,
        _obj(["key_id"], key_id=_STR),
    ),
    (
        "post",
        "/v1/admin/customers/{customer_id}/unfreeze",
        "admin",
        "Unfreeze an alias",
        None,
        200,
        _obj(["customer_id", "frozen"], customer_id=_STR, frozen={"type": "boolean"}),
    ),
    (
        "post",
        "/v1/admin/merchants",
        "admin",
        "Register a merchant",
        _obj(
            ["name", "city", "country", "mcc"], name=_STR, city=_STR, country=_STR, mcc=_STR, webhook_url=_STR
        ),
        201,
        _obj(["merchant_id", "webhook_secret"], merchant_id=_STR, webhook_secret=_STR),
    ),
    (
        "post",
        "/v1/admin/terminals",
        "admin",
        "Register a POS or ATM terminal",
        _obj(["kind", "label"], kind={"enum": ["pos", "atm"]}, merchant_id=_STR, label=_STR, location=_STR),
        201,
        _obj(["terminal_id", "key_id", "secret"], terminal_id=_STR, key_id=_STR, secret=_STR),
    ),
    (
        "post",
        "/v1/admin/terminals/{terminal_id}/revoke",
        "admin",
        "Revoke a terminal key",
        None,
        200,
        _obj(["terminal_id", "revoked"], terminal_id=_STR, revoked={"type": "boolean"}),
    ),
    (
        "post",
        "/v1/admin/keys/rotate",
        "admin",
        "Rotate the code-signing key ring",
        None,
        201,
        _obj(["key_id", "key_ids"], key_id=_STR, key_ids={"type": "array", "items": _STR}),
    ),
    (
        "get",
        "/v1/admin/ledger/check",
        "admin",
        "Check the invariants of SPEC §6",
        None,
        200,
        _obj(
            ["ok", "checks"],
            ok={"type": "boolean"},
            checks={
                "type": "array",
                "items": _obj(["name", "ok", "detail"], name=_STR, ok={"type": "boolean"}, detail=_STR),
            },
        ),
    ),
    (
        "post",
        "/v1/admin/orders/sweep",
        "admin",
        "Expire due pending orders now",
        None,
        200,
        _obj(["expired"], expired={"type": "integer"}),
    ),
    (
        "get",
        "/v1/dev/sms",
        "admin",
        "Development only: recorded SMS for ?mobile=, newest first",
        None,
        200,
        _obj(
            ["messages"],
            messages={"type": "array", "items": _obj(["text", "created_at"], text=_STR, created_at=_STR)},
        ),
    ),
    (
        "post",
        "/v1/orders",
        "pos",
        "Create an order and its order code",
        _obj(
            ["amount", "currency", "reference"],
            amount=_INT,
            currency=_STR,
            reference=_STR,
            description=_STR,
            expires_in={"type": "integer", "description": "seconds (default 300)"},
        ),
        201,
        _ORDER,
    ),
    ("get", "/v1/orders/{order_id}", "pos", "Read an order", None, 200, _ORDER),
    ("get", "/v1/orders/{order_id}/qr.png", "pos", "The order code as PNG", None, 200, {"type": "string"}),
    ("get", "/v1/orders/{order_id}/qr.svg", "pos", "The order code as SVG", None, 200, {"type": "string"}),
    (
        "get",
        "/v1/orders/{order_id}/events",
        "pos",
        "Server-sent status events until final",
        None,
        200,
        {"type": "string", "description": "text/event-stream; event `status`, data = the order"},
    ),
    ("post", "/v1/orders/{order_id}/cancel", "pos", "Cancel a pending order", None, 200, _ORDER),
    (
        "post",
        "/v1/orders/{order_id}/refunds",
        "pos",
        "Refund part or all of a paid order",
        _obj(["amount"], amount=_INT),
        201,
        _obj(
            ["refund_id", "amount", "refunded_amount", "status"],
            refund_id=_STR,
            order_id=_STR,
            amount=_INT,
            refunded_amount=_INT,
            status=_STR,
        ),
    ),
    (
        "post",
        "/v1/atm/withdrawals",
        "atm",
        "Open a cardless withdrawal session and its code",
        _obj([], amount=_INT),
        201,
        _WITHDRAWAL,
    ),
    (
        "get",
        "/v1/atm/withdrawals/{withdrawal_id}",
        "atm",
        "A withdrawal session's status",
        None,
        200,
        _WITHDRAWAL,
    ),
    (
        "post",
        "/v1/payer/scan",
        "none",
        "Verify and describe a scanned code",
        _obj(["code"], code=_STR),
        200,
        _obj(
            ["kind", "amount", "currency", "expires_at"],
            kind={"enum": ["order", "withdrawal"]},
            merchant={"type": "object"},
            atm={"type": "object"},
            amount=_INT,
            currency=_STR,
            expires_at=_STR,
        ),
    ),
    (
        "post",
        "/v1/payer/challenges",
        "none",
        "Request a dynamic password (SMS) or a USB-key nonce",
        _obj(
            ["mobile", "account_alias", "method", "purpose"],
            mobile=_STR,
            account_alias=_STR,
            method={"enum": ["dynamic_password", "usb_key"]},
            purpose={"enum": ["payment", "withdrawal", "payment_code", "charge_confirmation"]},
            amount=_INT,
        ),
        201,
        _obj(["challenge_id", "expires_at"], challenge_id=_STR, expires_at=_STR, nonce=_STR),
    ),
    (
        "post",
        "/v1/payer/payments",
        "none",
        "Pay an order (verified payer)",
        _obj(
            ["code", "mobile", "account_alias", "verification"],
            code=_STR,
            mobile=_STR,
            account_alias=_STR,
            verification=_VERIFICATION,
        ),
        201,
        _obj(
            ["payment_id", "order_id", "status", "amount", "balance"],
            payment_id=_STR,
            order_id=_STR,
            status={"const": "succeeded"},
            amount=_INT,
            balance=_INT,
            session_token=_STR,
        ),
    ),
    (
        "get",
        "/v1/payer/notifications",
        "session",
        "Balance prompts, newest first",
        None,
        200,
        _obj(["notifications"], notifications={"type": "array"}),
    ),
]

_SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "admin": [{"admin": []}],
    "pos": [{"terminal": []}],
    "atm": [{"terminal": []}],
    "session": [{"payerSession": []}],
    "none": [],
}
_IDEMPOTENT = {p for m, p, *_ in OPERATIONS if m == "post"} - {"/v1/payer/scan", "/v1/admin/orders/sweep"}


def document(development: bool) -> dict[str, Any]:
    """The OpenAPI document; development-only routes are listed only in development mode."""
    paths: dict[str, Any] = {}
    for method, path, auth, summary, request_schema, status, response_schema in OPERATIONS:
        if path.startswith("/v1/dev/") and not development:
            continue
        params = [
            {"name": name.strip("{}"), "in": "path", "required": True, "schema": _STR}
            for name in path.split("/")
            if name.startswith("{")
        ]
        if path in _IDEMPOTENT and method == "post":
            params.append({"name": "Idempotency-Key", "in": "header", "required": False, "schema": _STR})
        operation: dict[str, Any] = {
            "summary": summary,
            "security": _SECURITY[auth],
            "parameters": params,
            "responses": {
                str(status): {
                    "description": "success",
                    "content": {"application/json": {"schema": response_schema}},
                },
                "default": {"$ref": "#/components/responses/Error"},
            },
        }
        if request_schema is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": request_schema}},
            }
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "qrpay",
            "version": "1",
            "description": "QR scan-to-pay server. Amounts are integers in minor units.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "admin": {"type": "http", "scheme": "bearer"},
                "payerSession": {"type": "http", "scheme": "bearer"},
                "terminal": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "QRPAY-HMAC-SHA256 key=…,ts=…,nonce=…,sig=… (SPEC §4.2)",
                },
            },
            "responses": {
                "Error": {
                    "description": "error; codes and statuses: "
                    + ", ".join(f"{code}={status}" for code, status in sorted(STATUS.items())),
                    "content": {
                        "application/json": {
                            "schema": _obj(
                                ["error"], error=_obj(["code", "message"], code=_STR, message=_STR)
                            )
                        }
                    },
                }
            },
        },
    }
