"""Merchant-presented orders (POS terminal): create, read, code images, live events, cancel, refund."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from qrpay import render

from .. import validation as v
from ..auth import runtime, terminal_required
from ..idempotency import idempotent
from ..services import orders, refunds
from ..services.states import FINAL_ORDER_STATES

bp = Blueprint("orders", __name__, url_prefix="/v1/orders")


def public_url() -> str:
    """Base URL of order URL codes: ``QRPAY_PUBLIC_URL`` or ``https://<this host>``."""
    configured = runtime().settings.get("QRPAY_PUBLIC_URL")
    return str(configured) if configured else f"https://{request.host}"


@bp.post("")
@terminal_required("pos")
@idempotent
def create_order() -> Any:
    """Create an order and its signed, short-lived order code."""
    data = v.body()
    result = orders.create(
        runtime(),
        g.terminal,
        amount=v.amount(data),
        currency=v.currency_code(data),
        reference=v.string(data, "reference", max_len=64),
        description=v.string(data, "description", max_len=200, required=False),
        expires_in=v.integer(data, "expires_in", low=1, high=86400),
        public_url=public_url(),
    )
    return result, 201


@bp.get("/<order_id>")
@terminal_required("pos")
def get_order(order_id: str) -> Any:
    """The order, its payment (payer masked) and refunds."""
    return orders.get(runtime(), g.terminal, order_id, public_url())


@bp.get("/<order_id>/qr.png")
@terminal_required("pos")
def order_qr_png(order_id: str) -> Any:
    """The order code as a PNG image."""
    order = orders.load(runtime(), g.terminal, order_id)
    return Response(render.to_png(order["code_payload"]), mimetype="image/png")


@bp.get("/<order_id>/qr.svg")
@terminal_required("pos")
def order_qr_svg(order_id: str) -> Any:
    """The order code as an SVG image."""
    order = orders.load(runtime(), g.terminal, order_id)
    return Response(render.to_svg(order["code_payload"]), mimetype="image/svg+xml")


@bp.get("/<order_id>/events")
@terminal_required("pos")
def order_events(order_id: str) -> Any:
    """Server-sent events: one ``status`` event per change, until the order is final."""
    rt, terminal, base = runtime(), g.terminal, public_url()
    orders.load(rt, terminal, order_id)  # 404 before the stream starts
    poll = float(current_app.config.get("QRPAY_SSE_POLL_SECONDS", 0.5))
    deadline = time.monotonic() + int(rt.settings["QRPAY_SSE_MAX_SECONDS"])

    def stream() -> Iterator[str]:
        last = None
        while True:
            view = orders.get(rt, terminal, order_id, base)
            if view["status"] != last:
                last = view["status"]
                yield f"event: status\ndata: {json.dumps(view, separators=(',', ':'))}\n\n"
            if last in FINAL_ORDER_STATES or time.monotonic() > deadline:
                return
            yield ": keep-alive\n\n"
            time.sleep(poll)

    return Response(stream(), mimetype="text/event-stream", headers={"Cache-Control": "no-store"})


@bp.post("/<order_id>/cancel")
@terminal_required("pos")
@idempotent
def cancel_order(order_id: str) -> Any:
    """Cancel a pending order."""
    v.body()
    return orders.cancel(runtime(), g.terminal, order_id, public_url()), 200


@bp.post("/<order_id>/refunds")
@terminal_required("pos")
@idempotent
def refund_order(order_id: str) -> Any:
    """Refund part or all of a paid order (several refunds allowed; total ≤ paid)."""
    data = v.body()
    return refunds.refund(runtime(), g.terminal, order_id, v.amount(data)), 201
