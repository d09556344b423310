"""ATM cardless withdrawal (ATM terminal): open a session and follow it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

from .. import validation as v
from ..auth import runtime, terminal_required
from ..idempotency import idempotent
from ..services import withdrawals

bp = Blueprint("atm", __name__, url_prefix="/v1/atm")


@bp.post("/withdrawals")
@terminal_required("atm")
@idempotent
def open_withdrawal() -> Any:
    """Open a withdrawal session and its signed withdrawal code (amount optional)."""
    data = v.body()
    return withdrawals.open_session(runtime(), g.terminal, v.amount(data, required=False)), 201


@bp.get("/withdrawals/<withdrawal_id>")
@terminal_required("atm")
def get_withdrawal(withdrawal_id: str) -> Any:
    """A withdrawal session's status."""
    return withdrawals.get(runtime(), g.terminal, withdrawal_id)
