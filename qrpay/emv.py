"""EMVCo Merchant-Presented Mode (EMV QRCPS-MPM v1.1): parse and build the ID-length-value payload.

Structural faults (truncation, length overrun, non-numeric lengths, duplicate IDs, data after the CRC, a CRC
that does not match, a malformed amount) always raise :class:`ParseError`: a payer must never be shown a
corrupted merchant or amount. Rules that real, scannable codes bend (a missing mandatory field under some scheme
profiles, a name over 25 characters, ``00`` not first) become warnings, and raise only with ``strict=True``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from .crc import crc16_hex
from .currency import currency, format_minor, to_minor
from .errors import ParseError
from .schemes import RELAXED, detect_scheme
from .tlv import read_emv_objects

Fields = dict[str, "str | Fields"]

# QRCPS-MPM §4.5 table 4.1 / §5: names of the root objects.
ROOT_NAMES: dict[str, str] = {
    "00": "Payload Format Indicator",
    "01": "Point of Initiation Method",
    "52": "Merchant Category Code",
    "53": "Transaction Currency",
    "54": "Transaction Amount",
    "55": "Tip or Convenience Indicator",
    "56": "Convenience Fee Fixed",
    "57": "Convenience Fee Percentage",
    "58": "Country Code",
    "59": "Merchant Name",
    "60": "Merchant City",
    "61": "Postal Code",
    "62": "Additional Data Field Template",
    "63": "CRC",
    "64": "Merchant Information—Language Template",
}
# QRCPS-MPM §4.8 table 4.3: Additional Data Field Template sub-IDs.
ADDITIONAL_NAMES: dict[str, str] = {
    "01": "Bill Number",
    "02": "Mobile Number",
    "03": "Store Label",
    "04": "Loyalty Number",
    "05": "Reference Label",
    "06": "Customer Label",
    "07": "Terminal Label",
    "08": "Purpose of Transaction",
    "09": "Additional Consumer Data Request",
    "10": "Merchant Tax ID",
    "11": "Merchant Channel",
}
LANGUAGE_NAMES = {
    "00": "Language Preference",
    "01": "Merchant Name—Alternate Language",
    "02": "Merchant City—Alternate Language",
}


def field_name(path: str) -> str:
    """Human name of an MPM object by its dotted path (``"62.05"`` → ``"Reference Label"``)."""
    parts = path.split(".")
    top = parts[0]
    if len(parts) == 1:
        if top in ROOT_NAMES:
            return ROOT_NAMES[top]
        number = int(top) if top.isdigit() else -1
        if 2 <= number <= 51:
            return "Merchant Account Information"
        if 65 <= number <= 79:
            return "RFU for EMVCo"
        if 80 <= number <= 99:
            return "Unreserved Template"
        return "Unknown"
    sub = parts[1]
    if sub == "00" and (top == "64"):
        return LANGUAGE_NAMES["00"]
    if sub == "00":
        return "Globally Unique Identifier"
    if top == "62":
        return ADDITIONAL_NAMES.get(sub, "Payment System Specific" if sub >= "50" else "RFU")
    if top == "64":
        return LANGUAGE_NAMES.get(sub, "RFU")
    return "Payment network specific"


def is_template(obj_id: str) -> bool:
    """IDs whose value is itself ID-length-value data (§4.5): 26–51, 62, 64, 80–99."""
    number = int(obj_id)
    return 26 <= number <= 51 or number in (62, 64) or 80 <= number <= 99


_AMOUNT = re.compile(r"^(?:\d+\.?\d*|\.\d+)$")
_ALPHA2 = re.compile(r"^[A-Z]{2}$")
MANDATORY = ("00", "52", "53", "58", "59", "60")


@dataclass(frozen=True)
class MPMResult:
    fields: Fields
    scheme: str
    warnings: tuple[str, ...]


def parse_mpm(text: str, *, strict: bool = False) -> MPMResult:
    """Parse a merchant-presented payload into its fields and recognise its scheme.

    The scheme's profile may relax mandatory IDs (PromptPay omits 52, 59, 60).

    :raises ParseError: structural faults always; spec deviations when ``strict``.
    """
    warnings: list[str] = []

    def bend(message: str, code: str, path: str, offset: int | None = None) -> None:
        if strict:
            raise ParseError(message, code=code, path=path, offset=offset)
        warnings.append(f"{path}: {message}" if path else message)

    try:
        objects = read_emv_objects(text)
    except ParseError:
        _raise_if_junk_after_crc(text)
        raise
    fields: Fields = {}
    crc_offset = None
    for index, (obj_id, value, offset) in enumerate(objects):
        if crc_offset is not None:
            raise ParseError(
                "the CRC (ID 63) is not the last object", code="bad_order", path="63", offset=crc_offset
            )
        if obj_id in fields:
            raise ParseError(
                f"ID {obj_id} appears twice", code="duplicate_id", path=obj_id, offset=offset - 4
            )
        if obj_id == "63":
            crc_offset = offset - 4
            _check_crc(text, value, offset, bend)
        elif index == 0 and obj_id != "00":
            if any(o[0] == "00" for o in objects):
                bend("payload format indicator 00 is not first", "bad_order", "00", offset - 4)
            else:
                bend("payload format indicator 00 is missing", "missing_field", "00", 0)
        fields[obj_id] = (
            _parse_template(obj_id, value, offset, strict, warnings) if is_template(obj_id) else value
        )
    if crc_offset is None:
        bend("no CRC (ID 63)", "missing_field", "63")
    scheme = detect_scheme(fields)
    _check_values(fields, bend, RELAXED.get(scheme, ()))
    return MPMResult(fields, scheme, tuple(warnings))


def _check_crc(text: str, value: str, offset: int, bend: _Bend) -> None:
    if len(value) != 4:
        raise ParseError("CRC must be four hex digits", code="bad_length", path="63", offset=offset - 2)
    expected = crc16_hex(text[:offset])
    if value.upper() != expected:
        # QR symbols carry their own Reed-Solomon correction, so a wrong CRC means the code was printed that
        # way, not damaged in the scan: real stickers with stale CRCs exist, hence lenient by default.
        bend(f"CRC is {value}, payload computes to {expected}", "crc_mismatch", "63", offset)


def _raise_if_junk_after_crc(text: str) -> None:
    """Turn "unreadable objects" into ``trailing_data`` when a complete payload with its CRC precedes them."""
    start = text.find("6304")
    while start != -1:
        end = start + 8
        if end < len(text):
            try:
                read_emv_objects(text[:end])
            except ParseError:
                pass
            else:
                raise ParseError("data after the CRC", code="trailing_data", path="63", offset=end)
        start = text.find("6304", start + 1)


def _parse_template(obj_id: str, value: str, offset: int, strict: bool, warnings: list[str]) -> Fields:
    sub_fields: Fields = {}
    for sub_id, sub_value, sub_offset in read_emv_objects(value, base=offset, path=obj_id):
        path = f"{obj_id}.{sub_id}"
        if sub_id in sub_fields:
            raise ParseError(
                f"ID {path} appears twice", code="duplicate_id", path=path, offset=sub_offset - 4
            )
        # §4.8: sub-IDs 50–99 of the additional data template are payment-system templates of their own.
        if obj_id == "62" and sub_id >= "50":
            nested: Fields = {}
            for n_id, n_value, n_offset in read_emv_objects(sub_value, base=sub_offset, path=path):
                if n_id in nested:
                    raise ParseError(
                        f"ID {path}.{n_id} appears twice",
                        code="duplicate_id",
                        path=f"{path}.{n_id}",
                        offset=n_offset - 4,
                    )
                nested[n_id] = n_value
            sub_fields[sub_id] = nested
        else:
            sub_fields[sub_id] = sub_value
    if obj_id not in ("62", "64") and "00" not in sub_fields:
        message = "template has no globally unique identifier (sub-ID 00)"
        if strict:
            raise ParseError(message, code="missing_field", path=f"{obj_id}.00", offset=offset)
        warnings.append(f"{obj_id}: {message}")
    return sub_fields


def _check_values(fields: Fields, bend: _Bend, relaxed: tuple[str, ...]) -> None:
    for obj_id in MANDATORY:
        if obj_id not in fields and obj_id not in relaxed:
            bend(f"mandatory {ROOT_NAMES[obj_id]} ({obj_id}) is missing", "missing_field", obj_id)
    if not any(2 <= int(i) <= 51 for i in fields):
        bend("no merchant account information (IDs 02–51)", "missing_field", "26")
    if fields.get("00", "01") != "01":
        bend("payload format indicator must be 01", "bad_value", "00")
    if "01" in fields and fields["01"] not in ("11", "12"):
        bend("point of initiation must be 11 (static) or 12 (dynamic)", "bad_value", "01")
    amount = fields.get("54")
    # Money is never guessed at: "1,00" or "1.2.3" is refused in every mode.
    if amount is not None and (not isinstance(amount, str) or not _AMOUNT.match(amount) or len(amount) > 13):
        raise ParseError(
            f"transaction amount {amount!r} is not a decimal number", code="bad_value", path="54"
        )
    mcc = fields.get("52")
    if mcc is not None and not (isinstance(mcc, str) and len(mcc) == 4 and mcc.isdigit()):
        bend("merchant category code must be four digits", "bad_value", "52")
    cur = fields.get("53")
    if cur is not None and not (isinstance(cur, str) and len(cur) == 3 and cur.isdigit()):
        bend("transaction currency must be an ISO 4217 numeric code", "bad_value", "53")
    country = fields.get("58")
    if country is not None and not (isinstance(country, str) and _ALPHA2.match(country)):
        bend("country code must be ISO 3166-1 alpha-2", "bad_value", "58")
    tip = fields.get("55")
    if tip is not None and tip not in ("01", "02", "03"):
        bend("tip or convenience indicator must be 01, 02 or 03", "bad_value", "55")
    for obj_id, limit in (("59", 25), ("60", 15), ("61", 10)):
        value = fields.get(obj_id)
        if isinstance(value, str) and len(value) > limit:
            bend(f"{ROOT_NAMES[obj_id]} is longer than {limit} characters", "bad_value", obj_id)


class _Bend(Protocol):  # the shape of the local ``bend`` callback, for the type checker
    def __call__(self, message: str, code: str, path: str, offset: int | None = None) -> None: ...


def encode_object(obj_id: str, value: str) -> str:
    """One ID-length-value object; the length counts characters."""
    if len(value) > 99:
        raise ParseError(f"value of {obj_id} is longer than 99 characters", code="bad_value", path=obj_id)
    if len(obj_id) != 2 or not obj_id.isdigit():
        raise ParseError(f"ID {obj_id!r} is not two digits", code="bad_value", path=obj_id)
    return f"{obj_id}{len(value):02d}{value}"


def encode_fields(fields: Mapping[str, object], path: str = "") -> str:
    parts = []
    for obj_id in sorted(fields):
        value = fields[obj_id]
        if isinstance(value, Mapping):
            parts.append(encode_object(obj_id, encode_fields(value, f"{path}{obj_id}.")))
        elif isinstance(value, str):
            parts.append(encode_object(obj_id, value))
        else:
            raise ParseError(
                f"value of {path}{obj_id} must be str or a template", code="bad_value", path=f"{path}{obj_id}"
            )
    return "".join(parts)


def build(fields: Mapping[str, object]) -> str:
    """Serialise MPM ``fields`` (the shape :func:`parse_mpm` returns) with ``00`` first and a fresh CRC last.

    Objects are emitted in ascending ID order (templates too), which every EMV reader accepts and which makes
    build → parse → build stable. An existing ``63`` is ignored and recomputed.
    """
    body = {k: v for k, v in fields.items() if k not in ("00", "63")}
    text = encode_object("00", str(fields.get("00", "01"))) + encode_fields(body) + "6304"
    return text + crc16_hex(text)


@dataclass(frozen=True)
class MerchantPresented:
    """A merchant-presented code from typed fields; the constructor validates, ``payload`` serialises.

    ``amount`` is a ``Decimal`` or ``str`` in major units (``"128.50"``), never a float; giving one makes the code
    dynamic (point of initiation ``12``) unless ``dynamic`` says otherwise.
    """

    merchant_name: str
    merchant_city: str
    country_code: str
    mcc: str
    currency: str
    accounts: Mapping[str, str | Mapping[str, str]]
    amount: Decimal | str | None = None
    dynamic: bool | None = None
    postal_code: str | None = None
    additional: Mapping[str, str | Mapping[str, str]] = field(default_factory=dict)
    language: Mapping[str, str] | None = None
    unreserved: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    tip_indicator: str | None = None

    def __post_init__(self) -> None:
        cur = currency(self.currency)
        object.__setattr__(self, "currency", cur.numeric)
        if self.amount is not None:
            minor = to_minor(self.amount, cur.numeric)
            object.__setattr__(self, "amount", format_minor(minor, cur.numeric))
        if not self.accounts or not all(2 <= int(k) <= 51 for k in self.accounts):
            raise ParseError(
                "at least one merchant account (IDs 02–51) is required", code="missing_field", path="26"
            )
        if not all(80 <= int(k) <= 99 for k in self.unreserved):
            raise ParseError("unreserved templates use IDs 80–99", code="bad_value", path="80")
        # Validate by building and strictly re-parsing: one set of rules, not two.
        parse_mpm(self.payload, strict=True)

    @property
    def fields(self) -> Fields:
        dynamic = self.dynamic if self.dynamic is not None else self.amount is not None
        out: Fields = {"00": "01", "01": "12" if dynamic else "11"}
        for k, v in self.accounts.items():
            out[k] = dict(v) if isinstance(v, Mapping) else v
        out |= {
            "52": self.mcc,
            "53": self.currency,
            "58": self.country_code.upper(),
            "59": self.merchant_name,
            "60": self.merchant_city,
        }
        if self.amount is not None:
            out["54"] = str(self.amount)
        if self.tip_indicator is not None:
            out["55"] = self.tip_indicator
        if self.postal_code:
            out["61"] = self.postal_code
        if self.additional:
            out["62"] = {k: dict(v) if isinstance(v, Mapping) else v for k, v in self.additional.items()}
        if self.language:
            out["64"] = dict(self.language)
        for k, v in self.unreserved.items():
            out[k] = dict(v)
        return out

    @property
    def payload(self) -> str:
        return build(self.fields)
