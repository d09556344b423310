"""``qrpay demo``: walk the payment flows end to end against a running server, printing each step.

Uses the credentials ``qrpay serve --demo`` wrote to the instance folder, and only the public HTTP API through
:mod:`qrpay.client` — exactly what a POS, an ATM and a bank app would do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click

from qrpay import parse, render
from qrpay.client import PayerClient, ServerError, TerminalClient
from qrpay.currency import format_minor

from .serve_cmd import DEMO_FILE, instance_path


class Walk:
    def __init__(self, url: str, demo: dict[str, Any], show_codes: bool) -> None:
        self.url = url
        self.demo = demo
        self.pos = TerminalClient(url, demo["pos"]["key_id"], demo["pos"]["secret"])
        self.app = PayerClient(url)
        self.show_codes = show_codes
        self.step = 0

    def say(self, who: str, what: str) -> None:
        self.step += 1
        click.echo(f"{self.step:>2}. [{who}] {what}")

    def admin_get(self, path: str) -> Any:
        answer = self.app.request(
            "GET", path, headers={"Authorization": f"Bearer {self.demo['admin_token']}"}
        )
        return answer.raise_for_error().json()

    def dynamic_password(self, payer: dict[str, Any], purpose: str, amount: int) -> dict[str, Any]:
        challenge = self.app.challenge(
            payer["mobile"], payer["account_alias"], "dynamic_password", purpose, amount
        )
        messages = self.admin_get(f"/v1/dev/sms?mobile={payer['mobile']}")["messages"]
        match = re.search(r"\b(\d{6})\b", messages[0]["text"]) if messages else None
        if match is None:
            raise click.ClickException("the dev SMS gateway recorded no dynamic password")
        self.say("SMS", f"to {payer['mobile'][:3]}****{payer['mobile'][-4:]}: {messages[0]['text']!r}")
        return {
            "method": "dynamic_password",
            "challenge_id": challenge["challenge_id"],
            "code": match.group(1),
        }

    def merchant_presented(self) -> None:
        click.echo("\n== merchant-presented: the payer scans the POS's code ==")
        payer = self.demo["payers"][0]
        order = self.pos.create_order(12850, "CNY", "demo-order-1", description="2 x oolong tea")
        payload = order["qr"]["payload"]
        self.say(
            "POS",
            f"order {order['order_id']} for CNY {format_minor(order['amount'], 'CNY')}, "
            f"code valid until {order['expires_at']}",
        )
        if self.show_codes:
            click.echo(render.to_terminal(payload), nl=False)
        self.say("POS", f"code text: {payload}")
        code = parse(payload)
        self.say(
            "any EMV reader", f"sees {code.get('59')}, amount {code.get('54')} (currency {code.get('53')})"
        )
        scanned = self.app.scan(payload)
        self.say("bank app", f"scanned and verified: {json.dumps(scanned, ensure_ascii=False)}")
        verification = self.dynamic_password(payer, "payment", order["amount"])
        paid = self.app.pay(payload, payer["mobile"], payer["account_alias"], verification)
        self.say(
            "bank app", f"paid {paid['payment_id']}: new balance CNY {format_minor(paid['balance'], 'CNY')}"
        )
        try:
            self.app.pay(payload, payer["mobile"], payer["account_alias"], verification)
        except ServerError as exc:
            self.say("bank app", f"paying the same code again is refused: {exc.status} {exc.code}")
        self.say("POS", f"order status: {self.pos.get_order(order['order_id'])['status']}")
        refund = self.pos.refund(order["order_id"], 2000)
        self.say("POS", f"refunded CNY 20.00: {json.dumps(refund, ensure_ascii=False)}")
        second = self.demo["payers"][1]
        order2 = self.pos.create_order(3600, "CNY", "demo-order-2")
        paid2 = self.app.pay(
            order2["qr"]["payload"],
            second["mobile"],
            second["account_alias"],
            {"method": "static_password", "password": second["static_password"]},
        )
        self.say(
            "bank app",
            f"{second['name'][0]}. paid CNY 36.00 with a static password: balance CNY "
            f"{format_minor(paid2['balance'], 'CNY')}",
        )

    def ledger(self) -> None:
        click.echo("\n== back office ==")
        check = self.admin_get("/v1/admin/ledger/check")
        self.say(
            "back office",
            f"ledger check ok={check['ok']}: "
            + ", ".join(f"{c['name']}={'ok' if c['ok'] else 'FAIL'}" for c in check["checks"]),
        )
        if not check["ok"]:
            raise click.ClickException("ledger invariants failed")


@click.command("demo")
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The running qrpay server.")
@click.option(
    "--credentials",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Demo credentials (default: <instance>/{DEMO_FILE}, written by 'qrpay serve --demo').",
)
@click.option("--codes/--no-codes", default=True, help="Draw each code in the terminal.")
def demo(url: str, credentials: Path | None, codes: bool) -> int:
    """Walk the payment flows end to end against a server started with 'qrpay serve --demo'."""
    path = credentials or instance_path() / DEMO_FILE
    try:
        data = json.loads(path.read_text())
    except OSError:
        raise click.ClickException(
            f"no demo credentials at {path}: start the server with 'qrpay serve --demo'"
        ) from None
    walk = Walk(url.rstrip("/"), data, codes)
    try:
        walk.merchant_presented()
        walk.ledger()
    except ServerError as exc:
        raise click.ClickException(f"server said {exc.status} {exc.code}: {exc.message}") from None
    except OSError as exc:
        raise click.ClickException(f"cannot reach {url}: {exc}") from None
    click.echo("\nall flows completed")
    return 0


COMMANDS = [demo]
