"""EMVCo Consumer-Presented Mode (EMV QRCPS-CPM v1.0): base64 of BER-TLV data objects.

The payload is ``85`` (payload format indicator, ``CPV01``) first, then one or two ``61`` application templates,
then an optional ``62`` common data template (§5.2). Values are kept as upper-case hex; constructed objects become
dicts. A second ``61`` is keyed ``"61#2"``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from .errors import ParseError
from .tlv import ber_encode, read_ber_tlv

CpmFields = dict[str, "str | CpmFields"]
FORMAT_INDICATOR = b"CPV01"


def looks_like_cpm(text: str) -> bool:
    # base64 of 85 05 "CPV" always starts "hQVDUFY" (§5.1); the prefix alone marks it as a payment code.
    return text.startswith("hQVDUFY")


def _template(data: bytes, base: int, path: str, seen: set[str], depth: int) -> CpmFields:
    out: CpmFields = {}
    for tag, value, offset, constructed in read_ber_tlv(data, base=base, path=path, depth=depth):
        where = f"{path}.{tag}"
        if tag in out:
            raise ParseError(f"{where} appears twice", code="duplicate_id", path=where, offset=offset)
        if constructed:
            out[tag] = _template(value, offset, where, seen, depth + 1)
        else:
            # §5.3: an object may be in an application template or the common template, not both.
            if depth == 1 and tag in seen and path.startswith("62"):
                raise ParseError(
                    f"{tag} is in both an application template and 62",
                    code="duplicate_id",
                    path=where,
                    offset=offset,
                )
            out[tag] = value.hex().upper()
    return out


def parse_cpm(text: str, *, strict: bool = False) -> tuple[CpmFields, tuple[str, ...]]:
    """Parse a CPM payload.

    :raises ParseError: ``bad_base64``, ``truncated``/``length_overrun``, ``bad_value`` (format indicator),
        ``missing_field`` (no ``61``), ``duplicate_id``, ``unsupported`` (unknown root object in strict mode).
    """
    warnings: list[str] = []
    compact = "".join(text.split())
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ParseError("consumer-presented payload is not valid base64", code="bad_base64") from None
    objects = read_ber_tlv(data)
    if not objects or objects[0][0] != "85":
        raise ParseError("payload format indicator 85 must come first", code="bad_order", path="85", offset=0)
    if objects[0][1] != FORMAT_INDICATOR:
        raise ParseError(
            f"format indicator is {objects[0][1]!r}, not CPV01",
            code="bad_value",
            path="85",
            offset=objects[0][2],
        )
    fields: CpmFields = {"85": FORMAT_INDICATOR.hex().upper()}
    app_tags: set[str] = set()
    apps = 0
    for tag, value, offset, constructed in objects[1:]:
        if tag == "61":
            apps += 1
            if apps > 2:
                raise ParseError(
                    "more than two application templates", code="duplicate_id", path="61", offset=offset
                )
            key = "61" if apps == 1 else "61#2"
            fields[key] = _template(value, offset, key, app_tags, 1)
            app = fields[key]
            assert isinstance(app, dict)
            app_tags |= {t for t, v in app.items() if isinstance(v, str)}
        elif tag == "62":
            if "62" in fields:
                raise ParseError("62 appears twice", code="duplicate_id", path="62", offset=offset)
            fields["62"] = _template(value, offset, "62", app_tags, 1)
        elif tag in fields:
            raise ParseError(f"{tag} appears twice", code="duplicate_id", path=tag, offset=offset)
        elif constructed:
            fields[tag] = _template(value, offset, tag, set(), 1)
        else:
            if strict and tag not in ("63", "64"):
                raise ParseError(f"unexpected root object {tag}", code="unsupported", path=tag, offset=offset)
            warnings.append(f"{tag}: unexpected root object")
            fields[tag] = value.hex().upper()
    if apps == 0:
        raise ParseError("no application template 61", code="missing_field", path="61")
    return fields, tuple(warnings)


def _encode(fields: Mapping[str, object]) -> bytes:
    out = b""
    for tag, value in fields.items():
        real_tag = tag.split("#")[0]
        if isinstance(value, Mapping):
            out += ber_encode(real_tag, _encode(value))
        elif isinstance(value, bytes):
            out += ber_encode(real_tag, value)
        elif isinstance(value, str):
            out += ber_encode(real_tag, bytes.fromhex(value))
        else:
            raise ParseError(f"value of {tag} must be hex, bytes or a template", code="bad_value", path=tag)
    return out


def build_cpm(fields: Mapping[str, object]) -> str:
    """Serialise CPM ``fields`` (the shape :func:`parse_cpm` returns; values hex or bytes) to base64.

    ``85`` is emitted first whatever the mapping order; the rest keep their order.
    """
    rest = {k: v for k, v in fields.items() if k != "85"}
    return base64.b64encode(ber_encode("85", FORMAT_INDICATOR) + _encode(rest)).decode("ascii")
