"""The ``lianhu`` command line against a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from domain.kernel.errors import DomainError
from persistence.engine import make_engine

runner = CliRunner()


@pytest.fixture
def env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIANHU_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_loads_a_county_once_and_exports_it(env: None, tmp_path: Path) -> None:
    out = run("demo", "--households", "400", "--seed", "3", "--only-if-empty")
    assert "400 households" in out
    # the printed accounts are every account the demo made (auditor was left out)
    printed = out.split("accounts ", 1)[1].split(",", 1)[0].split(" / ")
    assert printed == ["admin", "county", "auditor", "township", "secretary", "member"]
    assert "skipped" in run("demo", "--households", "400", "--only-if-empty")
    target = tmp_path / "households.xlsx"
    assert "wrote 400 rows" in run("export", "households", str(target), "--as", "admin")
    csv_target = tmp_path / "members.csv"
    run("export", "members", str(csv_target), "--as", "county")
    assert csv_target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_import_refuses_a_bad_file_with_its_rows(env: None, tmp_path: Path) -> None:
    run("demo", "--households", "50", "--seed", "3")
    bad = tmp_path / "bad.csv"
    bad.write_text("户编号,户主姓名,所属网格\nX1,,NOPE\n", encoding="gb18030")
    result = runner.invoke(app, ["import", "households", str(bad), "--as", "admin"])
    assert result.exit_code == 1
    assert "row 2" in result.output


def test_create_admin_on_an_empty_database(env: None) -> None:
    out = run("create-admin", "--username", "root", "--password", "a-long-password")
    assert "created admin root" in out


def test_the_console_makes_accounts_through_the_audited_use_case(env: None, db_url: str) -> None:
    run("create-admin", "--username", "root", "--password", "a-long-password")
    for args, code in (
        (["--username", "x", "--password", "1234567890"], "user.weak_password"),
        (["--username", "y", "--password", "a-long-password", "--org-code", "NO"], "org.not_found"),
    ):
        refused = runner.invoke(app, ["create-admin", *args])
        assert isinstance(refused.exception, DomainError) and refused.exception.code == code
    engine = make_engine(db_url)
    with engine.connect() as conn:
        users = conn.execute(text("SELECT username FROM users")).scalars().all()
        made = conn.execute(
            text("SELECT actor FROM audit_log WHERE entity = 'user' AND action = 'create'")
        ).scalars()
        assert (users, list(made)) == (["root"], ["cli"])
    engine.dispose()


def test_openapi_json_is_current(env: None) -> None:
    assert "up to date" in run("openapi", "--check")
