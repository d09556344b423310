"""ATM cardless withdrawal (SPEC §4.3): the ATM opens a session and shows its signed withdrawal code.

Implemented now: opening a session and reading it (with expiry). Designed for what follows, on
:data:`services.states.WITHDRAWAL` and the ledger's holds: the payer's authorization places a hold
(``ledger.place_hold``) and moves ``awaiting_scan → authorized``; the ATM's ``dispensed`` advice posts the
hold to the ATM's cash account (``ledger.post_hold``; a partial dispense posts what was dispensed and
releases the rest); ``reverse`` voids it; a missing advice past the deadline makes the session ``suspect``
with its hold kept. Every advice is a compare-and-set on the status, so a retried advice changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from qrpay.codes import issue_withdrawal_code

from ..ids import new_id
from ..problems import ApiError
from ..runtime import Runtime
from ..store import withdrawals as store

NOTE_SIZE = 10_000  # minor units: 100.00, the default note size
WITHDRAWAL_TTL_SECONDS = 120  # SPEC §3.2: a withdrawal code lives 2 minutes by default


def view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "withdrawal_id": row["id"],
        "status": row["status"],
        "amount": row["amount"],
        "currency": row["currency"],
        "qr": {"payload": row["code_payload"]},
        "expires_at": row["expires_at"].isoformat(),
    }


def open_session(rt: Runtime, terminal: dict[str, Any], amount: int | None) -> dict[str, Any]:
    """Open a withdrawal session and its code. :raises ApiError: amount not a multiple of the note size."""
    if amount is not None and amount % NOTE_SIZE:
        raise ApiError("validation_error", f"amount must be a multiple of {NOTE_SIZE} (the note size)")
    now = rt.now()
    withdrawal_id = new_id("wdr")
    currency = str(rt.settings.get("QRPAY_ATM_CURRENCY", "CNY"))
    expires_at = (now + timedelta(seconds=WITHDRAWAL_TTL_SECONDS)).replace(microsecond=0)
    payload = issue_withdrawal_code(
        rt.keys.ring(),
        session_ref=withdrawal_id,
        atm_id=terminal["id"][-20:],
        atm_label=terminal["label"],
        city=(terminal["location"] or "ATM")[:15],
        country_code=str(rt.settings.get("QRPAY_ATM_COUNTRY", "CN")),
        currency=currency,
        amount_minor=amount,
        expires_at=expires_at,
        now=now,
    )
    row = {
        "id": withdrawal_id, "terminal_id": terminal["id"], "status": "awaiting_scan", "amount": amount,
        "currency": currency, "code_payload": payload, "customer_id": None, "hold_id": None,
        "expires_at": expires_at, "created_at": now, "updated_at": now,
    }  # fmt: skip
    rt.db.write(lambda conn: store.insert_withdrawal(conn, row))
    return view(row)


def get(rt: Runtime, terminal: dict[str, Any], withdrawal_id: str) -> dict[str, Any]:
    """A session of this ATM, expired first if its code's time has passed."""
    with rt.db.read() as conn:
        row = store.get_withdrawal(conn, withdrawal_id)
    if row is None or row["terminal_id"] != terminal["id"]:
        raise ApiError("not_found", "no such withdrawal")
    now = rt.now()
    if row["status"] == "awaiting_scan" and now >= row["expires_at"]:
        rt.db.write(
            lambda conn: store.set_status(
                conn, withdrawal_id, status="expired", now=now, expect=("awaiting_scan",)
            )
        )
        row["status"] = "expired"
    return view(row)
