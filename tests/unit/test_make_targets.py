"""The Makefile's benchmark targets work on a fresh machine: each installs what it needs, with
``apt-get update`` before any ``apt-get install`` (a fresh Debian has no package lists: exit
100) and ``sudo`` when not root, as browser-deps does. Read with ``make -n``: nothing runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHES = ("bench-import", "bench-assign", "bench-field", "bench-frontend")


def recipe(target: str) -> str:
    out = subprocess.run(
        ["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", BENCHES)
def test_every_bench_target_updates_the_package_lists_before_installing(target: str) -> None:
    text = recipe(target)
    installs = [m.start() for m in re.finditer(r"apt-get install", text)]
    assert installs, f"{target} installs nothing it needs"
    for at in installs:
        line_start = text.rfind("\n", 0, at) + 1
        before = text[line_start:at]
        assert "apt-get update" in before, f"{target}: apt-get install without update first"
        assert "echo sudo" in before, f"{target}: no sudo when not root"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_field_bench_installs_wrk_and_every_bench_a_running_postgres() -> None:
    assert re.search(r"apt-get install [^\n]*\bwrk\b", recipe("bench-field"))
    for target in ("bench-import", "bench-assign", "bench-field"):
        text = recipe(target)
        assert "postgresql" in text and "pg_ctlcluster" in text, target


def test_the_benches_sign_in_with_a_password_the_policy_accepts() -> None:
    """The benches make their account through the same first-admin path as `lianhu create-admin`:
    a password the policy refuses (one holding the username) stopped every bench at setup."""
    from bench.bench_import import PASSWORD
    from domain.accounts.rules import password_problem

    assert password_problem(PASSWORD, "bench") is None
