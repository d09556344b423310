"""The state machines of every flow, in one place: which transitions exist (and nothing else may happen).

Orders (merchant-presented, SPEC §4.3)::

    pending ─pay→ paid ─refund→ partially_refunded ─refund→ refunded
       ├─cancel→ cancelled                └──────refund (the rest)──→ refunded
       └─expire→ expired

Charges (customer-presented; the next issue implements the flow on top of this table)::

    (new) → succeeded | requires_confirmation | declined
    requires_confirmation ─confirm→ succeeded | ─decline/expire→ declined
    succeeded ─close→ closed ;  succeeded ─reverse→ reversed  (a reverse of an unknown reference → tombstone)

ATM withdrawals (holds: authorize places a hold; dispensed posts it, reverse voids it)::

    awaiting_scan ─authorize→ authorized ─dispensed→ completed (partial: post part, release rest)
         ├─expire→ expired           ├─reverse→ reversed (void the hold)
         └─decline→ declined         └─deadline passes without advice→ suspect (hold kept)
    suspect ─dispensed→ completed ;  suspect ─reverse→ reversed   (reconciliation)

Holds: pending → posted | voided, exactly once (``services.ledger``).
"""

from __future__ import annotations

from ..problems import ApiError

ORDER: dict[str, dict[str, str]] = {
    "pending": {"pay": "paid", "cancel": "cancelled", "expire": "expired"},
    "paid": {"refund_part": "partially_refunded", "refund_all": "refunded"},
    "partially_refunded": {"refund_part": "partially_refunded", "refund_all": "refunded"},
}

CHARGE: dict[str, dict[str, str]] = {
    "new": {"succeed": "succeeded", "ask": "requires_confirmation", "decline": "declined"},
    "requires_confirmation": {"confirm": "succeeded", "decline": "declined", "expire": "declined"},
    "succeeded": {"close": "closed", "reverse": "reversed"},
}

WITHDRAWAL: dict[str, dict[str, str]] = {
    "awaiting_scan": {"authorize": "authorized", "expire": "expired", "decline": "declined"},
    "authorized": {"dispensed": "completed", "reverse": "reversed", "deadline": "suspect"},
    "suspect": {"dispensed": "completed", "reverse": "reversed"},
}

FINAL_ORDER_STATES = frozenset({"paid", "partially_refunded", "refunded", "cancelled", "expired"})


def next_state(machine: dict[str, dict[str, str]], state: str, event: str, *, code: str = "conflict") -> str:
    """The state after ``event``. :raises ApiError: ``code`` (409) when ``state`` does not allow it."""
    target = machine.get(state, {}).get(event)
    if target is None:
        raise ApiError(code, f"cannot {event.replace('_', ' ')} in state {state}")
    return target
