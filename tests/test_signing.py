"""The key ring: configuration form, rotation, tokens bound to purpose and expiry."""

from datetime import UTC, datetime, timedelta

import pytest

from qrpay import ExpiredError, KeyRing, SignatureError, SigningKey, UnknownKeyError

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_config_round_trip_and_order():
    ring = KeyRing.generate().rotated()
    again = KeyRing.from_config(ring.to_config())
    assert again.key_ids == ring.key_ids and again.current_key_id == ring.key_ids[-1]


@pytest.mark.parametrize("text", ["nokey", "k1:!!!", "bad id:AAAAAAAAAAAAAAAAAAAAAAAA", "k1:c2hvcnQ"])
def test_bad_config_is_refused(text):
    with pytest.raises(ValueError):
        KeyRing.from_config(text)


def test_repr_does_not_leak_secrets():
    key = SigningKey("k1", b"s" * 32)
    assert "sss" not in repr(key) and "sss" not in repr(KeyRing([key]))


def test_token_round_trip_purpose_and_expiry():
    ring = KeyRing.generate()
    token = ring.dumps_token("order-url", {"o": "ord_1"}, expires_at=NOW + timedelta(minutes=5))
    assert ring.loads_token("order-url", token, now=NOW) == {"o": "ord_1"}
    with pytest.raises(SignatureError):
        ring.loads_token("session", token, now=NOW)
    with pytest.raises(ExpiredError):
        ring.loads_token("order-url", token, now=NOW + timedelta(minutes=5))
    with pytest.raises(UnknownKeyError):
        KeyRing.generate().loads_token("order-url", token, now=NOW)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "....", "abc.k1.", 17])
def test_malformed_tokens(token):
    with pytest.raises((SignatureError, UnknownKeyError)):
        KeyRing.generate().loads_token("x", token, now=NOW)


def test_tampered_token():
    ring = KeyRing.generate()
    token = ring.dumps_token("p", {"a": 1}, expires_at=NOW + timedelta(minutes=1))
    _body, kid, sig = token.split(".")
    forged = ring.dumps_token("p", {"a": 2}, expires_at=NOW + timedelta(minutes=1)).split(".")[0]
    with pytest.raises(SignatureError):
        ring.loads_token("p", f"{forged}.{kid}.{sig}", now=NOW)
