"""UPI deep links (NPCI "UPI Linking Specifications" v1.6): ``upi://pay?pa=…&pn=…&am=…``.

Parameters are percent-decoded only: a ``+`` stays a plus, as the linking spec's examples expect.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from .errors import ParseError

_AMOUNT = re.compile(r"^\d+(?:\.\d{1,2})?$")
_VPA = re.compile(r"^[A-Za-z0-9.\-_]{2,256}@[A-Za-z0-9.\-_]{2,64}$")
KNOWN_ACTIONS = ("pay", "collect", "mandate")


def looks_like_upi(text: str) -> bool:
    return text[:6].lower() == "upi://"


def parse_upi(text: str, *, strict: bool = False) -> tuple[dict[str, str], tuple[str, ...]]:
    """Parse a UPI URI into its decoded query parameters; ``pa`` (payee address) is mandatory.

    :raises ParseError: ``missing_field`` without ``pa``, ``duplicate_id``, ``bad_value`` for a bad amount.
    """
    warnings: list[str] = []
    rest = text[6:]
    action, _, query = rest.partition("?")
    action = action.strip("/").lower()
    if action not in KNOWN_ACTIONS:
        if strict:
            raise ParseError(f"unknown UPI action {action!r}", code="unsupported", path="action", offset=6)
        warnings.append(f"unknown UPI action {action!r}")
    params: dict[str, str] = {}
    offset = 6 + len(action) + 1
    for part in query.split("&") if query else []:
        key, _, value = part.partition("=")
        key = unquote(key)
        if key in params:
            raise ParseError(f"parameter {key} appears twice", code="duplicate_id", path=key, offset=offset)
        params[key] = unquote(value)
        offset += len(part) + 1
    if not params.get("pa"):
        raise ParseError("payee address (pa) is mandatory", code="missing_field", path="pa")
    if not _VPA.match(params["pa"]):
        if strict:
            raise ParseError("payee address is not a VPA (name@handle)", code="bad_value", path="pa")
        warnings.append("pa: payee address is not a VPA (name@handle)")
    if "am" in params and not _AMOUNT.match(params["am"]):
        raise ParseError(f"am {params['am']!r} is not an amount", code="bad_value", path="am")
    if "mam" in params and not _AMOUNT.match(params["mam"]):
        # The linking spec's own sample carries "mam=null"; a minimum amount is advisory, so only warn.
        if strict:
            raise ParseError(f"mam {params['mam']!r} is not an amount", code="bad_value", path="mam")
        warnings.append(f"mam: {params['mam']!r} is not an amount")
    if "cu" in params and params["cu"] != "INR":
        if strict:
            raise ParseError("UPI currency must be INR", code="bad_value", path="cu")
        warnings.append("cu: UPI currency is not INR")
    return params, tuple(warnings)
