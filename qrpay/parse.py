"""``qrpay.parse``: recognise whatever a payer scanned and return it as a typed :class:`ParsedCode`.

Input that looks like a payment format (EMV text starting ``0002`` or ending in ``6304`` + CRC, CPM base64
starting ``hQVDUFY``, ``upi://``, ``BCD``, ``SPC``) is parsed as that format or raises :class:`ParseError`: it is
never passed off as plain text, so a corrupted payment code is never shown as harmless.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .cpm import looks_like_cpm, parse_cpm
from .emv import parse_mpm
from .epc import looks_like_epc, parse_epc
from .errors import ParseError
from .swissqr import looks_like_swiss, parse_swiss
from .upi import looks_like_upi, parse_upi
from .wallet import looks_like_wallet, parse_wallet

FORMATS = ("emv-mpm", "emv-cpm", "upi-uri", "epc-sct", "swiss-qr-bill", "wallet-code", "url", "text")
MAX_LENGTH = 7089  # the most a QR symbol holds (version 40, numeric); anything longer was not scanned
_EMV_TAIL = re.compile(r"6304[0-9A-Fa-f]{4}$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


@dataclass(frozen=True)
class ParsedCode:
    """A recognised payload: its ``format``, ``scheme``, ``fields`` and any ``warnings`` about spec deviations."""

    format: str
    scheme: str | None
    fields: Mapping[str, Any]
    text: str
    warnings: tuple[str, ...] = field(default=())

    def get(self, path: str) -> Any:
        """The value at a dotted path (``"26.00"``, ``"62.50.00"``, ``"61.4F"``, ``"creditor.name"``), or ``None``."""
        node: Any = self.fields
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node


def parse(text: str, *, strict: bool = False) -> ParsedCode:
    """Recognise and parse a scanned payload.

    :param strict: reject spec deviations that lenient mode reports in ``warnings``.
    :raises ParseError: the text looks like a payment format but is not a valid one (or is not text at all).
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}", code="bad_value")
    if len(text) > MAX_LENGTH:
        raise ParseError("longer than any QR code can hold", code="bad_length")
    stripped = text.strip()
    if stripped.startswith("0002") or _EMV_TAIL.search(stripped):
        result = parse_mpm(stripped, strict=strict)
        return ParsedCode("emv-mpm", result.scheme, result.fields, text, result.warnings)
    if looks_like_cpm(stripped):
        cpm_fields, warnings = parse_cpm(stripped, strict=strict)
        return ParsedCode("emv-cpm", _cpm_scheme(cpm_fields), cpm_fields, text, warnings)
    if looks_like_upi(stripped):
        upi_fields, warnings = parse_upi(stripped, strict=strict)
        return ParsedCode("upi-uri", "upi", upi_fields, text, warnings)
    if looks_like_epc(text):
        epc_fields, warnings = parse_epc(text, strict=strict)
        return ParsedCode("epc-sct", "epc", epc_fields, text, warnings)
    if looks_like_swiss(text):
        swiss_fields, warnings = parse_swiss(text, strict=strict)
        return ParsedCode("swiss-qr-bill", "swiss", swiss_fields, text, warnings)
    if looks_like_wallet(stripped):
        wallet_fields, warnings = parse_wallet(stripped, strict=strict)
        return ParsedCode("wallet-code", wallet_fields["issuer"], wallet_fields, text, warnings)
    if _URL.match(stripped):
        return ParsedCode("url", None, {"url": stripped}, text)
    return ParsedCode("text", None, {"text": text}, text)


def _cpm_scheme(fields: Mapping[str, Any]) -> str:
    app = fields.get("61")
    aid = app.get("4F", "") if isinstance(app, Mapping) else ""
    if aid.startswith("A000000333"):
        return "unionpay"
    if aid == "F0717270617901":
        return "qrpay"
    return "emvco"
