"""A file imported into the registers (批量导入)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change


@dataclass(frozen=True, kw_only=True)
class DataImported(Change):
    """A spreadsheet imported (批量导入): one event for the whole file, with its counts."""

    kind: str
    entity: ClassVar[str] = "import"
    action: ClassVar[str] = AuditAction.IMPORT

    def record_kind(self) -> str:
        return self.kind
