"""The cohort characteristics (Table 1) as report sections and as an Excel sheet.

Both render a ``CharacteristicsTable`` as it is: nothing is recomputed.  The printed
table is the result's own text layout (``CharacteristicsTable.lines``, written by
``model.formatting``), so it reads as the tab and ``imft characteristics`` do; only the
test names move below the table, as footnote marks, so that four groups, the ungrouped
patients and the overall column fit the text width of an A4 portrait page.  The sheet
keeps the numbers (counts, denominators, percentages, medians, p) as numbers, one cell
each, as every sheet of the workbook does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.analysis.characteristics import CONTINUOUS, SHOW_FIRST
from imft_desktop.io.write.excel_export import SheetSpec
from imft_desktop.reports.analyses import CohortAnalyses
from imft_desktop.reports.document import Align, Heading, Paragraph, Section, Table
from imft_desktop.reports.layout import Outcome
from imft_desktop.reports.outline import ReportItem

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.analysis.characteristics import CharacteristicsTable, Variable

#: Indent of a level under its characteristic: no-break spaces (HTML keeps them).
INDENT = "\u00a0\u00a0\u00a0"
#: Excel sheet name (the workbook makes it unique).
SHEET_NAME = "Characteristics"


def characteristics_sections(table: CharacteristicsTable) -> list[Section]:
    """The chapter: heading, the grouping in words, the table with its footnotes (tests,
    notes, warnings) and the methods."""
    out: list[Section] = [Heading(table.title(), 1)]
    if table.grouped:
        out.append(Paragraph(table.grouping_description, "note"))
    marks = dict((text, mark) for mark, text in table.test_marks())
    rows: list[tuple[str, ...]] = []
    for line in table.lines():
        label = line.label if line.kind in ("section", "variable") else INDENT + line.label
        test = (marks.get(line.test, ""),) if table.grouped else ()
        p = (line.p,) if table.grouped else ()
        rows.append((label, *line.cells, *p, *test))
    right: Align = "right"
    align: tuple[Align, ...] = ("left", *((right,) * len(table.shown_columns())),
                                *((right, "center") if table.grouped else ()))
    notes: list[str] = []
    if table.grouped:
        notes.append("Tests (two-sided): " + "; ".join(
            f"{mark} {text}" for mark, text in table.test_marks()) + ".")
    notes.append("n (%): patients, % of those with a known value in the column; assays "
                 "done: % of all patients in the column (not tested = not done).")
    notes.extend(table.notes)
    out.append(Table(header=(table.header(),), rows=tuple(rows), align=align,
                     caption=table.caption(), notes=tuple(notes),
                     widths=_widths(len(align)), font_pt=TABLE_PT))
    out.extend(Paragraph(w, "warning") for w in table.warnings)
    out.extend(Paragraph(m, "note") for m in table.methods)
    return out


#: The table's font: 8 pt (the body's 9 pt leaves "24 (100.0%)" too little room in six
#: count columns, an ungrouped and an overall one beside four groups, on A4 portrait).
TABLE_PT = 8.0
#: Share of the page width (%) for the labels: "retroperitoneum" and "Tested for copy
#: number" then wrap between words, not inside them; the layout sizes the other columns.
LABEL_WIDTH = 20.0


def _widths(n_columns: int) -> tuple[float, ...]:
    if n_columns == 2:
        # the whole cohort in one column: the numbers stand near their labels, not at
        # the far edge of the page
        return (LABEL_WIDTH * 2, 20.0)
    return (LABEL_WIDTH, *(0.0,) * (n_columns - 1))


def characteristics_frame(table: CharacteristicsTable) -> pd.DataFrame:
    """The table with one number a cell: per variable and level (or statistic), each
    shown column's value, its denominator and percentage; the test on the variable's
    first row."""
    shown = table.shown_columns()
    headings = [table.columns[i].heading for i in shown]
    records: list[dict[str, Any]] = []

    def record(v: Variable, first: bool, level: str, statistic: str, values: list[Any],
               of: list[Any] | None = None, percent: list[Any] | None = None) -> None:
        rec: dict[str, Any] = {"Section": v.section, "Characteristic": v.label,
                               "Level": level, "Statistic": statistic}
        for k, h in enumerate(headings):
            rec[h] = values[k]
            rec[f"{h}: of"] = None if of is None else of[k]
            rec[f"{h}: %"] = None if percent is None else percent[k]
        # the test once, on the variable's first row (as printed), not on every level
        t = v.test
        tested = first and t.tested
        rec["Test"] = (t.name if t.tested else f"not tested: {t.not_testable}") \
            if first else None
        rec["Test statistic"] = t.statistic if tested else None
        rec["Statistic name"] = (t.statistic_name or None) if tested else None
        rec["df"] = t.df if tested else None
        rec["p"] = t.p if tested else None
        rec["Sided"] = t.sided if tested else None
        rec["n tested"] = t.n if tested else None  # the groups' patients with a value
        records.append(rec)

    for v in table.variables:
        unit = f" ({v.unit})" if v.unit else ""
        first = True
        if v.kind == CONTINUOUS:
            cells = [v.rows[0].cells[i] for i in shown]
            for statistic, attr in (("median", "median"), ("25th percentile", "q1"),
                                    ("75th percentile", "q3"), ("minimum", "minimum"),
                                    ("maximum", "maximum")):
                record(v, first, "", statistic + unit,
                       [getattr(c.summary, attr) if c.summary else None for c in cells])
                first = False
            record(v, first, "", "n with a value", [c.count for c in cells],
                   [c.denominator for c in cells], [c.percent for c in cells])
        else:
            for row in (v.rows[:1] if v.display == SHOW_FIRST else v.rows):
                cells = [row.cells[i] for i in shown]
                record(v, first, row.level, "n", [c.count for c in cells],
                       [c.denominator for c in cells], [c.percent for c in cells])
                first = False
        if any(v.missing[i] for i in shown):
            record(v, False, "unknown", "n", [v.missing[i] for i in shown])
    frame = pd.DataFrame.from_records(records)
    if not table.grouped:
        frame = frame.drop(columns=["Test", "Test statistic", "Statistic name", "df", "p",
                                    "Sided", "n tested"])
    return frame


def characteristics_sheet(table: CharacteristicsTable) -> SheetSpec:
    """The Excel sheet of the table (numbers as numbers), with its caption, notes,
    warnings and methods as the sheet's notes on the methods sheet."""
    name = f"{SHEET_NAME} by {table.grouping_name}" if table.grouped else SHEET_NAME
    notes = (table.caption() + (f": {table.grouping_description}" if table.grouped else "")
             + ". Counts are patients; '...: of' is the denominator, '...: %' the "
             "percentage of it; 'unknown' rows count the patients without a value.",
             *table.notes, *table.warnings, *table.methods)
    return SheetSpec(name, characteristics_frame(table), tuple(notes))


# ------------------------------------------------------------------ in the reports
def item_table(a: CohortAnalyses, item: ReportItem) -> Outcome:
    """Table 1 by the item's grouping (``by``; none: the whole cohort), computed once for
    the section and its sheet."""
    from imft_desktop.analysis.characteristics import cohort_characteristics

    by = item.param("by") or None
    outcome = a.study("characteristics", by, lambda: cohort_characteristics(a.cohort, by))
    if outcome.ok:
        a.methods.extend("Cohort characteristics", outcome.result.methods)
    return outcome


def characteristics_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """A report's Table 1 section (the default report prints it ungrouped, first)."""
    outcome = item_table(a, item)
    if not outcome.ok:
        return [Heading(item.title, 1),
                Paragraph(f"{item.title} could not be computed for this cohort: "
                          f"{outcome.problem}", "warning")]
    return characteristics_sections(outcome.result)


def characteristics_item_sheets(a: CohortAnalyses, item: ReportItem) -> list[SheetSpec]:
    """The workbook sheet of the item's Table 1 (the same object as printed)."""
    outcome = item_table(a, item)
    return [characteristics_sheet(outcome.result)] if outcome.ok else []


#: The default report's Table 1: the whole cohort, no grouping.
DEFAULT_ITEM = ReportItem.make("characteristics", "Cohort characteristics")


def characteristics_chapter(a: CohortAnalyses) -> list[Section]:
    """The default report's Table 1 chapter."""
    return characteristics_item_sections(a, DEFAULT_ITEM)


def characteristics_sheets(a: CohortAnalyses) -> list[SheetSpec]:
    """The default workbook's Table 1 sheet."""
    return characteristics_item_sheets(a, DEFAULT_ITEM)
