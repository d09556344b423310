"""Request parsing: the JSON body and typed fields. Anything malformed is a 400, never a 500."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from qrpay.currency import currency as lookup_currency
from qrpay.errors import ParseError

from .problems import ApiError

MAX_AMOUNT = 10**12  # minor units; far above any tier, far below a 64-bit overflow


def body() -> dict[str, Any]:
    """The request's JSON object (``{}`` for an empty body). :raises ApiError: ``invalid_json``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError("invalid_json", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError("invalid_json", "the body must be a JSON object")
    return data


def amount(data: dict[str, Any], name: str = "amount", *, required: bool = True, minimum: int = 1) -> Any:
    """A positive integer amount in minor units."""
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_AMOUNT:
        raise ApiError(
            "validation_error", f"{name} must be an integer from {minimum} to {MAX_AMOUNT} (minor units)"
        )
    return value


def integer(data: dict[str, Any], name: str, *, low: int, high: int, required: bool = False) -> Any:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ApiError("validation_error", f"{name} must be an integer from {low} to {high}")
    return value


def string(
    data: dict[str, Any],
    name: str,
    *,
    max_len: int = 200,
    pattern: str | None = None,
    required: bool = True,
) -> Any:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise ApiError(
            "validation_error", f"{name} must be a non-empty string of at most {max_len} characters"
        )
    if pattern is not None and not re.fullmatch(pattern, value):
        raise ApiError("validation_error", f"{name} is malformed")
    return value


def choice(data: dict[str, Any], name: str, options: tuple[str, ...]) -> str:
    value = data.get(name)
    if value not in options:
        raise ApiError("validation_error", f"{name} must be one of {', '.join(options)}")
    return str(value)


def boolean(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise ApiError("validation_error", f"{name} must be true or false")
    return value


def currency_code(data: dict[str, Any], name: str = "currency") -> str:
    value = string(data, name, max_len=3, pattern=r"[A-Z]{3}")
    try:
        return lookup_currency(value).alpha
    except ParseError:
        raise ApiError("validation_error", f"unknown currency {value}") from None


MOBILE = r"\+?[0-9]{6,20}"
ALIAS = r"[0-9A-Za-z]{6}"
