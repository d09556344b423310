"""``Idempotency-Key`` on every POST that creates or moves something (SPEC §4.3).

Scoped to the caller (admin, a terminal, or a payer's mobile + alias). While a request runs, its key is
marked in flight for every worker (:mod:`.store.inflight`; a concurrent retry gets 409). The view's writes and
its answer (anything below 500) commit together in one unit of work; a retry with the same body gets that
answer again with ``Idempotent-Replayed: true``, the same key with another body is 422. A 5xx rolls the view
back and stores nothing, so the client's retry runs again. A worker that dies mid-request loses its marker
with it and, by construction, committed nothing: the retry simply runs — no waiting for a stale claim.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, g, make_response, request

from .auth import runtime, signed_path
from .errors import response_for
from .problems import ApiError
from .store import idempotency as store

F = TypeVar("F", bound=Callable[..., Any])


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
        with rt.inflight.hold(f"{scope}\n{key}") as mine:
            if not mine:
                raise ApiError(
                    "idempotency_in_flight", "a request with this Idempotency-Key is still running"
                )
            with rt.db.read() as conn:
                row = store.get(conn, scope, key)
            if row is not None:
                if row["request_hash"] != digest:
                    raise ApiError(
                        "idempotency_key_reused", "this Idempotency-Key was used with another request"
                    )
                replay = Response(row["body"], status=row["status_code"], content_type=row["content_type"])
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
            # The view's writes and the stored answer commit together (one unit of work): a crash keeps
            # both or neither, so a retry after a crash replays the answer or runs the request — once.
            with rt.db.unit() as unit:
                try:
                    response = make_response(view(*args, **kwargs))
                except Exception as exc:  # every outcome below 500 is part of the stored answer
                    response = response_for(exc)
                if response.status_code >= 500 or response.is_streamed:
                    unit.abort()  # our failure: nothing is kept, so the client's retry runs again
                else:
                    answer = response.get_data(as_text=True)
                    now = rt.now()
                    rt.db.write(
                        lambda conn: store.record(
                            conn,
                            scope,
                            key,
                            request_hash=digest,
                            status_code=response.status_code,
                            body=answer,
                            content_type=response.content_type or "application/json",
                            now=now,
                        )
                    )
        return response

    return cast(F, wrapper)
