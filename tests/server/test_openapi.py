"""The OpenAPI document lists exactly the app's /v1 routes."""

from __future__ import annotations

import re

from .support import Api


def test_openapi_matches_routes(app, api: Api) -> None:
    doc = api.request("GET", "/v1/openapi.json").json()
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routed |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
