"""Development-only routes (not registered in production): the dev SMS gateway's messages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..auth import admin_required, runtime
from ..problems import ApiError
from ..store import challenges as store

bp = Blueprint("dev", __name__, url_prefix="/v1/dev")


@bp.get("/sms")
@admin_required
def sms() -> Any:
    """Messages the dev SMS gateway recorded for ``?mobile=``, newest first."""
    mobile = request.args.get("mobile", "")
    if not mobile or len(mobile) > 21:
        raise ApiError("validation_error", "mobile query parameter required")
    with runtime().db.read() as conn:
        rows = store.sms_for(conn, mobile)
    return {"messages": [{"text": r["text"], "created_at": r["created_at"].isoformat()} for r in rows]}
