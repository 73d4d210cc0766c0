"""Reading and writing register files: CSV in UTF-8, UTF-8 with BOM or GB18030 (as Chinese Excel
saves it), UTF-16 with BOM, and XLSX. Pure Python plus openpyxl; no framework."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any

from domain.kernel.errors import Invalid
from domain.transfer.importing import excel_column

XLSX_MAGIC = b"PK\x03\x04"

# What a spreadsheet evaluates at the start of a cell (OWASP CSV injection): a formula, DDE or
# a macro call behind =, +, -, @, a tab or a carriage return; the full-width forms too, which
# Chinese input methods type and some spreadsheets read as the ASCII ones.
FORMULA_LEADS = frozenset("=+-@\t\r＝＋－＠")


def _evaluated(text: str) -> bool:
    """Whether ``text``, once any leading quotes are taken off, starts as a formula would."""
    bare = text.lstrip("'")
    return bool(bare) and bare[0] in FORMULA_LEADS


def inert_cell(value: Any) -> Any:
    """A cell as written to a CSV file: text a spreadsheet would evaluate goes behind a single
    quote (``'=1+1``), and so does text that already looks like one of ours (``''=1+1``), so
    that ``restored_cell`` gives back exactly what was written. Numbers stay numbers."""
    if isinstance(value, str) and _evaluated(value):
        return "'" + value
    return value


def restored_cell(text: str) -> str:
    """A cell as read on import: the quote ``inert_cell`` put before a formula-like text is
    taken off again; any other quote is the file's own and stays."""
    if text.startswith("'") and _evaluated(text):
        return text[1:]
    return text


def decode_text(data: bytes) -> str:
    """Decode a CSV file. A file that is none of the accepted encodings is refused, not guessed."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    if b"\x00" in data:
        raise Invalid(
            "import.bad_encoding",
            "文件编码无法识别：请保存为 UTF-8 或 GB18030 编码的 CSV",
            field="file",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _strict(data, "gb18030")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise Invalid(
            "import.bad_encoding",
            "文件编码无法识别：请保存为 UTF-8 或 GB18030 编码的 CSV",
            field="file",
        ) from None


def read_rows(data: bytes, filename: str | None) -> Iterator[list[str]]:
    """Rows of cells as strings, header first, from CSV or XLSX bytes; a cell our export
    neutralised (``'=…``) is read as it was before (``restored_cell``)."""
    if data.startswith(XLSX_MAGIC) or (filename or "").lower().endswith(".xlsx"):
        return _restored(_xlsx_rows(data))
    text = decode_text(data)
    # a file without a single quote has nothing to restore: a city's file is read at full speed
    return _restored(_csv_rows(text)) if "'" in text else _csv_rows(text)


def _restored(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    return ([restored_cell(c) if c[:1] == "'" else c for c in row] for row in rows)


def _csv_rows(text: str) -> Iterator[list[str]]:
    """CSV rows. Most register files have no quoted fields: those split on commas directly,
    several times faster than the csv module on a city's 565,000 rows."""
    if '"' in text:
        return _quoted_csv_rows(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()  # the file's last line break ends a row, it does not begin one
    # a blank line is an empty row, as the csv module reads it: later rows keep their numbers
    return (line.split(",") if line else [] for line in lines)


def _quoted_csv_rows(text: str) -> Iterator[list[str]]:
    """The csv module's rows; what it cannot parse is refused at its row, never a crash."""
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error:
        raise _unreadable_csv_row(text) from None


def _unreadable_csv_row(text: str) -> Invalid:
    """The refusal of the row the csv module gave up on, found by reading the file again (only
    then: keeping count on every row would slow down a city's import). Past its field size
    limit (128 KiB) a cell is longer than any column takes, and is named like any cell error;
    a stray quote that swallows the rest of the file ends there too, hence the hint."""
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream)
    header: list[str] = []
    number = start = 0
    try:
        while True:
            start = stream.tell()  # where the next row begins: the reader reads whole lines
            row = next(reader, None)
            if row is None:
                break
            number += 1
            if number == 1:
                header = row
    except csv.Error:
        number += 1
    limit = csv.field_size_limit()
    column = _column_past(text, start, limit)
    if column is None:
        message = "无法解析此行（请检查引号是否成对）"
        error: dict[str, Any] = {"row": number, "message": message, "code": "import.bad_csv_row"}
    else:
        message = f"单元格超过 {limit} 个字符（请检查引号是否成对）"
        error = {
            "row": number,
            "column": header[column].strip() if column < len(header) else None,
            "cell": f"{excel_column(column)}{number}",
            "message": message,
            "code": "import.too_long",
        }
    return Invalid(
        "import.rows_invalid",
        f"第 {number} 行{message}，未导入任何数据",
        field="file",
        errors=[error],
    )


def _column_past(text: str, start: int, limit: int) -> int | None:
    """Which field of the CSV row starting at ``start`` grows past ``limit`` characters, read
    as the csv module reads it in its default dialect: a quote opens a quoted field only at the
    field's start, and a doubled quote inside one is one character."""
    column = length = 0
    at_start, quoted = True, False
    i, end = start, len(text)
    while i < end:
        char = text[i]
        i += 1
        if quoted:
            if char == '"':
                if i < end and text[i] == '"':
                    i += 1
                else:
                    quoted = False
                    continue
        elif char == '"' and at_start:
            quoted, at_start = True, False
            continue
        elif char == ",":
            column, length, at_start = column + 1, 0, True
            continue
        elif char in "\r\n":
            return None
        at_start = False
        length += 1
        if length > limit:
            return column
    return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _bad_xlsx() -> Invalid:
    return Invalid(
        "import.bad_xlsx", "无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿", field="file"
    )


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    _refuse_uncached_formulas(data)

    # Read-only openpyxl parses the sheet as the rows are asked for, so a broken file fails
    # here, in the middle of the import, as often as on opening (no sheet at all, XML cut
    # short, a cell reference past XFD): every such failure is the same refusal of the file.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise _bad_xlsx() from None
    try:
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
        except Exception:
            raise _bad_xlsx() from None
        while True:
            try:
                row = next(rows, None)
            except Exception:
                raise _bad_xlsx() from None
            if row is None:
                return
            yield [_cell(v) for v in row]
    finally:
        workbook.close()


def csv_row(row: Sequence[Any]) -> list[Any]:
    """One row as every CSV we write has it: empty for None, each cell inert."""
    return ["" if v is None else inert_cell(v) for v in row]


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _refuse_uncached_formulas(data: bytes) -> None:
    """A formula cell holds its last computed value only once a spreadsheet program has saved
    the file; one written by a script has none and was read as empty (a household of no size,
    no phone). Refused by its cell and column. Only a file with formulas is read twice."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            if not any(_FORMULA_TAG.search(archive.read(n)) for n in sheets):
                return
    except (zipfile.BadZipFile, KeyError, OSError):
        return  # the reading proper refuses a broken file
    from openpyxl import load_workbook

    try:
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return
    errors: list[dict[str, Any]] = []
    try:
        header: list[str] = []
        rows = zip(
            formulas.worksheets[0].iter_rows(),
            values.worksheets[0].iter_rows(values_only=True),
            strict=False,
        )
        for number, (cells, cached) in enumerate(rows, start=1):
            if number == 1:
                header = [_cell(v) for v in cached]
            for index, cell in enumerate(cells):
                if getattr(cell, "data_type", None) != "f":
                    continue
                if index < len(cached) and cached[index] is not None:
                    continue
                ref = f"{excel_column(index)}{number}"
                errors.append(
                    {
                        "row": number,
                        "column": header[index].strip() if index < len(header) else None,
                        "cell": ref,
                        "message": f"{ref} 是公式，没有计算结果：请在 Excel 中打开并保存后再导入，"
                        "或把公式改为数值",
                        "code": "import.formula_uncached",
                    }
                )
    except Exception:
        return
    finally:
        formulas.close()
        values.close()
    if errors:
        first = errors[0]
        raise Invalid(
            "import.rows_invalid",
            f"第 {first['row']} 行“{first['column'] or first['cell']}”列（{first['cell']}）"
            f"等 {len(errors)} 个单元格是没有计算结果的公式，未导入任何数据",
            field="file",
            errors=errors[:200],
        )


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    writer = csv.writer(out)
    writer.writerow(csv_row(header))
    count = 0
    for row in rows:
        writer.writerow(csv_row(row))
        count += 1
    return count


def write_xlsx(
    out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str
) -> int:
    """The rows as a workbook of one sheet: every text a string cell, never a formula (openpyxl
    would write ``=…`` as one), so the value reads as it is and nothing is evaluated."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet)

    def cells(values: Sequence[Any]) -> list[Any]:
        out: list[Any] = []
        for v in values:
            if isinstance(v, str):
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append("" if v is None else v)
        return out

    ws.append(cells(header))
    count = 0
    for row in rows:
        ws.append(cells(row))
        count += 1
    workbook.save(out)
    return count
