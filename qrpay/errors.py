"""The one exception tree of qrpay, split by how a caller reacts.

::

    QRPayError                      code
    ├── ParseError (ValueError)     bad input text: show it, don't retry
    ├── VerificationError           a code that must not be honoured
    │   ├── SignatureError          signature_invalid   (tampered or forged)
    │   ├── UnknownKeyError         unknown_key         (key id not in the ring)
    │   ├── ExpiredError            code_expired        (too old, or not valid yet)
    │   ├── WrongPurposeError       wrong_purpose       (an order code shown as a withdrawal code…)
    │   └── ReplayError             code_reused         (a single-use code seen twice)
    ├── PaymentError                the bank said no: tell the payer
    │   ├── Declined                declined
    │   ├── InsufficientFunds       insufficient_funds
    │   ├── LimitExceeded           limit_exceeded
    │   └── Frozen                  frozen
    ├── DecodeError                 an image that cannot be read at all
    └── BackendUnavailable          an optional part is not installed: install the extra

Every class carries a stable ``code``; callers branch on classes or codes, never on message text. The server
maps ``code`` to an HTTP status in one table and the CLI maps it to an exit code.
"""

from __future__ import annotations


class QRPayError(Exception):
    """Base class of every error qrpay raises on purpose."""

    code: str = "error"
    exit_code: int = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code


class ParseError(QRPayError, ValueError):
    """Input text is not a valid payload of the format it claims to be.

    ``path`` names the offending object (``"62.05"``, ``"61.4F"``, ``"pa"``); ``offset`` is the character
    (or, for binary formats, byte) offset where the problem starts, or ``None`` when it is about the whole text.
    """

    code = "parse_error"
    exit_code = 2

    def __init__(
        self, message: str, *, code: str = "parse_error", path: str = "", offset: int | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.path = path
        self.offset = offset

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(f"at {self.path}")
        if self.offset is not None:
            where.append(f"offset {self.offset}")
        suffix = f" ({', '.join(where)})" if where else ""
        return f"{self.args[0]}{suffix}"


class VerificationError(QRPayError):
    """A signed code failed verification; it must not be honoured."""

    code = "verification_failed"
    exit_code = 3


class SignatureError(VerificationError):
    code = "signature_invalid"


class UnknownKeyError(VerificationError):
    code = "unknown_key"

    def __init__(self, message: str, *, key_id: str = "") -> None:
        super().__init__(message)
        self.key_id = key_id


class ExpiredError(VerificationError):
    code = "code_expired"

    def __init__(self, message: str, *, expired_at: object = None) -> None:
        super().__init__(message)
        self.expired_at = expired_at


class WrongPurposeError(VerificationError):
    code = "wrong_purpose"

    def __init__(self, message: str, *, expected: str = "", actual: str = "") -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual


class ReplayError(VerificationError):
    code = "code_reused"


class PaymentError(QRPayError):
    """The payment was refused for a payer-side reason."""

    code = "declined"
    exit_code = 5


class Declined(PaymentError):
    code = "declined"


class InsufficientFunds(PaymentError):
    code = "insufficient_funds"


class LimitExceeded(PaymentError):
    code = "limit_exceeded"


class Frozen(PaymentError):
    code = "frozen"


class DecodeError(QRPayError):
    """An image source could not be read at all (missing file, not an image)."""

    code = "unreadable_image"
    exit_code = 2


class BackendUnavailable(QRPayError):
    """An optional dependency (decoder backend, logo renderer…) is not installed or cannot load."""

    code = "backend_unavailable"
    exit_code = 6
