"""Read-only Qt table models over data prepared once: DataFrames and raw sheets.

``DataFrameTableModel`` never calls pandas in ``data()``: the DataFrame's columns are
turned into plain Python lists once (``Series.tolist()``) and display text is
formatted on demand from those lists.  With uniform row heights in the view this
scrolls smoothly at 100k rows.

Sorting and filtering go through ``TableFilterProxy``, a ``QSortFilterProxyModel``;
the DataFrame and the model's lists are never reordered.  One deviation from a stock
proxy, for speed: ``QSortFilterProxyModel`` sorts by calling ``data()`` twice per
comparison, which from Python costs ~9 s for 100k rows (measured).  So the proxy's
``sort()`` asks the source for a *presentation order* (a numpy argsort of a per-column
rank, ~0.1 s) announced as a layout change, and the proxy keeps only the filtering,
which costs one ``data()`` call per row on a pre-joined, case-folded row text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

if TYPE_CHECKING:
    import pandas as pd

    from imft_desktop.io.read.raw import RawSheet

#: Role returning a per-column integer rank (the proxy sorts by it).
SORT_RANK_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role (column 0 only) returning the whole row's text, case-folded, for filtering.
ROW_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
#: Role returning the underlying value, unformatted.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


#: Text colour on the light backgrounds of styled cells, whatever the palette.
DARK_TEXT = "#1a1a1a"


@dataclass(frozen=True)
class CellStyle:
    """How cells with a given text look (e.g. "not tested" grey italic)."""

    foreground: str | None = None
    background: str | None = None
    italic: bool = False
    bold: bool = False
    tooltip: str | None = None


def format_value(value: Any) -> str:
    """Display text of a cell value: blank for missing, compact numbers, text as is."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.6g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text in ("nan", "NaT", "<NA>", "None"):
        return ""
    return text


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value) in ("nan", "NaT", "<NA>")


class DataFrameTableModel(QAbstractTableModel):
    """A read-only view of a DataFrame.

    Parameters
    ----------
    frame:
        The data; copied into per-column lists once (the DataFrame is not kept).
    headers:
        Optional display names for the columns (default: the column names).
    styles:
        Display text -> ``CellStyle``, e.g. ``{"not tested": CellStyle(italic=True)}``.
    tooltips:
        Optional ``(row, column) -> str | None`` giving a cell's tooltip.

    A column's display text can be given by ``set_frame(..., display=...)``: column name
    -> ``f(data_row) -> str`` (e.g. a percentage and its CI written by
    ``model.formatting``), while sorting still uses the column's values.
    """

    def __init__(
        self,
        frame: pd.DataFrame | None = None,
        headers: Sequence[str] | None = None,
        styles: Mapping[str, CellStyle] | None = None,
        tooltips: Callable[[int, int], str | None] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._display: dict[int, Callable[[int], str]] = {}
        self._columns: list[list[Any]] = []
        self._names: list[str] = []
        self._headers: list[str] = []
        self._n_rows = 0
        self._ranks: dict[int, Any] = {}
        self._row_text: list[str] | None = None
        #: presentation row -> data row; None means data order
        self._order: list[int] | None = None
        self._inverse: list[int] | None = None
        self._styles: dict[str, tuple[QBrush | None, QBrush | None, QFont | None, str | None]]
        self._styles = {}
        self._tooltips = tooltips
        if styles:
            self.set_styles(styles)
        if frame is not None:
            self.set_frame(frame, headers)

    # ------------------------------------------------------------ data in
    def set_frame(self, frame: pd.DataFrame, headers: Sequence[str] | None = None,
                  display: Mapping[str, Callable[[int], str]] | None = None) -> None:
        """Replace the whole table (model reset); ``display``: see the class docstring."""
        self.beginResetModel()
        self._names = [str(c) for c in frame.columns]
        self._display = {self._names.index(name): f for name, f in (display or {}).items()}
        self._headers = list(headers) if headers is not None else list(self._names)
        self._columns = [frame.iloc[:, j].tolist() for j in range(frame.shape[1])]
        self._n_rows = int(frame.shape[0])
        self._ranks = {}
        self._row_text = None
        self._order = None
        self.endResetModel()

    def set_styles(self, styles: Mapping[str, CellStyle]) -> None:
        self._styles = {}
        for text, style in styles.items():
            bg = QBrush(QColor(style.background)) if style.background else None
            # A light cell keeps dark text: under a dark palette the default text is
            # light and would vanish on it.
            fg_colour = style.foreground or (DARK_TEXT if style.background else None)
            fg = QBrush(QColor(fg_colour)) if fg_colour else None
            font = None
            if style.italic or style.bold:
                font = QFont()
                font.setItalic(style.italic)
                font.setBold(style.bold)
            self._styles[text] = (fg, bg, font, style.tooltip)

    @property
    def column_names(self) -> list[str]:
        return list(self._names)

    def column_index(self, name: str) -> int:
        return self._names.index(name)

    def value(self, row: int, column: int) -> Any:
        """Value at presentation ``row`` (as the model's rows are ordered now)."""
        return self._columns[column][self._order[row] if self._order is not None else row]

    def data_row(self, row: int) -> int:
        """Row of the original DataFrame shown at presentation ``row``."""
        return self._order[row] if self._order is not None else row

    def presentation_row(self, data_row: int) -> int:
        """Inverse of ``data_row``."""
        if self._order is None:
            return data_row
        if self._inverse is None:
            inverse = [0] * len(self._order)
            for i, d in enumerate(self._order):
                inverse[d] = i
            self._inverse = inverse
        return self._inverse[data_row]

    def apply_order(self, column: int, order: Qt.SortOrder) -> None:
        """Present rows sorted by ``column`` (stable; blanks last in both directions)."""
        if self._n_rows == 0 and self._order is None:
            return  # nothing to sort (and no reason to import numpy yet)
        import numpy as np

        if not (0 <= column < len(self._columns)):
            if self._order is None:
                return
            new_order = None
        else:
            ranks = self._column_ranks(column)
            if order == Qt.SortOrder.DescendingOrder:
                blanks = self._blank_mask(column)
                # Reverse the ranks of non-blank cells only; blanks stay at the bottom.
                keys = np.where(blanks, len(ranks) + 1, -ranks)
            else:
                keys = ranks
            new_order = np.argsort(keys, kind="stable").tolist()
        self.layoutAboutToBeChanged.emit()
        old_order = self._order
        persistent = self.persistentIndexList()
        old_data_rows = [
            (old_order[i.row()] if old_order is not None else i.row()) for i in persistent
        ]
        self._order = new_order
        self._inverse = None
        new_indexes = [
            self.index(self.presentation_row(d), i.column())
            for d, i in zip(old_data_rows, persistent)
        ]
        self.changePersistentIndexList(persistent, new_indexes)
        self.layoutChanged.emit()

    def column_values(self, column: int) -> list[Any]:
        return self._columns[column]

    # ------------------------------------------------------------ Qt API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._n_rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if self._order is not None:
            row = self._order[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == SORT_RANK_ROLE:
            return int(self._column_ranks(col)[row])
        if role == ROW_TEXT_ROLE:
            if self._row_text is None:
                self._row_text = self._build_row_text()
            return self._row_text[row]
        if role == VALUE_ROLE:
            return self._columns[col][row]
        if role in (
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.FontRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            style = self._styles.get(self._text(row, col)) if self._styles else None
            if role == Qt.ItemDataRole.ToolTipRole:
                if self._tooltips is not None:
                    tip = self._tooltips(row, col)  # data row, not presentation row
                    if tip:
                        return tip
                return style[3] if style else None
            if style is None:
                return None
            if role == Qt.ItemDataRole.ForegroundRole:
                return style[0]
            if role == Qt.ItemDataRole.BackgroundRole:
                return style[1]
            return style[2]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ------------------------------------------------------------ helpers
    def _text(self, row: int, col: int) -> str:
        """Display text of data row ``row`` in column ``col``."""
        shown = self._display.get(col)
        return shown(row) if shown is not None else format_value(self._columns[col][row])

    def _column_ranks(self, col: int) -> Any:
        ranks = self._ranks.get(col)
        if ranks is None:
            ranks = self._ranks[col] = self._rank(col)
        return ranks

    def _blank_mask(self, col: int) -> Any:
        import numpy as np

        return np.fromiter(
            (_is_missing(v) or v == "" for v in self._columns[col]),
            dtype=bool,
            count=self._n_rows,
        )

    def _rank(self, col: int) -> Any:
        """Rank of every row in column ``col``: numbers (and numeric text) numerically,
        then text case-folded, blanks last; ties keep data order."""
        import numpy as np

        values = self._columns[col]
        n = len(values)
        kinds = np.zeros(n, dtype=np.int8)
        numbers = np.zeros(n, dtype=float)
        texts = [""] * n
        for i, v in enumerate(values):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                if v != v:  # NaN
                    kinds[i] = 2
                else:
                    numbers[i] = v
            elif v is None or v == "" or _is_missing(v):
                kinds[i] = 2
            else:
                text = format_value(v)
                try:
                    numbers[i] = float(text)
                except ValueError:
                    kinds[i] = 1
                    texts[i] = text.casefold()
        # lexsort: the last key is the primary one; it is stable.
        order = np.lexsort((np.array(texts, dtype=str), numbers, kinds))
        ranks = np.empty(n, dtype=np.int64)
        ranks[order] = np.arange(n, dtype=np.int64)
        return ranks

    def _build_row_text(self) -> list[str]:
        cols = [[format_value(v) for v in column] if j not in self._display
                else [self._display[j](i) for i in range(self._n_rows)]
                for j, column in enumerate(self._columns)]
        return ["\t".join(parts).casefold() for parts in zip(*cols)] if cols else []


class TableFilterProxy(QSortFilterProxyModel):
    """Filters on the whole row's text; sorts through the source's presentation order
    when the source is a ``DataFrameTableModel`` (see the module docstring), otherwise
    like any ``QSortFilterProxyModel`` (by the rank role where the source has one)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_RANK_ROLE)
        self.setFilterRole(ROW_TEXT_ROLE)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(False)

    def set_filter_text(self, text: str) -> None:
        """Keep rows whose text contains ``text`` (case-insensitive, literal)."""
        text = text.strip().casefold()
        self.setFilterRegularExpression(
            QRegularExpression(QRegularExpression.escape(text)) if text else QRegularExpression()
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, DataFrameTableModel):
            self.sort_column_ = column
            self.sort_order_ = order
            source.apply_order(column, order)
            return
        super().sort(column, order)


def make_proxy(source: QAbstractTableModel, parent: Any = None) -> TableFilterProxy:
    proxy = TableFilterProxy(parent)
    proxy.setSourceModel(source)
    return proxy


class RawSheetModel(QAbstractTableModel):
    """A read-only preview of a ``RawSheet``: Excel column letters and row numbers as
    headers, error cells and formulas without values marked, hidden rows greyed."""

    def __init__(self, sheet: RawSheet | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.sheet: RawSheet | None = None
        self._n_cols = 0
        self._letters: list[str] = []
        self._highlight: tuple[int, int] | None = None
        if sheet is not None:
            self.set_sheet(sheet)

    def set_sheet(self, sheet: RawSheet | None) -> None:
        from imft_desktop.io.read.raw import column_letter

        self.beginResetModel()
        self.sheet = sheet
        self._n_cols = sheet.n_columns if sheet is not None else 0
        self._letters = [column_letter(j) for j in range(self._n_cols)]
        self._highlight = None
        self.endResetModel()

    def index_for_cell(self, excel_row: int | None, column: int | None) -> QModelIndex:
        """Model index of an Excel cell (row number, 0-based column); column 0 if None."""
        if self.sheet is None or excel_row is None:
            return QModelIndex()
        r = excel_row - self.sheet.first_row
        c = column if column is not None else 0
        if not (0 <= r < self.sheet.n_rows) or not (0 <= c < max(self._n_cols, 1)):
            return QModelIndex()
        return self.index(r, min(c, max(self._n_cols - 1, 0)))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.sheet is None:
            return 0
        return self.sheet.n_rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._n_cols

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        sheet = self.sheet
        if sheet is None or not index.isValid():
            return None
        r, c = index.row(), index.column()
        row = sheet.rows[r]
        value = row[c] if c < len(row) else None
        excel_row = sheet.first_row + r
        if role == Qt.ItemDataRole.DisplayRole:
            key = (excel_row, c)
            if key in sheet.error_cells:
                return sheet.error_cells[key]
            if key in sheet.formula_without_value:
                return sheet.formula_without_value[key]
            if key in sheet.display_text:
                return sheet.display_text[key]
            return _raw_text(value)
        if role == Qt.ItemDataRole.ForegroundRole:
            key = (excel_row, c)
            if key in sheet.error_cells or key in sheet.formula_without_value:
                return QBrush(QColor("#b00020"))
            if excel_row in sheet.hidden_rows or c in sheet.hidden_columns:
                return QBrush(QColor("#8a8a8a"))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            key = (excel_row, c)
            if key in sheet.error_cells:
                return "Excel error value in the source cell"
            if key in sheet.formula_without_value:
                return "Formula without a saved value: open and save the file in Excel"
            if excel_row in sheet.hidden_rows:
                return "Hidden row in the source file"
            return None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.sheet is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self._letters[section] if 0 <= section < self._n_cols else None
            return str(self.sheet.first_row + section)
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Vertical
            and self.sheet.first_row + section in self.sheet.hidden_rows
        ):
            return "Hidden row"
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and orientation == Qt.Orientation.Vertical
            and self.sheet.first_row + section in self.sheet.hidden_rows
        ):
            return QBrush(QColor("#8a8a8a"))
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _raw_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value) if not value.is_integer() else str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        try:
            return str(value.isoformat())
        except TypeError:
            return str(value)
    return str(value)
