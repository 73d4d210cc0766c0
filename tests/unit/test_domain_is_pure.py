from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {
    "fastapi",
    "sqlalchemy",
    "starlette",
    "pydantic",
    "pydantic_settings",
    "httpx",
    "alembic",
    "openpyxl",
    "api",
    "persistence",
}


def test_domain_imports_no_framework() -> None:
    offenders = []
    for path in (Path(__file__).resolve().parents[2] / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
