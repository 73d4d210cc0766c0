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


STORE = re.compile(r"^Sql\w*(Repository|Store)$")  # a feature's store; not a unit of work


def _modules() -> Iterator[Path]:
    yield from sorted(API.rglob("*.py"))


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
    """The command line's operations (api/operations.py) included: they call services too."""
    found = [
        f"{path.relative_to(API.parent)}:{line}: {name}(…)"
        for path in _modules()
        for line, name in sorted(_offences(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "read through persistence/<feature>/queries.py instead"


def test_every_feature_router_is_checked() -> None:
    checked = {p.relative_to(API).parts[0] for p in _modules() if p.name == "router.py"}
    assert len(checked) >= 15 and {"checklists", "must_attend", "accounts", "auth"} <= checked
