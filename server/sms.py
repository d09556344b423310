"""SMS gateways (pluggable): where dynamic passwords go.

``dev`` records each message in the database (readable at ``GET /v1/dev/sms`` in development mode, across all
workers); ``none`` refuses to send; ``package.module:factory`` loads a real gateway, ``factory(settings)``
returning an object with ``send(mobile, text)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from .problems import ApiError
from .store import challenges as store
from .store.database import Database


class SmsGateway(Protocol):
    def send(self, mobile: str, text: str) -> None:
        """Deliver ``text`` to ``mobile`` or raise."""


class DevSmsGateway:
    """Records messages instead of sending them; committed before the caller answers."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    def send(self, mobile: str, text: str) -> None:
        self._db.write(lambda conn: store.insert_sms(conn, mobile, text, self._clock()))


class NoSmsGateway:
    def send(self, mobile: str, text: str) -> None:
        raise ApiError("sms_unavailable", "no SMS gateway is configured")


def make_gateway(
    spec: str, settings: dict[str, Any], db: Database, clock: Callable[[], datetime]
) -> SmsGateway:
    """The gateway named by ``QRPAY_SMS_GATEWAY``."""
    if spec == "dev":
        return DevSmsGateway(db, clock)
    if spec == "none":
        return NoSmsGateway()
    module_name, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attr or "make_gateway")
    gateway: SmsGateway = factory(settings)
    return gateway
