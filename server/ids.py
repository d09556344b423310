"""Identifiers: a type prefix and 80 random bits, unguessable (pages use them as their only credential)."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    """``prefix_`` + 20 hex digits, e.g. ``ord_3f9c…``."""
    return f"{prefix}_{secrets.token_hex(10)}"
