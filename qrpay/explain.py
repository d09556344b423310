"""Turn a parsed code into labelled rows a person can read (used by ``qrpay inspect`` and ``qrpay scan``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .currency import currency
from .emv import field_name
from .errors import ParseError
from .parse import ParsedCode

_CPM_NAMES = {
    "85": "Payload Format Indicator",
    "61": "Application Template",
    "62": "Common Data Template",
    "63": "Application Specific Transparent Template",
    "64": "Common Data Transparent Template",
    "4F": "Application Definition File Name (AID)",
    "50": "Application Label",
    "57": "Track 2 Equivalent Data",
    "5A": "Application PAN",
    "5F20": "Cardholder Name",
    "5F2D": "Language Preference",
    "5F50": "Issuer URL",
    "9F08": "Application Version Number",
    "9F10": "Issuer Application Data",
    "9F19": "Token Requestor ID",
    "9F24": "Payment Account Reference",
    "9F25": "Last 4 Digits of PAN",
    "9F26": "Application Cryptogram",
    "9F27": "Cryptogram Information Data",
    "9F36": "Application Transaction Counter",
    "9F37": "Unpredictable Number",
    "82": "Application Interchange Profile",
    "9F63": "Product Identifier",
}


# qrpay's own objects (docs/FORMAT.md), named when the payload is a qrpay code.
_QRPAY_NAMES = {
    "26.01": "qrpay code kind",
    "80.01": "qrpay layout version",
    "80.02": "signing key id",
    "80.03": "expiry (unix seconds)",
    "80.04": "qrpay signature",
}


def rows(code: ParsedCode) -> Iterator[tuple[str, str, str]]:
    """``(path, name, value)`` for every leaf field, in payload order."""
    for path, name, value in _walk(code.fields, "", code.format):
        yield path, (_QRPAY_NAMES.get(path, name) if code.scheme == "qrpay" else name), value


def _walk(node: Mapping[str, Any], prefix: str, fmt: str) -> Iterator[tuple[str, str, str]]:
    for key, value in node.items():
        path = f"{prefix}{key}"
        if fmt == "emv-mpm":
            name = field_name(path)
        elif fmt == "emv-cpm":
            name = _CPM_NAMES.get(key.split("#")[0], "")
        else:
            name = key.replace("_", " ")
        if isinstance(value, Mapping):
            yield path, name, ""
            yield from _walk(value, f"{path}.", fmt)
        else:
            yield path, name, str(value)


def summary(code: ParsedCode) -> str:
    """One line: who gets paid, how much, in which scheme."""
    get = code.get
    if code.format == "emv-mpm":
        parts = [get("59") or "(no merchant name)", get("60") or ""]
        amount = get("54")
        try:
            cur = currency(str(get("53"))).alpha
        except ParseError:
            cur = f"currency {get('53')}"
        return f"{code.scheme} merchant code: {' '.join(p for p in parts if p)}" + (
            f", amount {cur} {amount}" if amount else ", amount entered by payer"
        )
    if code.format == "emv-cpm":
        return f"{code.scheme} consumer-presented payment code"
    if code.format == "upi-uri":
        return f"UPI payment to {get('pa')}" + (f", amount {get('am')} INR" if get("am") else "")
    if code.format == "epc-sct":
        return f"SEPA credit transfer to {get('name')} ({get('iban')})" + (
            f", EUR {get('amount')}" if get("amount") else ""
        )
    if code.format == "swiss-qr-bill":
        return f"Swiss QR-bill to {get('creditor.name')} ({get('iban')})" + (
            f", {get('currency')} {get('amount')}" if get("amount") else ""
        )
    if code.format == "wallet-code":
        return f"{get('issuer')} wallet payment code"
    return f"{code.format}: {code.text[:60]}"
