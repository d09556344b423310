"""``qrpay serve``: run the server under gunicorn; ``--demo`` seeds demo data and says how to try the flows.

The CLI reaches the server only through its front door: ``create_app`` (to check the configuration and seed
demo data through the real admin API) and the app string ``qrpay.server.wsgi:app`` handed to gunicorn.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import click

DEMO_FILE = "demo.json"


def instance_path() -> Path:
    return Path(os.environ.get("QRPAY_INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def _check_config() -> Any:
    """Build the app once in this process: migrations run and configuration errors surface as one line."""
    try:
        from qrpay.server import ConfigError, create_app
    except ImportError as exc:
        raise click.ClickException(
            f"the server needs the server extra: pip install 'qrpay[server]' ({exc.name})"
        ) from None
    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _admin(client: Any, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        path, json=body, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": secrets.token_hex(8)}
    )
    if response.status_code >= 300:
        raise click.ClickException(f"seeding {path} failed: {response.status_code} {response.get_data(True)}")
    return dict(response.get_json())


def seed_demo(app: Any, folder: Path) -> dict[str, Any]:
    """Create the demo merchant, terminals and customers through the admin API (once per instance folder)."""
    path = folder / DEMO_FILE
    if path.exists():
        return dict(json.loads(path.read_text()))
    token = app.config["QRPAY_ADMIN_TOKEN"]
    client = app.test_client()
    merchant = _admin(
        client,
        token,
        "/v1/admin/merchants",
        {"name": "Lotus Tea House", "city": "Hangzhou", "country": "CN", "mcc": "5814"},
    )
    pos = _admin(
        client,
        token,
        "/v1/admin/terminals",
        {"kind": "pos", "merchant_id": merchant["merchant_id"], "label": "Counter 1"},
    )
    atm = _admin(
        client,
        token,
        "/v1/admin/terminals",
        {"kind": "atm", "label": "Bank ATM West Lake", "location": "Hangzhou"},
    )
    payers = []
    for name, mobile, account, balance in (
        ("Li Wei", "13800138000", "6222020200112345678", 500_000),
        ("Zhang Min", "13900139000", "6222020200198765432", 80_000),
    ):
        password = "demo-" + secrets.token_hex(4)
        customer = _admin(
            client,
            token,
            "/v1/admin/customers",
            {
                "name": name,
                "mobile": mobile,
                "account_number": account,
                "balance": balance,
                "currency": "CNY",
                "static_password": password,
            },
        )
        payers.append(
            {
                "name": name,
                "mobile": mobile,
                "account_alias": customer["account_alias"],
                "customer_id": customer["customer_id"],
                "static_password": password,
                "balance": balance,
            }
        )
    demo = {"admin_token": token, "merchant": merchant, "pos": pos, "atm": atm, "payers": payers}
    path.touch(mode=0o600)
    path.write_text(json.dumps(demo, indent=1))
    return demo


def _explain(demo: dict[str, Any], url: str) -> None:
    payer = demo["payers"][0]
    click.echo(f"""
qrpay demo server on {url} (development mode, SQLite in {instance_path()})
  demo credentials:   {instance_path() / DEMO_FILE}
  POS terminal:       key {demo["pos"]["key_id"]}
  payer:              mobile {payer["mobile"]}, account alias {payer["account_alias"]}, static password
                      {payer["static_password"]}
  API description:    {url}/v1/openapi.json

Walk every flow end to end against it, in another terminal:
  .venv/bin/qrpay demo --url {url}
""")


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("QRPAY_HOST", "127.0.0.1"), show_default="127.0.0.1")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=lambda: int(os.environ.get("QRPAY_PORT", "8000")),
    show_default="8000",
)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="gunicorn workers.")
@click.option(
    "--threads",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help="Threads per worker (server-sent events hold one each).",
)
@click.option("--demo", is_flag=True, help="Development mode with demo merchant, terminals and payers.")
def serve(host: str, port: int, workers: int, threads: int, demo: bool) -> int:
    """Serve the qrpay API and pages with gunicorn (configured by QRPAY_* variables)."""
    if demo:
        os.environ["QRPAY_ENV"] = "development"
        os.environ.setdefault("QRPAY_INSTANCE_PATH", str(instance_path()))
    app = _check_config()
    url = f"http://{host}:{port}"
    if demo:
        _explain(seed_demo(app, instance_path()), url)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "qrpay.server.wsgi:app",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    # Become gunicorn rather than start it as a child: SIGTERM/SIGINT from a supervisor then reach the
    # server itself, which shuts its workers down; a child would be orphaned when only this process died.
    os.execv(sys.executable, command)  # noqa: S606 - our own interpreter and fixed arguments
    return 0  # not reached


COMMANDS = [serve]
