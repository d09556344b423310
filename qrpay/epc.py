"""EPC QR code for SEPA credit transfers (EPC069-12 v2.1 "Quick Response Code: Guidelines to Enable Data
Capture for the Initiation of a SEPA Credit Transfer" §3.4): twelve lines starting ``BCD``."""

from __future__ import annotations

import re

from .errors import ParseError
from .iban import is_valid_iban

_AMOUNT = re.compile(r"^EUR(\d{1,9}(?:\.\d{1,2})?)$")
NAMES = (
    "service_tag",
    "version",
    "charset",
    "identification",
    "bic",
    "name",
    "iban",
    "amount",
    "purpose",
    "reference",
    "text",
    "information",
)


def looks_like_epc(text: str) -> bool:
    return text.startswith("BCD")


def parse_epc(text: str, *, strict: bool = False) -> tuple[dict[str, str], tuple[str, ...]]:
    """Parse an EPC payload; empty optional lines are omitted from the result.

    :raises ParseError: bad service tag/version/charset/identification, missing name or IBAN, bad IBAN or amount.
    """
    warnings: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    if len(lines) > 12:
        if any(line.strip() for line in lines[12:]):
            raise ParseError("more than twelve lines", code="trailing_data", path="information")
        lines = lines[:12]
    if len(lines) < 7:
        raise ParseError("an EPC code has at least seven lines", code="truncated")
    raw = dict(zip(NAMES, lines, strict=False))
    if raw["service_tag"] != "BCD":
        raise ParseError("service tag must be BCD", code="bad_value", path="service_tag")
    if raw["version"] not in ("001", "002"):
        raise ParseError(f"unknown version {raw['version']!r}", code="unsupported", path="version")
    if raw["charset"] not in tuple("12345678"):
        raise ParseError("character set must be 1–8", code="bad_value", path="charset")
    if raw["identification"] != "SCT":
        raise ParseError("identification must be SCT", code="bad_value", path="identification")
    if raw["version"] == "001" and not raw["bic"]:
        raise ParseError("version 001 requires a BIC", code="missing_field", path="bic")
    if not raw["name"]:
        raise ParseError("beneficiary name is mandatory", code="missing_field", path="name")
    if not raw["iban"]:
        raise ParseError("beneficiary IBAN is mandatory", code="missing_field", path="iban")
    if not is_valid_iban(raw["iban"]):
        raise ParseError("IBAN check digits do not match", code="bad_value", path="iban")
    fields = {k: v for k, v in raw.items() if v and k != "amount"}
    amount = raw.get("amount", "")
    if amount:
        match = _AMOUNT.match(amount)
        if not match:
            raise ParseError(
                f"amount {amount!r} is not EUR0.01–EUR999999999.99", code="bad_value", path="amount"
            )
        whole, _, cents = match.group(1).partition(".")
        fields["currency"], fields["amount"] = "EUR", f"{whole}.{cents:0<2}"
    if raw.get("reference") and raw.get("text"):
        if strict:
            raise ParseError("structured reference and text are exclusive", code="bad_value", path="text")
        warnings.append("text: structured reference and unstructured text are both present")
    if len(raw["name"]) > 70:
        if strict:
            raise ParseError("name longer than 70 characters", code="bad_value", path="name")
        warnings.append("name: longer than 70 characters")
    if len(text.encode("utf-8")) > 331:
        if strict:
            raise ParseError("payload larger than 331 bytes", code="bad_value")
        warnings.append("payload larger than 331 bytes")
    return fields, tuple(warnings)
