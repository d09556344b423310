"""HTTP blueprints, one per feature: parse the request, authenticate the caller, call a service."""
