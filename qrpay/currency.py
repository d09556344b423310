"""ISO 4217 currencies: alpha code, numeric code (what EMV field 53 carries) and minor units.

Only currencies that payment QR formats in the wild use are listed; an unknown code is a ``ParseError`` with
code ``bad_value`` rather than a guess at its minor units.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import ParseError


@dataclass(frozen=True)
class Currency:
    alpha: str
    numeric: str
    minor_units: int


_TABLE = [
    Currency("AUD", "036", 2),
    Currency("BRL", "986", 2),
    Currency("CAD", "124", 2),
    Currency("CHF", "756", 2),
    Currency("CNY", "156", 2),
    Currency("EUR", "978", 2),
    Currency("GBP", "826", 2),
    Currency("HKD", "344", 2),
    Currency("IDR", "360", 2),
    Currency("INR", "356", 2),
    Currency("JPY", "392", 0),
    Currency("KHR", "116", 2),
    Currency("KRW", "410", 0),
    Currency("MYR", "458", 2),
    Currency("MXN", "484", 2),
    Currency("MOP", "446", 2),
    Currency("NZD", "554", 2),
    Currency("PHP", "608", 2),
    Currency("SGD", "702", 2),
    Currency("THB", "764", 2),
    Currency("TWD", "901", 2),
    Currency("USD", "840", 2),
    Currency("VND", "704", 0),
    Currency("ZAR", "710", 2),
    Currency("AED", "784", 2),
    Currency("SAR", "682", 2),
    Currency("KES", "404", 2),
    Currency("NGN", "566", 2),
    Currency("PKR", "586", 2),
    Currency("BDT", "050", 2),
    Currency("LKR", "144", 2),
    Currency("NPR", "524", 2),
    Currency("LAK", "418", 2),
    Currency("MMK", "104", 2),
    Currency("PEN", "604", 2),
    Currency("COP", "170", 2),
    Currency("CLP", "152", 0),
    Currency("ARS", "032", 2),
    Currency("TRY", "949", 2),
    Currency("PLN", "985", 2),
    Currency("SEK", "752", 2),
    Currency("NOK", "578", 2),
    Currency("DKK", "208", 2),
    Currency("CZK", "203", 2),
    Currency("HUF", "348", 2),
    Currency("RUB", "643", 2),
    Currency("KZT", "398", 2),
    Currency("UZS", "860", 2),
]
_BY_CODE = {c.alpha: c for c in _TABLE} | {c.numeric: c for c in _TABLE}


def currency(code: str) -> Currency:
    """Look a currency up by ISO 4217 alpha (``"CNY"``) or numeric (``"156"``) code.

    :raises ParseError: ``bad_value`` for a code this table does not know.
    """
    found = _BY_CODE.get(code.upper() if isinstance(code, str) else "")
    if found is None:
        raise ParseError(f"unknown currency {code!r}", code="bad_value", path="currency")
    return found


def format_minor(amount_minor: int, code: str) -> str:
    """Render integer minor units as the decimal string a payload or page shows: 12850 CNY → ``"128.50"``."""
    units = currency(code).minor_units
    if amount_minor < 0:
        raise ParseError("amount must not be negative", code="bad_value", path="amount")
    if units == 0:
        return str(amount_minor)
    whole, frac = divmod(amount_minor, 10**units)
    return f"{whole}.{frac:0{units}d}"


def to_minor(amount: str | Decimal, code: str) -> int:
    """Convert a decimal amount (``"128.5"``, ``Decimal("128.50")``) to integer minor units, exactly.

    :raises ParseError: ``bad_value`` for a float, a negative amount or more decimals than the currency has.
    """
    if isinstance(amount, float):  # floats cannot carry money exactly; refuse rather than round
        raise ParseError("amounts must be str or Decimal, not float", code="bad_value", path="amount")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ParseError(f"not an amount: {amount!r}", code="bad_value", path="amount") from None
    if not value.is_finite() or value < 0:
        raise ParseError(f"not an amount: {amount!r}", code="bad_value", path="amount")
    scaled = value.scaleb(currency(code).minor_units)
    if scaled != scaled.to_integral_value():
        raise ParseError(f"too many decimals for {code}: {amount!r}", code="bad_value", path="amount")
    return int(scaled)
