"""A router parses, requires a permission, calls a service or a query and shapes the answer: it
reads through ``persistence/<feature>/queries.py`` (or a service on the unit of work), never by
building a feature's store on its session or writing a ``select()`` of its own (issue 14). The
same holds for the modules beside the routers (``api/must_attend/shown.py`` …): the rule is
checked on every module of the API package, by its syntax tree, so a comment or a string that
names a store is no offence."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"

# TODO(issue 14): api/accounts/ and api/auth/ still build stores and commit in their routers;
# another branch is moving them onto services. The lead removes this exception once it lands.
NOT_YET = frozenset({"accounts", "auth"})
# The command line's operations (first admin, unlock, the demo county): a tool beside the HTTP
# API that reads accounts' rows directly (see the import contracts in pyproject.toml).
TOOLS = frozenset({"operations.py"})

STORE = re.compile(r"^Sql\w*(Repository|Store)$")  # a feature's store; not a unit of work


def _modules() -> Iterator[Path]:
    for path in sorted(API.rglob("*.py")):
        parts = path.relative_to(API).parts
        if parts[0] in NOT_YET or (len(parts) == 1 and parts[0] in TOOLS):
            continue
        yield path


def _offences(source: str) -> Iterator[tuple[int, str]]:
    """(line, name) of each call that builds a store or a ``select()``."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else None
        )
        if name is not None and (STORE.match(name) or name == "select"):
            yield node.lineno, name


def test_the_check_finds_a_store_built_on_a_session_and_a_select() -> None:
    source = (
        "household = SqlHouseholdRepository(session).get(household_id, scope)\n"
        "# SqlOrgRepository(session) in a comment is no offence\n"
        "rows = session.scalars(sa.select(HouseholdRow))\n"
        "uow = SqlAlchemyUnitOfWork(session_factory)\n"
    )
    assert sorted(_offences(source)) == [(1, "SqlHouseholdRepository"), (3, "select")]


def test_no_router_builds_a_store_or_writes_a_select() -> None:
    found = [
        f"{path.relative_to(API.parent)}:{line}: {name}(…)"
        for path in _modules()
        for line, name in sorted(_offences(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "read through persistence/<feature>/queries.py instead"


def test_every_feature_router_is_checked() -> None:
    checked = {p.relative_to(API).parts[0] for p in _modules() if p.name == "router.py"}
    assert len(checked) >= 15 and "checklists" in checked and "must_attend" in checked
