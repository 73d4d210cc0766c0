"""The API's surface as integrators depend on it: every operation with the statuses it declares,
and every problem ``code`` the code base can answer with. Compared against a snapshot taken before
the feature-package restructure (issue 14), so a move that loses an operation, a status or an
error code fails (tests/e2e/test_api_surface_kept.py).

Run as a script to print the surface of a source tree: ``python -m tests.api_surface ROOT``."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ERROR_CLASSES = frozenset(
    {
        "DomainError",
        "NotFound",
        "Forbidden",
        "Unauthenticated",
        "Locked",
        "RuleBroken",
        "Invalid",
        "Conflict",
        "TooLarge",
        "UnsupportedMedia",
    }
)
CODE_PACKAGES = ("api", "domain", "persistence")


def operations(openapi: dict[str, Any]) -> dict[str, list[str]]:
    """``"METHOD /path"`` → its declared statuses, sorted."""
    return {
        f"{method.upper()} {path}": sorted(op.get("responses", {}))
        for path, item in openapi["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "responses" in op
    }


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _codes_in(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        first = node.args[0] if node.args else None
        if (
            _called_name(node) in ERROR_CLASSES
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            yield first.value
        for kw in node.keywords:
            if (
                kw.arg == "code"
                and isinstance(kw.value, ast.Constant)
                and isinstance(kw.value.value, str)
            ):
                yield kw.value.value


def error_codes(root: Path) -> list[str]:
    """Every problem code written as a literal in the application's packages under ``root``."""
    found: set[str] = set()
    for package in CODE_PACKAGES:
        for path in (root / package).rglob("*.py"):
            found.update(_codes_in(ast.parse(path.read_text(encoding="utf-8"))))
    return sorted(found)


def surface(root: Path) -> dict[str, Any]:
    openapi = json.loads((root / "openapi.json").read_text(encoding="utf-8"))
    return {"operations": operations(openapi), "error_codes": error_codes(root)}


if __name__ == "__main__":
    json.dump(surface(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
