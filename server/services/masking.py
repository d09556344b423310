"""Masks for payer data: what merchants, terminals and pages may see (SPEC §6.6)."""

from __future__ import annotations


def mask_account(account_number: str) -> str:
    """``****1234``: the last four digits only."""
    return "****" + account_number[-4:]


def mask_mobile(mobile: str) -> str:
    """``138****5678``: the first three and last four digits."""
    digits = mobile.lstrip("+")
    if len(digits) <= 7:
        return "****" + digits[-2:]
    return f"{digits[:3]}****{digits[-4:]}"
