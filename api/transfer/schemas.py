"""The transfer feature's request and response bodies."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.transfer.importing import ImportKind


class ImportSummary(BaseModel):
    kind: ImportKind
    rows: int
    created: int
    updated: int
    ignored_columns: list[str]
    dry_run: bool = Field(description="true：仅预览（校验并计数），未写入任何数据")
    message: str = Field(description="如“新增 4 户、更新 2 户，确认导入？”")
