"""Which national scheme an EMV merchant-presented code belongs to, and what its profile relaxes.

Recognised from the globally unique identifier (sub-ID 00) of the merchant account templates 26–51, or from the
reserved primitive IDs 02–25 that card networks use.
"""

from __future__ import annotations

from collections.abc import Mapping

# GUID prefix (upper case) → scheme, from each scheme's published specification.
_GUIDS: tuple[tuple[str, str], ...] = (
    ("BR.GOV.BCB.PIX", "pix"),  # BCB, Manual de Padrões para Iniciação do Pix §4
    ("A000000677010111", "promptpay"),  # Thai QR Payment standard: PromptPay credit transfer
    ("A000000677010112", "promptpay"),  # … bill payment
    ("A000000677010113", "promptpay"),
    ("A000000677010114", "promptpay"),  # … e-wallet
    ("SG.PAYNOW", "sgqr"),  # ABS PayNow QR
    ("SG.SGQR", "sgqr"),  # SGQR specification, ID 51
    ("SG.COM.NETS", "sgqr"),
    ("ID.CO.QRIS", "qris"),  # Bank Indonesia QRIS
    ("A000000727", "vietqr"),  # NAPAS VietQR
    ("A0000006150001", "duitnow"),  # PayNet DuitNow QR
    ("MY.COM.PAYNET", "duitnow"),
    ("HK.COM.HKICL", "fps"),  # HKICL FPS QR
    ("A000000333", "unionpay"),  # UnionPay International RID
    ("A000000524", "bharatqr"),  # NPCI RID (RuPay / UPI inside BharatQR)
    ("IO.QRPAY", "qrpay"),
)
# Mandatory MPM IDs a scheme's profile lets a code omit.
RELAXED: Mapping[str, tuple[str, ...]] = {"promptpay": ("52", "59", "60")}


def detect_scheme(fields: Mapping[str, object]) -> str:
    """Name the scheme of parsed MPM ``fields``; ``"emvco"`` when none is recognised."""
    for obj_id in sorted(fields):
        value = fields[obj_id]
        if isinstance(value, Mapping) and obj_id.isdigit() and 26 <= int(obj_id) <= 51:
            guid = str(value.get("00", "")).upper()
            for prefix, scheme in _GUIDS:
                if guid.startswith(prefix):
                    return scheme
    if fields.get("58") == "IN" and any(k in fields for k in ("02", "03", "04", "05", "06", "07", "08")):
        return "bharatqr"  # BharatQR puts Visa/Mastercard/RuPay merchant PANs in 02–08
    if any(k in fields for k in ("15", "16")):
        return "unionpay"  # EMVCo assigns 15–16 to UnionPay
    return "emvco"
