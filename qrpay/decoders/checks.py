"""Payload self-checks that turn a decoder's guess into a result we stand behind (zero misreads).

QR's Reed-Solomon code catches most errors, but a miscorrected symbol, a decoder that transcodes bytes with
the wrong charset, or a finder pattern hallucinated in texture can still yield text that was never encoded.
Payment payloads carry their own checks, so we use them: an EMV merchant-presented text must end in a CRC
that matches (EMV QRCPS-MPM §4.7.3), an EMV consumer-presented payload must be valid base64 starting with
tag 85 "CPV01" (EMV QRCPS-CPM §5.3), and no text may contain U+FFFD, the mark of bytes that did not decode.
"""

from __future__ import annotations

import base64
import binascii
import re

from ..crc import crc16_hex

# EMV MPM: "00" "02" "01" opens every payload; "63" "04" + four hex digits closes it.
_EMV_CRC_TAIL = re.compile(r"6304([0-9A-Fa-f]{4})\Z")
_CPM_PREFIX = "hQVDUFYwMQ"  # base64 of 85 05 "CPV01"


def acceptable(text: str) -> bool:
    """True when ``text`` passes every check its format has (and has no decoding damage)."""
    if not text or "\ufffd" in text:
        return False
    if text.startswith("000201") or (text.startswith("00") and _EMV_CRC_TAIL.search(text)):
        tail = _EMV_CRC_TAIL.search(text)
        if tail is None:
            return False
        return tail.group(1).upper() == crc16_hex(text[: tail.start() + 4])
    if text.startswith(_CPM_PREFIX):
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return False
    return True
