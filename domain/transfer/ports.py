"""The bulk writer behind imports (批量导入)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Protocol

from domain.kernel.access import Scope
from domain.transfer.importing import ImportContext, ImportKind, ImportRecord


class BulkStore(Protocol):
    """Fast paths for imports: the context validation needs, and the writer."""

    def context(self, kind: ImportKind, scope: Scope, *, today: date) -> ImportContext: ...
    def write(
        self, kind: ImportKind, records: Iterator[ImportRecord], *, at: datetime
    ) -> tuple[int, int]: ...
