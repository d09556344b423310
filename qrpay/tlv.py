"""Tag–length–value readers: EMV's two-digit ID-length-value text and BER-TLV bytes (EMV Book 3 Annex B).

Both readers are total: any input either yields objects or raises :class:`ParseError` with a stable code, the
path of the enclosing object and the offset where the problem starts. Neither recurses without bound.
"""

from __future__ import annotations

from .errors import ParseError


def read_emv_objects(text: str, *, base: int = 0, path: str = "") -> list[tuple[str, str, int]]:
    """Split ``text`` into ``(id, value, offset)`` triples; lengths count characters (EMV QRCPS-MPM §4.7.1)."""
    objects = []
    pos, end = 0, len(text)
    where = f"{path}." if path else ""
    while pos < end:
        if end - pos < 4:
            raise ParseError(
                "data ends inside an object header", code="truncated", path=path, offset=base + pos
            )
        obj_id, length_text = text[pos : pos + 2], text[pos + 2 : pos + 4]
        if not (obj_id.isdigit() and obj_id.isascii()):
            raise ParseError(
                f"ID {obj_id!r} is not two digits", code="bad_value", path=path, offset=base + pos
            )
        if not (length_text.isdigit() and length_text.isascii()):
            raise ParseError(
                f"length {length_text!r} of {where}{obj_id} is not two digits",
                code="bad_length",
                path=f"{where}{obj_id}",
                offset=base + pos + 2,
            )
        length = int(length_text)
        start = pos + 4
        if start + length > end:
            raise ParseError(
                f"{where}{obj_id} claims {length} characters but only {end - start} remain",
                code="length_overrun",
                path=f"{where}{obj_id}",
                offset=base + pos + 2,
            )
        objects.append((obj_id, text[start : start + length], base + start))
        pos = start + length
    return objects


def read_ber_tlv(
    data: bytes, *, base: int = 0, path: str = "", depth: int = 0
) -> list[tuple[str, bytes, int, bool]]:
    """Split BER-TLV ``data`` into ``(tag_hex, value, offset, constructed)`` tuples.

    Tags may span several bytes (low five bits all set, then continuation bytes with bit 8 set); lengths may be
    long-form (0x81 nn, 0x82 nn nn). Indefinite lengths are not allowed in EMV and are refused.
    """
    if depth > 8:
        raise ParseError("templates nested too deep", code="unsupported", path=path, offset=base)
    out = []
    pos, end = 0, len(data)
    where = f"{path}." if path else ""
    while pos < end:
        if data[pos] in (0x00, 0xFF):  # EMV Book 3 B1: padding between objects
            pos += 1
            continue
        tag_start = pos
        first = data[pos]
        pos += 1
        if first & 0x1F == 0x1F:
            while True:
                if pos >= end:
                    raise ParseError(
                        "data ends inside a tag", code="truncated", path=path, offset=base + tag_start
                    )
                more = data[pos] & 0x80
                pos += 1
                if not more:
                    break
                if pos - tag_start > 4:
                    raise ParseError(
                        "tag longer than 4 bytes", code="bad_value", path=path, offset=base + tag_start
                    )
        tag = data[tag_start:pos].hex().upper()
        if pos >= end:
            raise ParseError(
                f"{where}{tag} has no length", code="truncated", path=f"{where}{tag}", offset=base + pos
            )
        length = data[pos]
        pos += 1
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 3:
                raise ParseError(
                    f"{where}{tag} has an unsupported length form",
                    code="bad_length",
                    path=f"{where}{tag}",
                    offset=base + pos - 1,
                )
            if pos + count > end:
                raise ParseError(
                    f"{where}{tag} length is cut off",
                    code="truncated",
                    path=f"{where}{tag}",
                    offset=base + pos,
                )
            length = int.from_bytes(data[pos : pos + count], "big")
            pos += count
        if pos + length > end:
            raise ParseError(
                f"{where}{tag} claims {length} bytes but only {end - pos} remain",
                code="length_overrun",
                path=f"{where}{tag}",
                offset=base + pos,
            )
        out.append((tag, data[pos : pos + length], base + pos, bool(first & 0x20)))
        pos += length
    return out


def ber_length(n: int) -> bytes:
    """Encode a BER length (short form below 128, long form above)."""
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def ber_encode(tag_hex: str, value: bytes) -> bytes:
    return bytes.fromhex(tag_hex) + ber_length(len(value)) + value
