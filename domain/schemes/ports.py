"""Where the scheme bound to each org unit is kept (联户方案)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from domain.schemes.model import SchemeBinding


class SchemeRepository(Protocol):
    def bindings_on_path(self, path: str) -> Sequence[SchemeBinding]: ...
    def bindings_on_paths(self, paths: Iterable[str]) -> dict[str, Sequence[SchemeBinding]]: ...
    def bound_below(self, path: str) -> Sequence[tuple[int, str, str]]: ...
    def put(self, binding: SchemeBinding, *, at: datetime) -> None: ...
    def remove(self, org_id: int) -> None: ...
