"""Benchmarks of two trees side by side: this checkout and an earlier commit, in one run.

    python -m bench.compare REF bench-import bench-assign bench-field

The earlier commit is checked out as a git worktree under ``var/bench-ref/`` (its own venv, made
by its own ``make install``); each benchmark target then runs in the earlier tree and in this one,
one after the other on the same machine and databases. Every figure is printed twice, tagged with
the tree it comes from (``import_postgres@a2fe928``, ``import_postgres@HEAD``), and once more as
the ratio of now to then (``import_postgres.vs_ref``), judged against a noise margin: no worse
than ``MARGIN`` in the figure's own direction (a goal ``<…`` is lower-better, ``>…`` higher).
Exits 0 either way, like every benchmark here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT, bench_line

# A shared two-core machine moves a figure by ±10 % from one run to the next.
MARGIN = 0.15
LINE = re.compile(r"^BENCH (\S+) (\S+) (\S+) goal=(\S+) (ok|FAIL)$")


def ref_tree(ref: str) -> Path:
    """A worktree of ``ref`` with its dependencies installed, reused when present."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    tree = ROOT / "var" / "bench-ref" / sha
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True)
    subprocess.run(["make", "-s", "install"], cwd=tree, check=True)
    return tree


Figure = tuple[float, str, str, str]  # value, unit, goal, the rest of its line


def run(tree: Path, target: str) -> dict[str, Figure]:
    """The figures one benchmark target prints in ``tree``, by name."""
    done = subprocess.run(["make", "-s", target], cwd=tree, capture_output=True, text=True)
    figures: dict[str, Figure] = {}
    for line in done.stdout.splitlines():
        match = LINE.match(line.strip())
        if match:
            name, value, unit, goal, _ = match.groups()
            figures[name] = (float(value), unit, goal, line.strip().split(" ", 2)[2])
    if not figures:
        sys.stderr.write(f"{target} in {tree} printed no figures:\n{done.stderr[-2000:]}\n")
    return figures


def judged(name: str, then: float, now: float, unit: str, goal: str) -> str:
    if then == 0:
        return bench_line(f"{name}.vs_ref", now, unit, f"={then:g}", now == then)
    ratio = now / then
    if goal.startswith(">"):
        return bench_line(f"{name}.vs_ref", ratio, "x", f">={1 - MARGIN:g}", ratio >= 1 - MARGIN)
    return bench_line(f"{name}.vs_ref", ratio, "x", f"<={1 + MARGIN:g}", ratio <= 1 + MARGIN)


def main(ref: str, targets: list[str]) -> None:
    tree = ref_tree(ref)
    tag = tree.name
    # The second of two runs inherits the first's aftermath (its checkpoints, a warm or a busy
    # cache): BENCH_COMPARE_ORDER=head-first runs this tree first, to see what order alone does.
    head_first = os.environ.get("BENCH_COMPARE_ORDER") == "head-first"
    for target in targets:
        if head_first:
            now = run(ROOT, target)
            then = run(tree, target)
        else:
            then = run(tree, target)
            now = run(ROOT, target)
        for name, (value, unit, goal, rest) in then.items():
            print(f"BENCH {name}@{tag} {rest}")
            if name in now:
                new, _, _, rest_now = now[name]
                print(f"BENCH {name}@HEAD {rest_now}")
                print(judged(name, value, new, unit, goal), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
