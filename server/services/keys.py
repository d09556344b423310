"""The signing key ring: configured keys plus keys rotated in at run time (shared through the database).

Each worker caches the ring for a few seconds; a code signed by a key this worker has not seen yet triggers a
reload (:meth:`KeyRingSource.verify_with_reload`), so a rotation on one worker never breaks codes on another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from qrpay.errors import UnknownKeyError
from qrpay.signing import KeyRing

from ..store import keys as store
from ..store.database import Database

T = TypeVar("T")
_CACHE_SECONDS = 5.0


class KeyRingSource:
    def __init__(self, db: Database, configured: KeyRing) -> None:
        self._db = db
        self._configured = configured
        self._ring = configured
        self._loaded = 0.0
        self._lock = threading.Lock()

    def ring(self) -> KeyRing:
        """The current ring (newest key signs)."""
        if time.monotonic() - self._loaded > _CACHE_SECONDS:
            self.reload()
        return self._ring

    def reload(self) -> KeyRing:
        with self._db.read() as conn:
            rotated = store.all_keys(conn)
        known = set(self._configured.key_ids)
        items = [self._configured.to_config()]
        for key_id, secret in rotated:
            if key_id not in known:
                items.append(f"{key_id}:{secret}")
                known.add(key_id)
        config = ",".join(items)
        with self._lock:
            if config != self._ring.to_config():  # keep the ring (and its derived-key cache) when unchanged
                self._ring = KeyRing.from_config(config)
            self._loaded = time.monotonic()
            return self._ring

    def verify_with_reload(self, verify: Callable[[KeyRing], T]) -> T:
        """Run ``verify(ring)``; on an unknown key id, reload the ring once and try again.

        Not rate-limited on purpose: a key rotated on another worker a moment ago must verify here at once,
        and a reload is one read of a table of a handful of rows.
        """
        try:
            return verify(self.ring())
        except UnknownKeyError:
            return verify(self.reload())

    def rotate(self, now: datetime) -> str:
        """Add a fresh newest key (every worker picks it up); return its id."""
        ring = self.reload().rotated()
        newest = ring.to_config().split(",")[-1]
        key_id, _, secret = newest.partition(":")
        self._db.write(lambda conn: store.add_key(conn, key_id, secret, now))
        self.reload()
        return key_id
