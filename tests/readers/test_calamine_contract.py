"""What python-calamine returns, pinned: the reader's corrections rely on these facts.

If a calamine upgrade changes one of them (say, error cells stop coming back as ""),
this file fails first and says which correction in xlsx_reader needs revisiting.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineWorkbook


def _sheet_values(path):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(
        skip_empty_area=False
    )


def _book(tmp_path, epoch=None):
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.append(["txt", 5, 2.5, True, dt.date(2021, 3, 12), dt.time(13, 30), "=B1*2", None])
    ws["H1"].value = "#N/A"
    ws["H1"].data_type = "e"
    p = tmp_path / f"c{'1904' if epoch else '1900'}.xlsx"
    wb.save(p)
    return p


def test_calamine_numbers_dates_errors_and_formulas(tmp_path):
    row = _sheet_values(_book(tmp_path))[0]
    assert row[0] == "txt"
    assert row[1] == 5.0 and type(row[1]) is float  # integers come back as floats
    assert row[3] is True
    assert row[4] == dt.date(2021, 3, 12)
    assert row[5] == dt.time(13, 30)
    assert row[6] == ""  # formula without a cached value: blank
    assert row[7] == ""  # error cell #N/A: blank -- hence the structure pass


def test_calamine_shifts_1904_dates_itself(tmp_path):
    row = _sheet_values(_book(tmp_path, CALENDAR_MAC_1904))[0]
    assert row[4] == dt.date(2021, 3, 12)


def test_calamine_midnight_datetime_comes_back_as_date(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append([dt.datetime(2021, 3, 12), dt.datetime(2021, 3, 12, 8, 15)])
    p = tmp_path / "midnight.xlsx"
    wb.save(p)
    assert _sheet_values(p)[0] == [dt.date(2021, 3, 12), dt.datetime(2021, 3, 12, 8, 15)]


def test_calamine_full_area_starts_at_a1(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["C3"] = "x"
    p = tmp_path / "offset.xlsx"
    wb.save(p)
    rows = _sheet_values(p)
    assert rows[2][2] == "x" and len(rows) == 3
