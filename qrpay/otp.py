"""One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238), used by hardware tokens and payment codes.

Implemented here (a dozen lines over ``hmac``) rather than through a dependency so that the payment-code
format, the token verifier and the test vectors of RFC 4226 Appendix D / RFC 6238 Appendix B share one
truncation routine.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from datetime import datetime

from . import clock
from .errors import SignatureError

TOTP_STEP_SECONDS = 30  # RFC 6238 §4.1 default X


def dynamic_truncate(mac: bytes) -> int:
    """RFC 4226 §5.3: 31 bits of ``mac`` chosen by its last nibble."""
    offset = mac[-1] & 0x0F
    return int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF


def hotp(secret: bytes, counter: int, digits: int = 6, digest: str = "sha1") -> str:
    """The RFC 4226 HOTP value of ``counter`` as a zero-padded decimal string."""
    mac = hmac.new(secret, counter.to_bytes(8, "big"), digest).digest()
    return f"{dynamic_truncate(mac) % 10**digits:0{digits}d}"


def time_step(now: datetime | None = None, step: int = TOTP_STEP_SECONDS) -> int:
    """RFC 6238 T: whole steps since the Unix epoch."""
    return clock.to_unix(clock.resolve(now)) // step


def totp(
    secret: bytes,
    *,
    now: datetime | None = None,
    step: int = TOTP_STEP_SECONDS,
    digits: int = 6,
    digest: str = "sha1",
) -> str:
    """The RFC 6238 TOTP value at ``now``."""
    return hotp(secret, time_step(now, step), digits, digest)


def verify_totp(
    secret: bytes,
    code: str,
    *,
    now: datetime | None = None,
    window: int = 1,
    step: int = TOTP_STEP_SECONDS,
    digits: int = 6,
) -> int:
    """Check ``code`` against the steps ``now ± window`` and return the matching counter.

    The caller stores the counter and refuses it (or any earlier one) next time: a code is good once.

    :raises SignatureError: no step in the window matches.
    """
    if not isinstance(code, str) or len(code) != digits or not code.isdigit():
        raise SignatureError("wrong one-time password")
    current = time_step(now, step)
    matched = None
    # Every candidate is compared, constant-time, so timing does not reveal which step matched.
    for counter in range(current - window, current + window + 1):
        if hmac.compare_digest(hotp(secret, counter, digits), code):
            matched = counter
    if matched is None:
        raise SignatureError("wrong one-time password")
    return matched


def random_base32_secret(nbytes: int = 20) -> str:
    """A new token seed as unpadded base32 (what authenticator apps and token vendors exchange)."""
    return base64.b32encode(secrets.token_bytes(nbytes)).decode().rstrip("=")


def b32decode(text: str) -> bytes:
    """Decode a base32 seed, tolerating lower case, spaces and missing padding."""
    cleaned = text.replace(" ", "").upper()
    try:
        return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        raise ValueError("not a base32 secret") from None
