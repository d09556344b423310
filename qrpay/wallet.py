"""Numeric wallet payment codes (16–24 digits), as scanned from barcodes shown by payment apps.

Issuers are recognised by prefix and length, as published by the wallets to acquirers: WeChat Pay 10–15
(18 digits), Alipay 25–30 (16–24 digits), UnionPay QuickPass 62 (19 digits), qrpay's own 88 (18 digits).
"""

from __future__ import annotations

from .errors import ParseError

_ISSUERS: tuple[tuple[str, tuple[str, ...], range], ...] = (
    ("wechat", ("10", "11", "12", "13", "14", "15"), range(18, 19)),
    ("alipay", ("25", "26", "27", "28", "29", "30"), range(16, 25)),
    ("unionpay", ("62",), range(19, 20)),
    ("qrpay", ("88",), range(18, 19)),
)


def looks_like_wallet(text: str) -> bool:
    return 16 <= len(text) <= 24 and text.isdigit() and text.isascii()


def parse_wallet(text: str, *, strict: bool = False) -> tuple[dict[str, str], tuple[str, ...]]:
    """Return ``{"number", "issuer"}``; an unknown prefix is issuer ``unknown`` (strict: ``unsupported``)."""
    for issuer, prefixes, lengths in _ISSUERS:
        if text[:2] in prefixes and len(text) in lengths:
            return {"number": text, "issuer": issuer}, ()
    if strict:
        raise ParseError("no wallet issues payment codes with this prefix and length", code="unsupported")
    return {"number": text, "issuer": "unknown"}, ("issuer not recognised from prefix and length",)
