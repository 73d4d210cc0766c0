"""批量导入导出: CSV / XLSX import (validated whole, all-or-nothing) and scoped export."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.tabular import read_rows, write_xlsx
from domain.access import Permission
from domain.importing import ImportKind
from domain.services.imports import import_rows
from persistence.exports import export_rows

router = APIRouter(tags=["transfer"])


class ImportSummary(BaseModel):
    kind: ImportKind
    rows: int
    created: int
    updated: int
    ignored_columns: list[str]


@router.post(
    "/imports/{kind}",
    response_model=ImportSummary,
    summary="导入 CSV/XLSX（整文件校验，有错则一行不写）",
    dependencies=[require(Permission.IMPORT)],
)
async def import_register(
    kind: ImportKind,
    file: Annotated[UploadFile, File(description="CSV（UTF-8/GB18030）或 XLSX，首行为中文表头")],
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
) -> ImportSummary:
    data = await file.read()
    source = {"file": file.filename, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    summary: dict[str, Any] = await run_in_threadpool(
        lambda: import_rows(
            uow, scope, kind, read_rows(data, file.filename), source=source, at=clock()
        )
    )
    return ImportSummary(**summary)


@router.get(
    "/exports/{kind}",
    summary="导出（仅限管辖范围，按权限脱敏）",
    dependencies=[require(Permission.EXPORT)],
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
)
def export_register(
    kind: ImportKind,
    scope: ScopeDep,
    session: SessionDep,
    format: Annotated[Literal["csv", "xlsx"], Query(description="文件格式")] = "csv",
    encoding: Annotated[
        Literal["utf-8-sig", "utf-8", "gb18030"],
        Query(description="CSV 编码；Excel 用 utf-8-sig 或 gb18030"),
    ] = "utf-8-sig",
) -> Response:
    rows = export_rows(session, scope, kind)
    header = next(rows)
    filename = f"{kind.value}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, header, rows)
        return Response(
            buffer.getvalue(),
            headers=disposition,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return StreamingResponse(
        _csv_chunks(header, rows, encoding),
        headers=disposition,
        media_type=f"text/csv; charset={encoding.replace('-sig', '')}",
    )


def _csv_chunks(header: list[Any], rows: Iterator[list[Any]], encoding: str) -> Iterator[bytes]:
    """The CSV streamed in chunks of rows; a BOM first for utf-8-sig, so Excel reads it right."""
    codec = encoding.removesuffix("-sig")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    prefix = "\ufeff".encode() if encoding.endswith("-sig") else b""
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % 2000 == 0:
            yield prefix + buffer.getvalue().encode(codec)
            prefix = b""
            buffer.seek(0)
            buffer.truncate()
    yield prefix + buffer.getvalue().encode(codec)
