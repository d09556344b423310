"""Fixtures: app → client → api, on SQLite and (when reachable) PostgreSQL; a real gunicorn process."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from qrpay.server import create_app

from qrpay.signing import KeyRing

from .support import ADMIN_TOKEN, Api, FakeClock

PG_URL = os.environ.get("QRPAY_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SESSION_TAG = secrets.token_hex(4)


def _pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means "no PostgreSQL here"
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    problem = _pg_reachable()
    if problem is None:
        return True
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but PostgreSQL at {PG_URL} is unreachable: {problem}")
    return False


class PgSchema:
    """A throwaway schema, so concurrent and repeated runs never collide."""

    def __init__(self) -> None:
        self.name = f"qrpay_test_{SESSION_TAG}_{secrets.token_hex(3)}"

    def __enter__(self) -> PgSchema:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, postgres_available: bool) -> Iterator[dict[str, Any]]:
    """Database settings for one test: a SQLite file in the instance folder, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield {}
        return
    if not postgres_available:
        pytest.skip(f"no PostgreSQL at {PG_URL}")
    with PgSchema() as schema:
        yield {"QRPAY_DATABASE_URL": PG_URL, "QRPAY_DATABASE_SCHEMA": schema.name}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(
    tmp_path: Any, backend: dict[str, Any], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    for name in list(os.environ):
        if name.startswith("QRPAY_"):
            monkeypatch.delenv(name)
    return {
        "QRPAY_ENV": "development",
        "QRPAY_INSTANCE_PATH": str(tmp_path / "instance"),
        "QRPAY_ADMIN_TOKEN": ADMIN_TOKEN,
        "QRPAY_SIGNING_KEYS": KeyRing.generate().to_config(),
        "QRPAY_SCRYPT_N": 16,
        "QRPAY_CLOCK": clock,
        "QRPAY_SSE_POLL_SECONDS": 0,
        "QRPAY_PUBLIC_URL": "https://pay.example",
        **backend,
    }


@pytest.fixture
def app(settings: dict[str, Any]) -> Iterator[Any]:
    app = create_app(settings)
    yield app
    app.extensions["qrpay"].db.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def api(client: Any, clock: FakeClock) -> Api:
    return Api(client, clock)
