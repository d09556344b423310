"""The database schema (SQLAlchemy Core tables) and its versioning: the app creates and migrates it itself.

Money columns are ``BigInteger`` minor units; times are aware UTC datetimes (stored naive-UTC, returned
aware).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

SCHEMA_VERSION = 1


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zone type)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _id(name: str = "id", *args: Any, **kw: Any) -> Column[str]:
    return Column(name, String(40), *args, **kw)


metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("key_id", String(16), nullable=False, unique=True),
    Column("secret", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# -- ledger --------------------------------------------------------------------------------------------------
accounts = Table(
    "accounts",
    metadata,
    _id(primary_key=True),
    Column("kind", String(20), nullable=False),  # customer | merchant | atm_cash | holds | fees | funding
    _id("owner_id", nullable=True),
    Column("currency", String(3), nullable=False),
    Column("balance", BigInteger, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    # SPEC §4.1: customer balances never below zero — enforced by the ledger and, as a backstop, here.
    CheckConstraint("kind <> 'customer' OR balance >= 0", name="customer_balance_not_negative"),
)

ledger_transactions = Table(
    "ledger_transactions",
    metadata,
    _id(primary_key=True),
    Column(
        "kind", String(30), nullable=False
    ),  # payment | refund | hold | hold_post | hold_void | funding | fee
    Column("reference", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _id("transaction_id", ForeignKey("ledger_transactions.id"), nullable=False, index=True),
    _id("account_id", ForeignKey("accounts.id"), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
)

holds = Table(
    "holds",
    metadata,
    _id(primary_key=True),
    _id("account_id", ForeignKey("accounts.id"), nullable=False),
    _id("suspense_account_id", ForeignKey("accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(10), nullable=False),  # pending | posted | voided
    Column("posted_amount", BigInteger, nullable=True),
    Column("reference", String(80), nullable=False),
    _id("place_transaction_id", nullable=False),
    _id("resolve_transaction_id", nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
)

# -- parties -------------------------------------------------------------------------------------------------
customers = Table(
    "customers",
    metadata,
    _id(primary_key=True),
    Column("name", String(200), nullable=False),
    Column("mobile", String(32), nullable=False),
    Column("account_number", String(34), nullable=False, unique=True),
    Column("account_alias", String(6), nullable=False),
    _id("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("password_hash", String(300), nullable=True),
    Column("balance_prompt", Boolean, nullable=False, default=True),
    Column("frozen", Boolean, nullable=False, default=False),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("total_failures", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("mobile", "account_alias", name="customer_mobile_alias"),
)

otp_tokens = Table(
    "otp_tokens",
    metadata,
    _id(primary_key=True),
    _id("customer_id", ForeignKey("customers.id"), nullable=False, index=True),
    Column("secret", String(200), nullable=False),
    Column("last_counter", BigInteger, nullable=True),  # a TOTP code is good once: later counters only
    Column("created_at", UTCDateTime, nullable=False),
)

usb_keys = Table(
    "usb_keys",
    metadata,
    _id(primary_key=True),
    _id("customer_id", ForeignKey("customers.id"), nullable=False, index=True),
    Column("public_key_pem", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

merchants = Table(
    "merchants",
    metadata,
    _id(primary_key=True),
    Column("name", String(100), nullable=False),
    Column("city", String(60), nullable=False),
    Column("country", String(2), nullable=False),
    Column("mcc", String(4), nullable=False),
    Column("webhook_url", String(500), nullable=True),
    Column("webhook_secret", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

terminals = Table(
    "terminals",
    metadata,
    _id(primary_key=True),
    Column("kind", String(3), nullable=False),  # pos | atm
    _id("merchant_id", ForeignKey("merchants.id"), nullable=True),
    Column("label", String(100), nullable=False),
    Column("location", String(200), nullable=True),
    Column("key_id", String(40), nullable=False, unique=True),
    Column("secret", String(100), nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

request_nonces = Table(
    "request_nonces",
    metadata,
    Column("key_id", String(40), nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("seen_at", UTCDateTime, nullable=False, index=True),
    PrimaryKeyConstraint("key_id", "nonce"),
)

# -- payer verification --------------------------------------------------------------------------------------
challenges = Table(
    "challenges",
    metadata,
    _id(primary_key=True),
    _id(
        "customer_id", nullable=True
    ),  # None when mobile/alias matched nobody: answered alike (no enumeration)
    Column("mobile", String(32), nullable=False, index=True),
    Column("method", String(20), nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("amount", BigInteger, nullable=True),
    Column("code_hash", String(64), nullable=True),
    Column("nonce", String(64), nullable=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("status", String(10), nullable=False),  # open | used | dead
    Column("expires_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

sms_messages = Table(
    "sms_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mobile", String(32), nullable=False, index=True),
    Column("text", String(500), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

limit_usage = Table(
    "limit_usage",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _id("customer_id", nullable=False),
    Column("method", String(20), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("reference", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("limit_usage_customer_time", "customer_id", "created_at"),
)

# -- merchant-presented flow ---------------------------------------------------------------------------------
orders = Table(
    "orders",
    metadata,
    _id(primary_key=True),
    _id("merchant_id", ForeignKey("merchants.id"), nullable=False),
    _id("terminal_id", ForeignKey("terminals.id"), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("description", String(200), nullable=True),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(20), nullable=False),
    Column("refunded_amount", BigInteger, nullable=False, default=0),
    Column("code_payload", Text, nullable=False),
    Column("url_token", Text, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("orders_pending_expiry", orders.c.status, orders.c.expires_at)

payments = Table(
    "payments",
    metadata,
    _id(primary_key=True),
    _id("order_id", ForeignKey("orders.id"), nullable=False, unique=True),  # SPEC §6.2: paid at most once
    _id("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("method", String(20), nullable=False),
    _id("transaction_id", nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

refunds = Table(
    "refunds",
    metadata,
    _id(primary_key=True),
    _id("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    _id("payment_id", ForeignKey("payments.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    _id("transaction_id", nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

used_codes = Table(
    "used_codes",
    metadata,
    Column("purpose", String(20), nullable=False),
    Column("reference", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("purpose", "reference"),
)

# -- cross-cutting -------------------------------------------------------------------------------------------
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(100), nullable=False),
    Column("key", String(100), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("body", Text, nullable=True),
    Column("content_type", String(100), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("scope", "key"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(30), nullable=False),  # balance_prompt | webhook
    _id("customer_id", nullable=True),
    _id("merchant_id", nullable=True),
    Column("event_type", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Index("outbox_customer", "customer_id", "id"),
)

# -- ATM cardless withdrawal (sessions now; authorization/dispense/reverse arrive with the ATM flow) -------
withdrawals = Table(
    "withdrawals",
    metadata,
    _id(primary_key=True),
    _id("terminal_id", ForeignKey("terminals.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),  # see services.states.WITHDRAWAL
    Column("amount", BigInteger, nullable=True),  # None until chosen (on the ATM or in the app)
    Column("currency", String(3), nullable=False),
    Column("code_payload", Text, nullable=False),
    _id("customer_id", nullable=True),
    _id("hold_id", nullable=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
