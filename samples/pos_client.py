"""A sample POS: create an order, show its code, wait until the payer has paid (or the code expired).

    python samples/pos_client.py --amount 128.50 [--url http://127.0.0.1:8000] [--reference R-1] [--no-wait]

Credentials come from ``QRPAY_POS_KEY_ID`` / ``QRPAY_POS_SECRET``, or from the demo file that
``qrpay serve --demo`` writes (``instance/demo.json``). Everything goes through :class:`qrpay.client.TerminalClient`,
which signs each request (``QRPAY-HMAC-SHA256``) and sends an ``Idempotency-Key`` with every POST — the same
calls a real terminal makes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

from qrpay import render
from qrpay.client import ServerError, TerminalClient
from qrpay.currency import format_minor, to_minor

FINAL = {"paid", "expired", "cancelled", "partially_refunded", "refunded"}


def credentials(instance: Path) -> tuple[str, str]:
    key_id, secret = os.environ.get("QRPAY_POS_KEY_ID"), os.environ.get("QRPAY_POS_SECRET")
    if key_id and secret:
        return key_id, secret
    try:
        pos = json.loads((instance / "demo.json").read_text())["pos"]
    except (OSError, ValueError, KeyError):
        sys.exit("no POS credentials: set QRPAY_POS_KEY_ID and QRPAY_POS_SECRET, or run 'qrpay serve --demo'")
    return pos["key_id"], pos["secret"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sample POS terminal")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--amount", required=True, help="major units, e.g. 128.50")
    parser.add_argument("--currency", default="CNY")
    parser.add_argument("--reference", default=f"R-{uuid.uuid4().hex[:8]}")
    parser.add_argument(
        "--instance", type=Path, default=Path(os.environ.get("QRPAY_INSTANCE_PATH", "instance"))
    )
    parser.add_argument("--no-wait", action="store_true", help="print the code and stop")
    args = parser.parse_args(argv)
    pos = TerminalClient(args.url, *credentials(args.instance))
    try:
        # A retry after a timeout must reuse the idempotency key, so it is chosen here, once per sale.
        order = pos.create_order(
            to_minor(args.amount, args.currency),
            args.currency,
            args.reference,
            idempotency_key=args.reference,
        )
    except ServerError as exc:
        sys.exit(f"server refused the order: {exc.status} {exc.code}: {exc.message}")
    payload = order["qr"]["payload"]
    print(render.to_terminal(payload), end="")
    print(f"order {order['order_id']}: {args.currency} {format_minor(order['amount'], args.currency)}")
    print(f"code:  {payload}")
    print(f"url:   {order['qr']['url']}")
    print(f"valid until {order['expires_at']}")
    if args.no_wait:
        return 0
    status = order["status"]
    while status not in FINAL:
        time.sleep(1)  # a real POS would hold GET /v1/orders/{id}/events open instead of polling
        status = pos.get_order(order["order_id"])["status"]
        print(f"status: {status}", flush=True)
    return 0 if status == "paid" else 1


if __name__ == "__main__":
    raise SystemExit(main())
