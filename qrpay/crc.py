"""CRC-16/CCITT-FALSE, the checksum of EMVCo merchant-presented payloads (EMV QRCPS-MPM §4.7.3).

Polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR. ``binascii.crc_hqx`` is exactly this
algorithm in C when seeded with 0xFFFF, so there is no table to maintain here.
"""

from __future__ import annotations

import binascii


def crc16(data: bytes) -> int:
    """Return the CRC-16/CCITT-FALSE of ``data`` (check value of b"123456789" is 0x29B1)."""
    return binascii.crc_hqx(data, 0xFFFF)


def crc16_hex(text: str) -> str:
    """Return the four upper-case hex digits that an EMV payload ending in ``text`` (…``6304``) carries."""
    return f"{crc16(text.encode('utf-8')):04X}"
