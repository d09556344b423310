"""Key-ring signing of qrpay's dynamic codes and tokens, on top of ``itsdangerous``.

Keys are listed oldest → newest: the newest signs, every listed key verifies, so a rotation never breaks codes
in flight, and dropping a key retires every code it signed (``UnknownKeyError``). Each signature carries the id of
the key that made it, so verification is one HMAC, not one per key.

Every signature is bound to a *purpose* through the itsdangerous salt (``qrpay.<purpose>.v1``): an order code's
signature never verifies as a withdrawal code's, a URL token never as a session token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from itsdangerous import BadData, Signer
from itsdangerous.encoding import base64_decode, base64_encode

from . import clock
from .errors import ExpiredError, SignatureError, UnknownKeyError

_KEY_ID = re.compile(r"^[A-Za-z0-9]{1,16}$")
# A few seconds of tolerance for clocks that run slightly fast (a token "from the future" is otherwise refused).
CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not _KEY_ID.match(self.key_id):
            raise ValueError(f"key id must be 1-16 letters or digits: {self.key_id!r}")
        if len(self.secret) < 16:
            raise ValueError("a signing key needs at least 16 bytes of secret")

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(key_id="k" + secrets.token_hex(3), secret=secrets.token_bytes(32))


class _PurposeSigner:
    """An itsdangerous HMAC-SHA256 signer for one key and purpose, with its derived key computed once.

    ``Signer.get_signature`` re-derives the key (one more HMAC) on every call; on the verify path of a
    payment that is a third of the cost, so the derived key is kept.
    """

    def __init__(self, secret: bytes, purpose: str) -> None:
        signer = Signer(
            secret, salt=f"qrpay.{purpose}.v1", key_derivation="hmac", digest_method=hashlib.sha256
        )
        self._algorithm = signer.algorithm
        self._key = signer.derive_key()

    def sign(self, message: bytes) -> str:
        return base64_encode(self._algorithm.get_signature(self._key, message)).decode("ascii")

    def verify(self, message: bytes, signature: str) -> bool:
        try:
            raw = base64_decode(signature.encode("ascii"))
        except (BadData, UnicodeEncodeError, ValueError):
            return False
        return bool(self._algorithm.verify_signature(self._key, message, raw))  # hmac.compare_digest inside


class KeyRing:
    """An ordered set of signing keys; the last one signs."""

    def __init__(self, keys: Sequence[SigningKey]) -> None:
        if not keys:
            raise ValueError("a key ring needs at least one key")
        ids = [k.key_id for k in keys]
        if len(set(ids)) != len(ids):
            raise ValueError("key ids in a ring must be unique")
        self._keys = tuple(keys)
        self._by_id = {k.key_id: k for k in keys}
        self._signers: dict[tuple[str, str], _PurposeSigner] = {}

    @classmethod
    def generate(cls) -> KeyRing:
        """A fresh ring of one random key (development and tests)."""
        return cls([SigningKey.generate()])

    @classmethod
    def from_config(cls, text: str) -> KeyRing:
        """Parse ``"kid1:<base64url secret>,kid2:<…>"`` (oldest first), the form of ``QRPAY_SIGNING_KEYS``."""
        keys = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            key_id, sep, encoded = item.partition(":")
            if not sep:
                raise ValueError("signing keys are 'id:secret' pairs separated by commas")
            try:
                secret = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except (binascii.Error, ValueError):
                raise ValueError(f"signing key {key_id!r} is not base64url") from None
            keys.append(SigningKey(key_id, secret))
        return cls(keys)

    def to_config(self) -> str:
        return ",".join(
            f"{k.key_id}:{base64.urlsafe_b64encode(k.secret).decode().rstrip('=')}" for k in self._keys
        )

    def rotated(self) -> KeyRing:
        """A new ring with a fresh newest key; the old keys keep verifying."""
        new = SigningKey.generate()
        while new.key_id in self._by_id:
            new = SigningKey.generate()
        return KeyRing([*self._keys, new])

    def without(self, key_id: str) -> KeyRing:
        """A new ring without ``key_id``: everything that key signed stops verifying."""
        return KeyRing([k for k in self._keys if k.key_id != key_id])

    @property
    def current_key_id(self) -> str:
        return self._keys[-1].key_id

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(k.key_id for k in self._keys)

    def __repr__(self) -> str:
        return f"KeyRing(key_ids={list(self.key_ids)!r})"

    def _signer(self, key_id: str, purpose: str) -> _PurposeSigner:
        cached = self._signers.get((key_id, purpose))
        if cached is None:
            key = self._by_id.get(key_id)
            if key is None:
                raise UnknownKeyError(f"unknown signing key {key_id!r}", key_id=key_id)
            cached = _PurposeSigner(key.secret, purpose)
            self._signers[(key_id, purpose)] = cached
        return cached

    def sign(self, purpose: str, message: bytes) -> tuple[str, str]:
        """Sign ``message`` for ``purpose`` with the newest key; return ``(key_id, signature)``.

        The caller must include the key id in ``message`` (qrpay's codes do) so it is bound too.
        """
        key_id = self.current_key_id
        return key_id, self._signer(key_id, purpose).sign(message)

    def verify(self, purpose: str, message: bytes, key_id: str, signature: str) -> None:
        """Check a signature made by :meth:`sign` (constant-time).

        :raises UnknownKeyError: the key id is not in this ring.
        :raises SignatureError: the signature does not match.
        """
        if not self._signer(key_id, purpose).verify(message, signature):
            raise SignatureError("signature does not match")

    def dumps_token(self, purpose: str, payload: dict[str, Any], *, expires_at: datetime) -> str:
        """Serialise ``payload`` into a URL-safe signed token that expires at ``expires_at``.

        Layout: ``<base64url(JSON)>.<key id>.<signature>``; the JSON holds the payload as ``p`` and the expiry
        as ``e`` (unix seconds), so both are signed.
        """
        body = json.dumps(
            {"p": payload, "e": clock.to_unix(expires_at)}, separators=(",", ":"), sort_keys=True
        )
        encoded = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
        key_id = self.current_key_id
        signed = f"{encoded}.{key_id}".encode()
        return f"{encoded}.{key_id}.{self._signer(key_id, purpose).sign(signed)}"

    def loads_token(self, purpose: str, token: str, *, now: datetime | None = None) -> dict[str, Any]:
        """Verify a token from :meth:`dumps_token` and return its payload.

        :raises SignatureError: malformed or tampered. :raises UnknownKeyError: key not in the ring.
        :raises ExpiredError: past its expiry.
        """
        parts = token.split(".") if isinstance(token, str) else []
        if len(parts) != 3 or not parts[0] or not _KEY_ID.match(parts[1]):
            raise SignatureError("malformed token")
        encoded, key_id, signature = parts
        self.verify(purpose, f"{encoded}.{key_id}".encode(), key_id, signature)
        try:
            body = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
            payload, expires = body["p"], int(body["e"])
        except (ValueError, KeyError, TypeError):  # signed by us, so only a programming error lands here
            raise SignatureError("malformed token body") from None
        if clock.to_unix(clock.resolve(now)) >= expires:
            raise ExpiredError("token expired", expired_at=clock.from_unix(expires))
        if not isinstance(payload, dict):
            raise SignatureError("malformed token body")
        return payload
