"""Mutation testing of the domain's rule modules (`make mutation`; not run in CI).

One mutation at a time is made in a rule module — a comparison turned (``<`` ↔ ``<=``, ``==`` ↔
``!=``, ``in`` ↔ ``not in``), an operator swapped (``+`` ↔ ``-``, ``|`` → ``&``, ``and`` ↔
``or``), a number moved by one, a boolean flipped, a ``not`` dropped, a condition negated, an
element left out of a set literal (a permission from a role), a ``raise`` turned into ``pass``,
a returned value turned into ``None`` — and the module's tests are run against it. A mutant the
tests fail on is killed; one they pass survived: a rule no test holds. The score per module is
the share killed; the survivors are listed with their line.

The work happens in a copy of the repository (the worktree is never touched); each mutant runs
its module's tests in a fresh interpreter, stopping at the first failure. A line ending in
``# pragma: no mutate`` is left alone (an equivalent mutant, say). Mutmut was not used: it
rewrites the whole tree into ``mutants/`` and its trampolines do not reach modules imported
before the test session starts (conftest imports the whole app).

    python -m bench.mutation                       # masking, visit, access
    python -m bench.mutation domain/visits/model.py -v    # one module, each mutant as it runs
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Each rule module with the tests that hold its rules (fast unit tests: hundreds of mutants).
MODULES: dict[str, list[str]] = {
    "domain/registers/masking.py": [
        "tests/unit/test_masking.py",
        "tests/unit/test_masking_and_lockout.py",
    ],
    "domain/visits/model.py": ["tests/unit/test_visit_rules.py"],
    "domain/kernel/access.py": ["tests/unit/test_access_rules.py"],
}
TARGET = 0.90
COPIED = ("api", "domain", "persistence", "migrations", "tests", "bench")
COPIED_FILES = ("pyproject.toml", "alembic.ini")

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Add,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    description: str


class _Mutator(ast.NodeTransformer):
    """Walks the tree in a fixed order, numbering every place a mutation can be made; with
    ``target`` set it makes that one mutation and leaves everything else as it was."""

    def __init__(self, skip_lines: set[int], target: int = -1) -> None:
        self.skip_lines = skip_lines
        self.target = target
        self.sites: list[Mutant] = []

    def _site(self, node: ast.AST, description: str) -> bool:
        """Number a mutation site; True when it is the one to make."""
        line = getattr(node, "lineno", 0)
        if line in self.skip_lines:
            return False
        index = len(self.sites)
        self.sites.append(Mutant(index, line, description))
        return index == self.target

    # Docstrings and annotations carry no rule.
    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node
        return self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.returns = None
        node.body = [self.visit(s) for s in node.body]
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [
            self.visit(d) if d is not None else None for d in node.args.kw_defaults
        ]
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = _COMPARE_SWAPS.get(type(op))
            if swap and self._site(node, f"{type(op).__name__} → {swap.__name__}"):
                node.ops[i] = swap()
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = _BINOP_SWAPS.get(type(node.op))
        if swap and self._site(node, f"{type(node.op).__name__} → {swap.__name__}"):
            node.op = swap()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        swap: type[ast.boolop] = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._site(node, f"{type(node.op).__name__} → {swap.__name__}"):
            node.op = swap()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._site(node, "not dropped"):
            return node.operand
        if isinstance(node.op, ast.USub) and self._site(node, "unary minus dropped"):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            if self._site(node, f"{value} → {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, int | float):
            for moved in (value + 1, value - 1):  # both sides of a limit: 24 → 25 and 23
                if self._site(node, f"{value} → {moved}"):
                    return ast.copy_location(ast.Constant(moved), node)
        return node

    def visit_Set(self, node: ast.Set) -> ast.AST:
        self.generic_visit(node)
        if len(node.elts) > 1:
            for i, elt in enumerate(list(node.elts)):
                if self._site(elt, f"set element {ast.unparse(elt)} left out"):
                    node.elts = node.elts[:i] + node.elts[i + 1 :]
                    break
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        self.generic_visit(node)
        if self._site(node, "condition negated"):
            node.test = ast.UnaryOp(ast.Not(), node.test)
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        self.generic_visit(node)
        if self._site(node, "raise → pass"):
            return ast.copy_location(ast.Pass(), node)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        if (
            node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
            and self._site(node, "return None")
        ):
            node.value = ast.Constant(None)
        return node


def _skip_lines(source: str) -> set[int]:
    return {n for n, line in enumerate(source.splitlines(), start=1) if "pragma: no mutate" in line}


def mutants_of(source: str) -> list[Mutant]:
    m = _Mutator(_skip_lines(source))
    m.visit(ast.parse(source))
    return m.sites


def mutated(source: str, target: int) -> str:
    m = _Mutator(_skip_lines(source), target)
    tree = ast.fix_missing_locations(m.visit(ast.parse(source)))
    return ast.unparse(tree)


def _copy(to: Path) -> None:
    for name in COPIED:
        shutil.copytree(
            ROOT / name, to / name, ignore=shutil.ignore_patterns("__pycache__", "artifacts")
        )
    for name in COPIED_FILES:
        shutil.copy(ROOT / name, to / name)


def _passes(workdir: Path, tests: list[str], timeout: float) -> bool:
    env = {**os.environ, "PYTHONPATH": str(workdir), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("LIANHU_TEST_DATABASE_URL", None)
    # The rules' unit tests need no fixture: without conftest (which builds the app) and
    # xdist each run starts in a third of the time.
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:xdist", "-p", "no:cacheprovider"]
    cmd += ["--noconftest", "--hypothesis-seed=0", *tests]
    try:
        done = subprocess.run(
            cmd, cwd=workdir, env=env, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return False  # a mutant that loops forever is caught too
    return done.returncode == 0


def run_module(
    module: str, tests: list[str], *, verbose: bool, say: Callable[[str], None]
) -> tuple[int, int, list[Mutant]]:
    """(killed, total, survivors) of one module."""
    source = (ROOT / module).read_text(encoding="utf-8")
    sites = mutants_of(source)
    survivors: list[Mutant] = []
    with tempfile.TemporaryDirectory(prefix="lianhu-mutation-") as tmp:
        work = Path(tmp)
        _copy(work)
        started = time.monotonic()
        if not _passes(work, tests, timeout=600):
            raise SystemExit(f"{module}: its tests fail before any mutation: fix them first")
        baseline = time.monotonic() - started
        target = work / module
        for mutant in sites:
            target.write_text(mutated(source, mutant.index), encoding="utf-8")
            killed = not _passes(work, tests, timeout=max(60.0, baseline * 10))
            if not killed:
                survivors.append(mutant)
            if verbose:
                state = "killed" if killed else "SURVIVED"
                say(f"  {module}:{mutant.line} {mutant.description}: {state}")
        target.write_text(source, encoding="utf-8")
    return len(sites) - len(survivors), len(sites), survivors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="rule modules (default: all configured)")
    parser.add_argument("-v", "--verbose", action="store_true", help="each mutant as it runs")
    args = parser.parse_args()
    chosen = args.modules or list(MODULES)
    results: list[tuple[str, int, int]] = []
    for module in chosen:
        if module not in MODULES:
            raise SystemExit(f"{module}: no tests configured for it in bench/mutation.py")
        print(f"{module}: {len(mutants_of((ROOT / module).read_text()))} mutants", flush=True)
        killed, total, survivors = run_module(
            module, MODULES[module], verbose=args.verbose, say=lambda s: print(s, flush=True)
        )
        for s in survivors:
            print(f"  survived {module}:{s.line} {s.description}", flush=True)
        results.append((module, killed, total))
    print("\nmutation score (killed / mutants)")
    low = False
    for module, killed, total in results:
        score = killed / total if total else 1.0
        low |= score < TARGET
        print(f"  {module:<24} {killed:>4} / {total:<4} {score:6.1%}")
    if low:
        print(f"below {TARGET:.0%} somewhere: add the tests the survivors point at")
        sys.exit(1)


if __name__ == "__main__":
    main()
