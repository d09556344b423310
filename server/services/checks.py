"""The invariants of SPEC §6 that the database can prove, for ``GET /v1/admin/ledger/check`` and the tests."""

from __future__ import annotations

from typing import Any

from ..runtime import Runtime
from ..store import ledger as ledger_store
from ..store import orders as order_store


def ledger_check(rt: Runtime) -> dict[str, Any]:
    """Run every check; ``ok`` only when all pass. Each failing check names up to ten offenders."""
    with rt.db.read() as conn:
        total = ledger_store.entries_total(conn)
        results = [
            ("entries_sum_to_zero", total == 0, f"sum of all entries = {total}"),
            _listing("transactions_balanced", ledger_store.unbalanced_transactions(conn)),
            _listing("no_negative_customer_balance", ledger_store.negative_customer_accounts(conn)),
            _listing("balances_match_entries", ledger_store.balance_mismatches(conn)),
            _listing("holds_resolved_once", ledger_store.inconsistent_holds(conn)),
            _listing("orders_paid_at_most_once", order_store.paid_orders_without_one_payment(conn)),
            _listing("refunds_within_paid", order_store.over_refunded_orders(conn)),
        ]
    checks = [{"name": name, "ok": ok, "detail": detail} for name, ok, detail in results]
    return {"ok": all(c["ok"] for c in checks), "checks": checks}


def _listing(name: str, offenders: list[str]) -> tuple[str, bool, str]:
    return name, not offenders, "none" if not offenders else "offending: " + ", ".join(offenders)
