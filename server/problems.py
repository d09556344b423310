"""Server error codes and their HTTP status: the one table (SPEC §4.3). No Flask, so services raise these."""

from __future__ import annotations

STATUS: dict[str, int] = {
    # 400 bad input
    "bad_request": 400,
    "invalid_json": 400,
    "validation_error": 400,
    "currency_mismatch": 400,
    # 401 unauthenticated
    "unauthenticated": 401,
    "auth_invalid": 401,
    "auth_expired": 401,
    "nonce_reused": 401,
    "verification_failed": 401,
    "session_invalid": 401,
    # 403 forbidden / frozen
    "forbidden": 403,
    "scope_forbidden": 403,
    "frozen": 403,
    # 404 / 405 / 413
    "not_found": 404,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    # 409 state conflict or replayed code
    "code_reused": 409,
    "order_not_pending": 409,
    "order_not_refundable": 409,
    "refund_exceeds_paid": 409,
    "idempotency_in_flight": 409,
    "conflict": 409,
    "already_exists": 409,
    # 410 expired
    "code_expired": 410,
    # 422 unprocessable (a well-formed request the bank cannot act on)
    "signature_invalid": 422,
    "unknown_key": 422,
    "wrong_purpose": 422,
    "idempotency_key_reused": 422,
    "insufficient_funds": 422,
    "limit_exceeded": 422,
    "declined": 422,
    "unsupported": 422,
    # 429 / 503
    "rate_limited": 429,
    "sms_unavailable": 503,
}


class ApiError(Exception):
    """An error the server answers on purpose; its status comes from :data:`STATUS`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 400)
