"""What every service call needs, bundled once per app: database, settings, clock, SMS gateway, key ring,
in-flight markers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .services.keys import KeyRingSource
from .sms import SmsGateway
from .store.database import Database
from .store.inflight import InFlight


@dataclass
class Runtime:
    db: Database
    settings: dict[str, Any]
    clock: Callable[[], datetime]
    sms: SmsGateway
    keys: KeyRingSource
    inflight: InFlight

    def now(self) -> datetime:
        """The current time through the clock seam (``QRPAY_CLOCK``)."""
        return self.clock()

    @property
    def development(self) -> bool:
        return bool(self.settings["QRPAY_ENV"] == "development")
