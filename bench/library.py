"""Library micro-benchmarks: µs per operation and the ratio to a baseline measured in the same run.

    python bench/library.py [--quick]

Targets (issue 2): verify a signed order code ≤ 30 µs; parse a ~200-character EMV payload ≤ 40 µs; rendering
within 1.2× of bare segno.
"""

from __future__ import annotations

import argparse
import binascii
import hashlib
import hmac
import io
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import segno

from qrpay import KeyRing, SigningKey, issue_order_code, parse, render, verify_order_code


def per_op_us(func: Callable[[], object], number: int, repeats: int) -> float:
    """Best-of-``repeats`` mean time per call, in µs (the minimum is the least noisy estimate)."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            func()
        samples.append((time.perf_counter() - start) / number * 1e6)
    return min(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="qrpay library benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer iterations (CI smoke run)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    ring = KeyRing([SigningKey("kbench", b"b" * 32)])
    now = datetime.now(UTC)
    kwargs = dict(
        order_ref="ord_20261125_000123",
        merchant_name="Lotus Tea House",
        merchant_city="Hangzhou",
        country_code="CN",
        mcc="5814",
        currency="CNY",
        amount_minor=12850,
        expires_at=now + timedelta(minutes=5),
    )
    order = issue_order_code(ring, **kwargs)
    order_bytes = order.encode()
    key = b"b" * 32

    rows = [
        (
            "parse EMV payload",
            len(order),
            lambda: parse(order),
            "binascii.crc_hqx",
            lambda: binascii.crc_hqx(order_bytes, 0xFFFF),
            20000 // scale,
        ),
        (
            "sign order code",
            len(order),
            lambda: issue_order_code(ring, **kwargs),
            "hmac.digest",
            lambda: hmac.digest(key, order_bytes, hashlib.sha256),
            10000 // scale,
        ),
        (
            "verify order code",
            len(order),
            lambda: verify_order_code(ring, order),
            "hmac.digest",
            lambda: hmac.digest(key, order_bytes, hashlib.sha256),
            20000 // scale,
        ),
        (
            "render PNG",
            len(order),
            lambda: render.to_png(order),
            "segno.make+save png",
            lambda: segno.make(order, error="m", micro=False).save(
                io.BytesIO(), kind="png", scale=8, border=4
            ),
            300 // scale,
        ),
        (
            "render SVG",
            len(order),
            lambda: render.to_svg(order),
            "segno.make+save svg",
            lambda: segno.make(order, error="m", micro=False).save(
                io.BytesIO(), kind="svg", scale=8, border=4, xmldecl=False
            ),
            300 // scale,
        ),
    ]
    repeats = 3 if args.quick else 7
    print(f"{'operation':<20}{'chars':>6}{'µs/op':>10}   {'baseline':<22}{'µs/op':>9}{'ratio':>8}")
    for name, size, func, base_name, base, number in rows:
        ours = per_op_us(func, max(number, 5), repeats)
        theirs = per_op_us(base, max(number, 5), repeats)
        print(f"{name:<20}{size:>6}{ours:>10.1f}   {base_name:<22}{theirs:>9.2f}{ours / theirs:>7.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
