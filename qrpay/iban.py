"""IBAN check digits (ISO 13616 / ISO 7064 MOD 97-10), shared by the EPC and Swiss QR-bill formats."""

from __future__ import annotations

import re

_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def is_valid_iban(iban: str) -> bool:
    compact = iban.replace(" ", "").upper()
    if not _SHAPE.match(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1
