"""Who is calling: admin bearer token, terminal HMAC signatures (SPEC §4.2), payer session tokens.

Terminal checks, in order: a well-formed header, a known unrevoked key, the signature (constant-time), the
timestamp within ±300 s, a nonce never used with this key (stored in the database, so a replay to another
worker
fails too), and finally the key's scope (a POS key cannot drive an ATM route: 403).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import quote

from flask import current_app, g, request

from qrpay import requestsig
from qrpay.errors import ExpiredError, ParseError, QRPayError, SignatureError

from .problems import ApiError
from .runtime import Runtime
from .store import parties

F = TypeVar("F", bound=Callable[..., Any])
SESSION_PURPOSE = "payer-session"


def runtime() -> Runtime:
    """The app's :class:`Runtime`."""
    return cast(Runtime, current_app.extensions["qrpay"])


def admin_required(view: F) -> F:
    """Require ``Authorization: Bearer <QRPAY_ADMIN_TOKEN>`` (compared in constant time)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expected = str(runtime().settings["QRPAY_ADMIN_TOKEN"])
        if scheme != "Bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
            raise ApiError("unauthenticated", "admin bearer token required")
        g.caller = "admin"
        return view(*args, **kwargs)

    return cast(F, wrapper)


def signed_path() -> str:
    """The path (with ``?query``) as the client signed it."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if isinstance(raw, str) and raw.startswith("/"):
        return raw
    path = quote(request.script_root + request.path)
    query = request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def terminal_required(kind: str) -> Callable[[F], F]:
    """Require a valid ``QRPAY-HMAC-SHA256`` signature from a terminal of ``kind`` (``pos`` or ``atm``)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            terminal = authenticate_terminal()
            if terminal["kind"] != kind:
                raise ApiError("scope_forbidden", f"this route needs a {kind} terminal key")
            g.terminal = terminal
            g.caller = f"terminal:{terminal['id']}"
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def authenticate_terminal() -> dict[str, Any]:
    """Check the request's terminal signature and return the terminal. :raises ApiError: 401 codes."""
    rt = runtime()
    header = request.headers.get("Authorization", "")
    try:
        auth = requestsig.parse_authorization(header)
    except ParseError:
        raise ApiError("unauthenticated", f"{requestsig.SCHEME} authorization required") from None
    with rt.db.read() as conn:
        terminal = parties.terminal_by_key(conn, auth.key_id)
    if terminal is None or terminal["revoked_at"] is not None:
        raise ApiError("auth_invalid", "unknown or revoked terminal key")
    now = rt.now()
    try:
        requestsig.verify(
            terminal["secret"],
            auth,
            request.method,
            signed_path(),
            request.get_data(cache=True),
            now=now.timestamp(),
        )
    except SignatureError:
        raise ApiError("auth_invalid", "request signature does not match") from None
    except ExpiredError:
        raise ApiError(
            "auth_expired", "request timestamp is more than 300 s from the server's clock"
        ) from None
    window = timedelta(seconds=2 * requestsig.MAX_SKEW_SECONDS)

    def remember(conn: Any) -> bool:
        if secrets.randbelow(200) == 0:  # now and then, forget nonces too old to pass the timestamp check
            parties.forget_nonces_before(conn, now - window)
        return parties.use_nonce(conn, auth.key_id, auth.nonce, now)

    if not rt.db.write(remember):
        raise ApiError("nonce_reused", "this request nonce was used before")
    return terminal


def payer_session() -> str:
    """The customer id of a ``Bearer`` payer session token. :raises ApiError: ``session_invalid``."""
    rt = runtime()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not token:
        raise ApiError("session_invalid", "a payer session token is required")
    try:
        payload = rt.keys.verify_with_reload(
            lambda ring: ring.loads_token(SESSION_PURPOSE, token, now=rt.now())
        )
    except QRPayError:
        raise ApiError("session_invalid", "invalid or expired session token") from None
    customer_id = payload.get("c")
    if not isinstance(customer_id, str):
        raise ApiError("session_invalid", "invalid session token")
    return customer_id
