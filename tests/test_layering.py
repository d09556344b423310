"""Arrows point one way: library ← server, library ← cli; the library never imports either, nor Flask/SQL/OpenCV
at module level; the server never imports the CLI."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_LIBRARY = {
    "flask",
    "sqlalchemy",
    "psycopg",
    "cv2",
    "gunicorn",
    "qrpay.server",
    "qrpay.cli",
    "server",
    "cli",
}


def module_level_imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:  # module level only: lazy imports inside functions are how optional backends load
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_library_imports_no_server_cli_or_heavy_backend():
    offenders = []
    for path in (ROOT / "qrpay").rglob("*.py"):
        for name in module_level_imports(path):
            if name.split(".")[0] in FORBIDDEN_IN_LIBRARY or name in FORBIDDEN_IN_LIBRARY:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_server_never_imports_the_cli():
    offenders = []
    for path in (ROOT / "server").rglob("*.py"):
        source = path.read_text()
        if re.search(r"qrpay\.cli\b|from \.\.cli\b", source):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_cli_reaches_the_server_only_through_its_front_door():
    allowed = {"qrpay.server", "qrpay.server.wsgi"}
    offenders = []
    for path in (ROOT / "cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.startswith("qrpay.server") and module not in allowed:
                offenders.append(f"{path.name}: {module}")
    assert offenders == []
