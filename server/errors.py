"""Errors as HTTP: one table from error ``code`` to status, and the JSON shape ``{"error": {code, message}}``.

Library errors (:class:`qrpay.errors.QRPayError`) and the server's own (:class:`ApiError`) go through the same
table; anything unexpected is a logged 500 without details.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from qrpay.errors import ParseError, PaymentError, QRPayError, VerificationError

from .problems import STATUS, ApiError

log = logging.getLogger("qrpay.server")


def status_for(exc: QRPayError) -> int:
    if exc.code in STATUS:
        return STATUS[exc.code]
    if isinstance(exc, ParseError | VerificationError | PaymentError):
        return 422  # a code or payment that is well-formed JSON but cannot be honoured
    return 400


def error_response(code: str, message: str, status: int | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status if status is not None else STATUS.get(code, 400)
    return response


def response_for(exc: Exception) -> Response:
    """The JSON error response for any exception (the idempotency layer stores these, too)."""
    if isinstance(exc, ApiError):
        return error_response(exc.code, exc.message, exc.status)
    if isinstance(exc, QRPayError):
        return error_response(exc.code, str(exc), status_for(exc))
    if isinstance(exc, HTTPException):
        code = {
            400: "bad_request",
            401: "unauthenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }.get(exc.code or 500, "http_error")
        response = error_response(code, exc.description or code, exc.code)
        allowed = getattr(exc, "valid_methods", None)
        if exc.code == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response
    log.error("unhandled error", exc_info=exc)
    return error_response("internal_error", "internal error", 500)


def register(app: Flask) -> None:
    """Install the handler that turns every error into the JSON shape."""

    @app.errorhandler(Exception)
    def _any_error(exc: Exception) -> Response:
        return response_for(exc)
