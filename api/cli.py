"""The ``lianhu`` command line: serve, migrate, demo, import, export, create-admin, openapi."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.settings import get_settings

app = typer.Typer(help="联户 Lianhu — 党员联系户平台", no_args_is_help=True)


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest schema (alembic upgrade head)."""
    from persistence.migrations import upgrade

    upgrade(get_settings().database_url)
    typer.echo("database is at head")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="default LIANHU_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="default LIANHU_PORT")] = None,
    workers: Annotated[int | None, typer.Option(help="default LIANHU_WORKERS")] = None,
) -> None:
    """Serve the API with uvicorn (several workers share nothing but the database)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "api.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
        access_log=False,  # our middleware writes one structured line per request
    )


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    org_code: Annotated[str | None, typer.Option(help="org code; default the whole tree")] = None,
) -> None:
    """Create a system administrator (管理员) whose scope is the whole tree or one subtree."""
    from api.operations import create_admin_account

    account = create_admin_account(
        get_settings().database_url, username=username, password=password, org_code=org_code
    )
    typer.echo(f"created admin {account.username} over {account.org_path}")


@app.command("unlock")
def unlock(username: str) -> None:
    """Lift the login lock of an account (解除登录锁定), e.g. the only administrator's."""
    from api.operations import unlock_account

    cleared = unlock_account(get_settings().database_url, username)
    typer.echo(f"unlocked {username} ({cleared} counters cleared)")


class Kind(StrEnum):
    org_units = "org_units"
    members = "members"
    households = "households"


@app.command("sweep")
def sweep() -> None:
    """The deadline sweep once (督办): 预警, 超期, 黄牌/红牌, 台账到期复查 on every open issue.
    The server also sweeps every LIANHU_SWEEP_MINUTES; run this from cron where that is 0."""
    from api.operations import sweep_issues

    marked, marks = sweep_issues(get_settings().database_url)
    typer.echo(f"swept: {marked} issues marked, {marks} marks")


@app.command("import")
def import_file(
    kind: Kind,
    path: Path,
    as_user: Annotated[str, typer.Option("--as", help="username whose scope applies")] = "admin",
) -> None:
    """Import a CSV or XLSX file (validated whole first; nothing written if any row is bad)."""
    from api.operations import run_import

    try:
        report = run_import(
            get_settings().database_url, kind=kind.value, path=path, username=as_user
        )
    except Exception as exc:
        errors = getattr(exc, "errors", None)
        typer.echo(f"import refused: {exc}", err=True)
        for err in (errors or [])[:50]:
            typer.echo(
                f"  row {err.get('row')} {err.get('column')}: {err.get('message')}", err=True
            )
        raise typer.Exit(1) from None
    typer.echo(json.dumps(report, ensure_ascii=False))


@app.command("export")
def export_file(
    kind: Kind,
    path: Path,
    as_user: Annotated[str, typer.Option("--as", help="username whose scope applies")] = "admin",
) -> None:
    """Export a register as CSV (UTF-8 with BOM) or XLSX, by the file's extension."""
    from api.operations import run_export

    count = run_export(get_settings().database_url, kind=kind.value, path=path, username=as_user)
    typer.echo(f"wrote {count} rows to {path}")


@app.command()
def demo(
    households: Annotated[int, typer.Option(help="number of households")] = 3000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same county)")] = 7,
    only_if_empty: Annotated[bool, typer.Option(help="do nothing when data exists")] = False,
) -> None:
    """Generate a realistic synthetic county and load it (demo accounts: see README)."""
    from api.operations import load_demo

    typer.echo(
        load_demo(
            get_settings().database_url,
            households=households,
            seed=seed,
            only_if_empty=only_if_empty,
        )
    )


@app.command()
def openapi(
    out: Annotated[Path, typer.Option(help="where to write")] = Path("openapi.json"),
    check: Annotated[bool, typer.Option(help="fail when the file differs")] = False,
) -> None:
    """Write (or check) openapi.json generated from the app."""
    from api.main import create_app

    text = json.dumps(create_app().openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            typer.echo(f"{out} is out of date: run `make openapi` and commit it", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out} is up to date")
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}")


if __name__ == "__main__":
    app()
