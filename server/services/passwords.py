"""Static passwords: salted scrypt (RFC 7914), parameters stored with each hash so the cost can be raised."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_R, _P, _DKLEN = 8, 1, 32


def hash_password(password: str, *, n: int) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64url parts) for ``password``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, dklen=_DKLEN, maxmem=2**27)
    return f"scrypt${n}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str | None, *, n: int) -> bool:
    """Constant-time check; with no stored hash, burn the same work and answer False (no enumeration)."""
    if not stored:
        hash_password(password, n=n)
        return False
    try:
        _, n_text, r_text, p_text, salt_text, digest_text = stored.split("$")
        salt, expected = _unb64(salt_text), _unb64(digest_text)
        digest = hashlib.scrypt(
            password.encode(),
            salt=salt,
            n=int(n_text),
            r=int(r_text),
            p=int(p_text),
            dklen=len(expected),
            maxmem=2**27,
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
