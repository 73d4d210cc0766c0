"""批量导入导出: CSV / XLSX import (validated whole, all-or-nothing) and scoped export."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from api.common import NO_CONTROL, QueryBool
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.problems import PROBLEM_JSON, Problem
from api.transfer.schemas import ImportSummary
from api.transfer.tabular import csv_row, read_rows, write_xlsx
from domain.kernel.access import Permission
from domain.kernel.errors import Invalid, UnsupportedMedia
from domain.transfer.importing import ImportKind, excel_column, template_rows
from domain.transfer.services import import_rows
from persistence.transfer.queries import LEDGER_SHEET, SHEET_NAMES, export_rows, ledger_rows

router = APIRouter(tags=["transfer"])


RAW_TYPES = {
    "text/csv": "upload.csv",
    "application/octet-stream": "upload",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "upload.xlsx",
}


@router.post(
    "/imports/{kind}",
    response_model=ImportSummary,
    summary="导入 CSV/XLSX（整文件校验，有错则一行不写；dry_run 先预览）",
    description="Send the file as multipart/form-data (field `file`, as a browser does) or as "
    "the raw request body with Content-Type text/csv or the XLSX media type: the raw form "
    "skips multipart parsing, which platforms loading a city's registers will want. "
    "With `dry_run=true` the file is checked and counted (新增、更新) and nothing is written: "
    "the preview a person confirms before sending the same file again without it.",
    dependencies=[require(Permission.IMPORT)],
    # Declared here, not among api.main's app-wide statuses: few routes refuse a body type.
    responses={415: {"model": Problem, "content": {PROBLEM_JSON: {}}}},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
                **{
                    media: {"schema": {"type": "string", "format": "binary"}} for media in RAW_TYPES
                },
            },
            "required": True,
        }
    },
)
async def import_register(
    kind: ImportKind,
    request: Request,
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
    filename: Annotated[
        str | None,
        Query(max_length=200, pattern=NO_CONTROL, description="原文件名（原始请求体时）"),
    ] = None,
    dry_run: Annotated[
        QueryBool, Query(description="true：只校验并返回将新增、更新的数目，不写入（导入前的预览）")
    ] = False,
) -> ImportSummary:
    data, name = await _upload(request, filename)
    source = {"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    summary: dict[str, Any] = await run_in_threadpool(
        lambda: import_rows(
            uow, scope, kind, read_rows(data, name), source=source, at=clock(), dry_run=dry_run
        )
    )
    return ImportSummary(**summary)


XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/imports/{kind}/template",
    summary="下载导入模板（XLSX：表头、示例行、说明页）",
    dependencies=[require(Permission.IMPORT)],
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA: {}}}},
)
def import_template(kind: ImportKind) -> Response:
    """The first sheet holds the header and one example row, marked 【示例】 in its first cell
    and skipped on import; the 说明 sheet says what each column takes."""
    buffer = io.BytesIO()
    _template_xlsx(buffer, *template_rows(kind))
    chinese = quote(f"{EXPORT_NAMES[kind]}导入模板.xlsx")
    return Response(
        buffer.getvalue(),
        media_type=XLSX_MEDIA,
        headers={
            "Content-Disposition": f'attachment; filename="{kind.value}-template.xlsx"; '
            f"filename*=UTF-8''{chinese}"
        },
    )


def _template_xlsx(
    out: io.BytesIO, header: list[str], example: list[str], notes: list[list[str]]
) -> None:
    """The header in bold, the example row in grey italics, the 说明 sheet's text column wide."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "导入"
    sheet.append(header)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    for index in range(len(header)):
        sheet.column_dimensions[excel_column(index)].width = 16
    help_sheet = workbook.create_sheet("说明")
    for line in notes:
        help_sheet.append(line)
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 80
    workbook.save(out)


async def _upload(request: Request, filename: str | None) -> tuple[bytes, str]:
    """The uploaded file's bytes and name, from a multipart form or the raw body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        file = form.get("file")
        if not isinstance(file, StarletteUploadFile):
            raise Invalid("import.no_file", "请在表单字段 file 中上传文件", field="file")
        return await file.read(), file.filename or "upload"
    if media not in RAW_TYPES:
        raise UnsupportedMedia(
            "import.unsupported_media_type",
            "请用 multipart/form-data 或 text/csv、XLSX 类型上传",
            field="content-type",
        )
    return await request.body(), filename or RAW_TYPES[media]


EXPORT_NAMES: dict[ImportKind, str] = {
    ImportKind.ORG_UNITS: "组织架构",
    ImportKind.MEMBERS: "党员名册",
    ImportKind.HOUSEHOLDS: "农户名册",
}


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        }
    }
}
FormatQuery = Annotated[Literal["csv", "xlsx"], Query(description="文件格式")]
EncodingQuery = Annotated[
    Literal["utf-8-sig", "utf-8", "gb18030"],
    Query(description="CSV 编码；Excel 用 utf-8-sig 或 gb18030"),
]


# Declared before /exports/{kind}, which would take its name for a register's.
@router.get(
    "/exports/household-ledger",
    summary="导出农户台账（含联系党员、最近走访；仅限管辖范围，按权限脱敏）",
    dependencies=[require(Permission.EXPORT)],
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
def export_household_ledger(
    scope: ScopeDep,
    session: SessionDep,
    format: FormatQuery = "csv",
    encoding: EncodingQuery = "utf-8-sig",
) -> Response:
    rows = ledger_rows(session, scope)
    return _file(rows, "household-ledger", LEDGER_SHEET, format, encoding)


@router.get(
    "/exports/{kind}",
    summary="导出（仅限管辖范围，按权限脱敏）",
    dependencies=[require(Permission.EXPORT)],
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
def export_register(
    kind: ImportKind,
    scope: ScopeDep,
    session: SessionDep,
    format: FormatQuery = "csv",
    encoding: EncodingQuery = "utf-8-sig",
) -> Response:
    rows = export_rows(session, scope, kind)
    return _file(rows, kind.value, EXPORT_NAMES[kind], format, encoding, sheet=SHEET_NAMES[kind])


def _file(
    rows: Iterator[list[Any]],
    name: str,
    title: str,
    format: str,
    encoding: str,
    *,
    sheet: str | None = None,
) -> Response:
    """The rows (header first) as a CSV or XLSX download, saved as ``title`` (RFC 6266
    filename*) by browsers and as the ASCII ``name`` by older clients."""
    header = next(rows)
    chinese = quote(f"{title}.{format}")
    disposition = {
        "Content-Disposition": f'attachment; filename="{name}.{format}"; '
        f"filename*=UTF-8''{chinese}"
    }
    if format == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, header, rows, sheet=sheet or title)
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
    writer.writerow(csv_row(header))
    prefix = "\ufeff".encode() if encoding.endswith("-sig") else b""
    for count, row in enumerate(rows, start=1):
        writer.writerow(csv_row(row))
        if count % 2000 == 0:
            yield prefix + buffer.getvalue().encode(codec)
            prefix = b""
            buffer.seek(0)
            buffer.truncate()
    yield prefix + buffer.getvalue().encode(codec)
