"""``Idempotency-Key`` on every POST that creates or moves something (SPEC §4.3).

Scoped to the caller (admin, a terminal, or a payer's mobile + alias). The first request claims the key in a
transaction of its own (so a concurrent retry sees it in flight: 409); the view's writes and its answer
(anything below 500) then commit together in one unit of work. A retry with the same body gets that answer
again with ``Idempotent-Replayed: true``; the same key with another body is 422. A 5xx rolls the view back
and releases the key so the client's retry runs again. A claim left by a crashed worker — whose writes, by
construction, never committed — can be taken over after :data:`STALE_SECONDS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, g, make_response, request

from .auth import runtime, signed_path
from .errors import response_for
from .problems import ApiError
from .store import idempotency as store

F = TypeVar("F", bound=Callable[..., Any])
STALE_SECONDS = 60


def _scope() -> str:
    caller = g.get("caller")
    if caller:
        return str(caller)
    data = request.get_json(silent=True, cache=True)
    if (
        isinstance(data, dict)
        and isinstance(data.get("mobile"), str)
        and isinstance(data.get("account_alias"), str)
    ):
        who = hashlib.sha256(f"{data['mobile']}|{data['account_alias']}".encode()).hexdigest()[:40]
        return f"payer:{who}"
    return "payer:anonymous"


def idempotent(view: F) -> F:
    """Make a POST view idempotent under the ``Idempotency-Key`` header (optional; no header, no memory)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return view(*args, **kwargs)
        if len(key) > 100 or not key.isprintable():
            raise ApiError("validation_error", "Idempotency-Key must be at most 100 printable characters")
        rt = runtime()
        scope = _scope()
        digest = hashlib.sha256(
            b"\n".join([request.method.encode(), signed_path().encode(), request.get_data(cache=True)])
        ).hexdigest()
        now = rt.now()
        if not rt.db.write(lambda conn: store.claim(conn, scope, key, digest, now)):
            with rt.db.read() as conn:
                row = store.get(conn, scope, key)
            if row is None or row["request_hash"] != digest:
                if row is None:
                    raise ApiError("idempotency_in_flight", "retry this request")
                raise ApiError("idempotency_key_reused", "this Idempotency-Key was used with another request")
            if row["state"] == "done":
                replay = Response(row["body"], status=row["status_code"], content_type=row["content_type"])
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
            stale = now - timedelta(seconds=STALE_SECONDS)
            if not rt.db.write(lambda conn: store.take_over(conn, scope, key, stale, now)):
                raise ApiError(
                    "idempotency_in_flight", "a request with this Idempotency-Key is still running"
                )
        # The view's writes and the stored answer commit together (one unit of work): a crash either keeps
        # both or neither, so a retry after a crash can never move money a second time.
        with rt.db.unit() as unit:
            try:
                response = make_response(view(*args, **kwargs))
            except Exception as exc:  # every outcome below 500 is part of the stored answer
                response = response_for(exc)
            if response.status_code >= 500 or response.is_streamed:
                unit.abort()
            else:
                body = response.get_data(as_text=True)
                rt.db.write(
                    lambda conn: store.finish(
                        conn,
                        scope,
                        key,
                        response.status_code,
                        body,
                        response.content_type or "application/json",
                    )
                )
        if response.status_code >= 500 or response.is_streamed:
            rt.db.write(lambda conn: store.release(conn, scope, key))
        return response

    return cast(F, wrapper)
