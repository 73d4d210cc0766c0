"""Shared benchmark plumbing: BENCH lines, a real uvicorn server, fresh databases."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import text

from persistence.engine import make_engine

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN_URL = os.environ.get(
    "LIANHU_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_BENCH_DB = "lianhu_bench"


def bench_line(name: str, value: float, unit: str, goal: str, ok: bool) -> str:
    return f"BENCH {name} {value:.3g} {unit} goal={goal} {'ok' if ok else 'FAIL'}"


def fresh_postgres() -> str:
    """A PostgreSQL database of its own, dropped and created anew."""
    engine = make_engine(PG_ADMIN_URL, one_off=True).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {PG_BENCH_DB}"))
    engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def fresh_sqlite(name: str) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{OUT / name}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{OUT / name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(
    database_url: str, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``lianhu serve`` in a subprocess on a free loopback port (``env``: more settings);
    yields (base url, process)."""
    port = free_port()
    env = {
        **os.environ,
        "LIANHU_DATABASE_URL": database_url,
        "LIANHU_LOG_LEVEL": "warning",
        "LIANHU_MAX_UPLOAD_MB": "500",
        **(env or {}),
    }
    # The server's log goes to a file: a pipe nobody reads fills up (64 KiB) and blocks the
    # server at its next line.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below, after the process ends)
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # A loaded machine (a full test run on every core) may take a while to start it; a
        # server that never answers is an error here, not a "connection refused" in the test.
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(log.read().decode(errors="replace") or "server died")
            if time.monotonic() > deadline:
                raise RuntimeError(f"lianhu serve did not answer on {base} within 90 s")
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the process's peak resident set size so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
