"""Swiss QR-bill payment part (SIX "Swiss Implementation Guidelines for the QR-bill" v2.3 §4.3):
``SPC`` … ``EPD`` lines, with structured/combined addresses and QRR/SCOR/NON references."""

from __future__ import annotations

from decimal import Decimal

from .errors import ParseError
from .iban import is_valid_iban

ADDRESS_KEYS = (
    "address_type",
    "name",
    "street_or_line1",
    "building_or_line2",
    "postal_code",
    "town",
    "country",
)


def looks_like_swiss(text: str) -> bool:
    return text.startswith("SPC")


def _address(lines: list[str]) -> dict[str, str]:
    return {k: v for k, v in zip(ADDRESS_KEYS, lines, strict=True) if v}


def _qrr_ok(ref: str) -> bool:
    # QR reference: 27 digits, the last a recursive MOD 10 check digit (Implementation Guidelines annex B).
    if len(ref) != 27 or not ref.isdigit():
        return False
    table, carry = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5), 0
    for digit in ref[:-1]:
        carry = table[(carry + int(digit)) % 10]
    return (10 - carry) % 10 == int(ref[-1])


def parse_swiss(text: str, *, strict: bool = False) -> tuple[dict[str, object], tuple[str, ...]]:
    """Parse a QR-bill payload.

    :raises ParseError: wrong header, too few lines, missing trailer ``EPD``, bad IBAN, bad reference or amount.
    """
    warnings: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    while len(lines) > 31 and lines[-1] == "":
        lines.pop()
    if len(lines) < 31:
        raise ParseError(f"a QR-bill has at least 31 lines, this has {len(lines)}", code="truncated")
    if lines[1] != "0200":
        raise ParseError(f"unsupported version {lines[1]!r}", code="unsupported", path="version")
    if lines[2] != "1":
        raise ParseError("coding type must be 1 (UTF-8)", code="bad_value", path="coding")
    if lines[30] != "EPD":
        raise ParseError("trailer EPD missing", code="missing_field", path="trailer")
    if len(lines) > 34:
        raise ParseError("data after the alternative schemes", code="trailing_data")
    iban = lines[3]
    if not (iban[:2] in ("CH", "LI") and is_valid_iban(iban)):
        raise ParseError("account must be a valid CH/LI IBAN", code="bad_value", path="iban")
    fields: dict[str, object] = {
        "qr_type": "SPC",
        "version": lines[1],
        "coding": lines[2],
        "iban": iban,
        "creditor": _address(lines[4:11]),
    }
    if any(lines[11:18]):
        fields["ultimate_creditor"] = _address(lines[11:18])
    amount, ccy = lines[18], lines[19]
    if amount:
        shaped = amount.replace(".", "", 1).isdigit() and len(amount.partition(".")[2]) <= 2
        if not shaped or not Decimal("0.01") <= Decimal(amount) <= Decimal("999999999.99"):
            raise ParseError(f"amount {amount!r} out of range", code="bad_value", path="amount")
        fields["amount"] = amount
    if ccy not in ("CHF", "EUR"):
        raise ParseError("currency must be CHF or EUR", code="bad_value", path="currency")
    fields["currency"] = ccy
    if any(lines[20:27]):
        fields["debtor"] = _address(lines[20:27])
    ref_type, ref = lines[27], lines[28]
    if ref_type not in ("QRR", "SCOR", "NON"):
        raise ParseError(f"reference type {ref_type!r}", code="bad_value", path="reference_type")
    if ref_type == "QRR" and not _qrr_ok(ref):
        raise ParseError("QR reference check digit does not match", code="bad_value", path="reference")
    if ref_type == "NON" and ref:
        raise ParseError("reference type NON carries no reference", code="bad_value", path="reference")
    fields["reference_type"] = ref_type
    for key, value in (("reference", ref), ("message", lines[29]), ("trailer", lines[30])):
        if value:
            fields[key] = value
    extras = lines[31:]
    for key, value in zip(
        ("billing_information", "alternative_scheme_1", "alternative_scheme_2"), extras, strict=False
    ):
        if value:
            fields[key] = value
    creditor = fields["creditor"]
    assert isinstance(creditor, dict)
    if creditor.get("address_type") not in ("S", "K") or "name" not in creditor:
        if strict:
            raise ParseError(
                "creditor needs an address type S/K and a name", code="missing_field", path="creditor.name"
            )
        warnings.append("creditor: address type or name missing")
    return fields, tuple(warnings)
