"""The API's description and a liveness probe."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..auth import runtime
from ..openapi import document

bp = Blueprint("meta", __name__, url_prefix="/v1")


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI document of these routes."""
    return document(runtime().development)


@bp.get("/health")
def health() -> Any:
    """A bare JSON answer: liveness, and the ceiling the benchmark compares against."""
    return {"ok": True}
