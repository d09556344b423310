"""Payer verification (SPEC §4.2): is this the customer behind ``mobile`` + ``account_alias``?

Two steps, so the slow part never holds the write lock:

1. :func:`verify` checks the answer (scrypt, TOTP, signature…) outside any write transaction. A wrong
answer is
   counted in its own committed transaction (per challenge and per customer; 3 consecutive or 10 cumulative
   failures freeze the alias) and raises ``verification_failed`` — the same answer as an unknown mobile/alias
   pair, so nobody can probe which accounts exist.
2. :func:`consume` runs inside the money-moving transaction: it re-checks the freeze and uses up what is
single
   use (the challenge, the TOTP step) with compare-and-set updates, so a replay racing the first use loses.

USB keys sign the bytes of :func:`qrpay.client.usb_key_message` (documented there): the challenge id, its
nonce
and the transaction digest of :func:`qrpay.client.transaction_digest`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from sqlalchemy import Connection

from qrpay.client import transaction_digest, usb_key_message
from qrpay.errors import Frozen, SignatureError
from qrpay.otp import b32decode, verify_totp

from ..problems import ApiError
from ..runtime import Runtime
from ..store import challenges as challenge_store
from ..store import parties
from .passwords import check_password

METHODS = ("dynamic_password", "static_password", "otp_token", "usb_key")
PURPOSES = ("payment", "withdrawal", "payment_code", "charge_confirmation")
MAX_CONSECUTIVE_FAILURES = 3
MAX_CUMULATIVE_FAILURES = 10
MAX_CHALLENGE_FAILURES = 3
_WRONG = "mobile number, account alias or verification is wrong"


@dataclass(frozen=True)
class Answer:
    """A parsed verification object."""

    method: str
    challenge_id: str | None = None
    code: str | None = None
    password: str | None = None
    signature: str | None = None


@dataclass(frozen=True)
class Transaction:
    """What the payer authorizes; dynamic passwords and USB-key signatures are bound to it."""

    purpose: str
    target: str
    amount: int
    currency: str


@dataclass(frozen=True)
class Proof:
    """A verified answer, still to be consumed in the money transaction."""

    customer_id: str
    method: str
    challenge_id: str | None = None
    otp_token_id: str | None = None
    otp_counter: int | None = None


def parse_answer(obj: Any) -> Answer:
    """Validate a ``verification`` object. :raises ApiError: ``validation_error``."""
    if not isinstance(obj, dict) or obj.get("method") not in METHODS:
        raise ApiError("validation_error", f"verification.method must be one of {', '.join(METHODS)}")
    method = obj["method"]
    needed = {
        "dynamic_password": ("challenge_id", "code"),
        "static_password": ("password",),
        "otp_token": ("code",),
        "usb_key": ("challenge_id", "signature"),
    }[method]
    values: dict[str, str] = {}
    for name in needed:
        value = obj.get(name)
        if not isinstance(value, str) or not value or len(value) > 512:
            raise ApiError("validation_error", f"verification.{name} must be a non-empty string")
        values[name] = value
    return Answer(method=method, **values)


def code_hash(challenge_id: str, code: str) -> str:
    return hashlib.sha256(f"{challenge_id}:{code}".encode()).hexdigest()


def verify(rt: Runtime, mobile: str, account_alias: str, answer: Answer, txn: Transaction) -> Proof:
    """Check ``answer`` for the customer behind ``mobile`` + ``account_alias``.

    :raises Frozen: the alias is frozen. :raises ApiError: ``verification_failed`` for anything wrong.
    """
    now = rt.now()
    with rt.db.read() as conn:
        customer = parties.find_customer(conn, mobile, account_alias)
        challenge = challenge_store.get_challenge(conn, answer.challenge_id) if answer.challenge_id else None
        tokens = (
            parties.otp_tokens_of(conn, customer["id"]) if customer and answer.method == "otp_token" else []
        )
        keys = parties.usb_keys_of(conn, customer["id"]) if customer and answer.method == "usb_key" else []
    if customer is not None and customer["frozen"]:
        raise Frozen("this account alias is frozen; contact the bank")
    n = int(rt.settings["QRPAY_SCRYPT_N"])
    proof: Proof | None = None
    if answer.method == "static_password":
        if (
            check_password(answer.password or "", customer["password_hash"] if customer else None, n=n)
            and customer
        ):
            proof = Proof(customer["id"], answer.method)
    elif customer is None:
        proof = None
    elif answer.method == "dynamic_password":
        if _challenge_ok(challenge, customer["id"], answer.method, txn, now) and hmac.compare_digest(
            str(challenge["code_hash"] if challenge else ""),
            code_hash(answer.challenge_id or "", answer.code or ""),
        ):
            proof = Proof(customer["id"], answer.method, challenge_id=answer.challenge_id)
    elif answer.method == "otp_token":
        proof = _check_otp(customer["id"], tokens, answer.code or "", now)
    elif (
        answer.method == "usb_key"
        and challenge is not None
        and _challenge_ok(challenge, customer["id"], answer.method, txn, now)
        and _usb_signature_ok(keys, answer.signature or "", challenge, txn)
    ):
        proof = Proof(customer["id"], answer.method, challenge_id=challenge["id"])
    if proof is None:
        if customer is not None:
            own = challenge is not None and challenge["customer_id"] == customer["id"]
            _record_failure(rt, customer["id"], challenge["id"] if own and challenge else None)
        raise ApiError("verification_failed", _WRONG)
    return proof


def consume(conn: Connection, proof: Proof) -> dict[str, Any]:
    """Inside the money transaction: re-check the freeze, use up single-use answers; return the customer row.

    :raises Frozen: frozen meanwhile. :raises ApiError: ``verification_failed`` when the answer was used
    already.
    """
    customer = parties.get_customer(conn, proof.customer_id, for_update=True)
    if customer is None:
        raise ApiError("verification_failed", _WRONG)
    if customer["frozen"]:
        raise Frozen("this account alias is frozen; contact the bank")
    if proof.challenge_id is not None and not challenge_store.use_challenge(conn, proof.challenge_id):
        raise ApiError("verification_failed", _WRONG)
    if (
        proof.otp_token_id is not None
        and proof.otp_counter is not None
        and not parties.advance_otp_counter(conn, proof.otp_token_id, proof.otp_counter)
    ):
        raise ApiError("verification_failed", _WRONG)
    parties.reset_consecutive_failures(conn, customer["id"])
    return customer


def _challenge_ok(
    challenge: dict[str, Any] | None, customer_id: str, method: str, txn: Transaction, now: datetime
) -> bool:
    return bool(
        challenge is not None
        and challenge["customer_id"] == customer_id
        and challenge["method"] == method
        and challenge["purpose"] == txn.purpose
        and challenge["status"] == "open"
        and now < challenge["expires_at"]
        and (challenge["amount"] is None or challenge["amount"] == txn.amount)
    )


def _check_otp(customer_id: str, tokens: list[dict[str, Any]], code: str, now: datetime) -> Proof | None:
    for token in tokens:
        try:
            counter = verify_totp(b32decode(token["secret"]), code, now=now, window=1)
        except (SignatureError, ValueError):
            continue
        if token["last_counter"] is None or counter > token["last_counter"]:
            return Proof(customer_id, "otp_token", otp_token_id=token["id"], otp_counter=counter)
    return None


def _usb_signature_ok(
    keys: list[dict[str, Any]], signature: str, challenge: dict[str, Any], txn: Transaction
) -> bool:
    try:
        raw = base64.urlsafe_b64decode(
            signature.replace("+", "-").replace("/", "_") + "=" * (-len(signature) % 4)
        )
    except (binascii.Error, ValueError):
        return False
    digest = transaction_digest(txn.purpose, txn.target, txn.amount, txn.currency)
    message = usb_key_message(challenge["id"], challenge["nonce"] or "", digest)
    for key in keys:
        public_key = load_usb_public_key(key["public_key_pem"])
        try:
            if isinstance(public_key, ed25519.Ed25519PublicKey):
                public_key.verify(raw, message)
            else:
                public_key.verify(raw, message, ec.ECDSA(hashes.SHA256()))
            return True
        except InvalidSignature:
            continue
    return False


def load_usb_public_key(pem: str) -> ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """Load an enrolled key: Ed25519 or ECDSA P-256 only. :raises ValueError: anything else."""
    key = serialization.load_pem_public_key(pem.encode())
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    raise ValueError("USB keys must be Ed25519 or ECDSA P-256")


def _record_failure(rt: Runtime, customer_id: str, challenge_id: str | None) -> None:
    def run(conn: Connection) -> None:
        if challenge_id is not None:
            challenge_store.fail_challenge(conn, challenge_id, MAX_CHALLENGE_FAILURES)
        parties.record_failure(
            conn, customer_id, consecutive=MAX_CONSECUTIVE_FAILURES, cumulative=MAX_CUMULATIVE_FAILURES
        )

    rt.db.write(run)
