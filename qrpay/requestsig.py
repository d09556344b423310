"""``QRPAY-HMAC-SHA256`` request signatures: how a terminal proves who it is to the server (SPEC §4.2).

The one implementation, used by :class:`qrpay.client.TerminalClient` to sign and by the server to verify::

    Authorization: QRPAY-HMAC-SHA256 key=<key_id>,ts=<unix seconds>,nonce=<random>,sig=<sig>

    sig = base64url_nopad(HMAC-SHA256(secret as UTF-8, canonical))
    canonical = METHOD "\\n" PATH "\\n" ts "\\n" nonce "\\n" hex(SHA-256(body))

``PATH`` is the request path including ``?query`` when there is one. The server additionally refuses a
timestamp more than :data:`MAX_SKEW_SECONDS` away from its clock (both directions) and a nonce it has seen
before for the same key; those checks need state and live in the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from .errors import ExpiredError, ParseError, SignatureError

SCHEME = "QRPAY-HMAC-SHA256"
MAX_SKEW_SECONDS = 300

_NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SIG = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_TS = re.compile(r"^[0-9]{1,12}$")


@dataclass(frozen=True)
class Authorization:
    """The parsed parameters of an ``Authorization: QRPAY-HMAC-SHA256 …`` header."""

    key_id: str
    ts: int
    nonce: str
    sig: str


def body_digest(body: bytes) -> str:
    """Hex SHA-256 of the raw request body (of ``b""`` when there is none)."""
    return hashlib.sha256(body).hexdigest()


def canonical_request(method: str, path: str, ts: int, nonce: str, body: bytes) -> bytes:
    """The exact bytes that are signed: ``METHOD\\nPATH\\nts\\nnonce\\nhex(sha256(body))``."""
    return f"{method.upper()}\n{path}\n{ts}\n{nonce}\n{body_digest(body)}".encode()


def sign(secret: str, canonical: bytes) -> str:
    """The unpadded base64url HMAC-SHA256 of ``canonical`` under the terminal ``secret``."""
    mac = hmac.new(secret.encode(), canonical, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def new_nonce() -> str:
    """A fresh random nonce (128 bits, base64url)."""
    return secrets.token_urlsafe(16)


def authorization_header(
    key_id: str,
    secret: str,
    method: str,
    path: str,
    body: bytes,
    *,
    ts: int | None = None,
    nonce: str | None = None,
) -> str:
    """Build the ``Authorization`` header value for one request (``ts``/``nonce`` default to now/random)."""
    ts = int(time.time()) if ts is None else int(ts)
    nonce = new_nonce() if nonce is None else nonce
    sig = sign(secret, canonical_request(method, path, ts, nonce, body))
    return f"{SCHEME} key={key_id},ts={ts},nonce={nonce},sig={sig}"


def parse_authorization(header: str) -> Authorization:
    """Parse an ``Authorization`` header of this scheme.

    :raises ParseError: ``bad_authorization`` when it is another scheme or any parameter is missing or
    malformed.
    """
    scheme, _, params = (header or "").strip().partition(" ")
    if scheme != SCHEME:
        raise ParseError(f"not a {SCHEME} authorization", code="bad_authorization")
    values: dict[str, str] = {}
    for item in params.split(","):
        name, sep, value = item.strip().partition("=")
        if not sep or name in values:
            raise ParseError("malformed authorization parameters", code="bad_authorization")
        values[name] = value
    if set(values) != {"key", "ts", "nonce", "sig"}:
        raise ParseError("authorization needs exactly key, ts, nonce and sig", code="bad_authorization")
    checks = ((_KEY_ID, "key"), (_TS, "ts"), (_NONCE, "nonce"), (_SIG, "sig"))
    for pattern, name in checks:
        if not pattern.match(values[name]):
            raise ParseError(f"malformed authorization parameter {name}", code="bad_authorization")
    return Authorization(values["key"], int(values["ts"]), values["nonce"], values["sig"])


def verify(
    secret: str,
    auth: Authorization,
    method: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
    max_skew: int = MAX_SKEW_SECONDS,
) -> None:
    """Check the signature (constant-time) and the timestamp window of a parsed authorization.

    The nonce's single use is the caller's job (it needs storage).

    :raises SignatureError: the signature does not match this request and secret.
    :raises ExpiredError: the timestamp is more than ``max_skew`` seconds from ``now``, either way.
    """
    expected = sign(secret, canonical_request(method, path, auth.ts, auth.nonce, body))
    if not hmac.compare_digest(expected.encode(), auth.sig.encode()):
        raise SignatureError("request signature does not match")
    current = time.time() if now is None else now
    if abs(current - auth.ts) > max_skew:
        raise ExpiredError("request timestamp outside the allowed window")
