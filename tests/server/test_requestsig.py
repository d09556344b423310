"""qrpay.requestsig: the QRPAY-HMAC-SHA256 scheme of SPEC §4.2."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from qrpay.errors import ExpiredError, ParseError, SignatureError
from qrpay.requestsig import authorization_header, canonical_request, parse_authorization, verify


def test_spec_formula() -> None:
    body = b'{"amount":100}'
    header = authorization_header(
        "tk_1", "s3cret", "POST", "/v1/orders?x=1", body, ts=1700000000, nonce="abcdefgh"
    )
    canonical = f"POST\n/v1/orders?x=1\n1700000000\nabcdefgh\n{hashlib.sha256(body).hexdigest()}".encode()
    assert canonical_request("post", "/v1/orders?x=1", 1700000000, "abcdefgh", body) == canonical
    sig = (
        base64.urlsafe_b64encode(hmac.new(b"s3cret", canonical, hashlib.sha256).digest()).decode().rstrip("=")
    )
    assert header == f"QRPAY-HMAC-SHA256 key=tk_1,ts=1700000000,nonce=abcdefgh,sig={sig}"


def test_round_trip_and_failures() -> None:
    header = authorization_header("tk_1", "s", "GET", "/v1/x", b"", ts=1000, nonce="n" * 16)
    auth = parse_authorization(header)
    verify("s", auth, "GET", "/v1/x", b"", now=1000)
    with pytest.raises(SignatureError):
        verify("t", auth, "GET", "/v1/x", b"", now=1000)
    with pytest.raises(SignatureError):
        verify("s", auth, "GET", "/v1/y", b"", now=1000)
    with pytest.raises(ExpiredError):
        verify("s", auth, "GET", "/v1/x", b"", now=1301)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer x",
        "QRPAY-HMAC-SHA256 ",
        "QRPAY-HMAC-SHA256 key=a,ts=1,nonce=abcdefgh",
        "QRPAY-HMAC-SHA256 key=a,ts=1,nonce=short,sig=x",
        "QRPAY-HMAC-SHA256 key=a,key=b,ts=1,nonce=abcdefgh,sig=x",
    ],
)
def test_malformed_headers(header: str) -> None:
    with pytest.raises(ParseError):
        parse_authorization(header)
