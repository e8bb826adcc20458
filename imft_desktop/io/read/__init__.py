"""Stage 1, reading: from a path to a ``RawWorkbook`` of cells, nothing interpreted yet.

File sniffing and guards (``sniff``: type by content, size and zip-bomb caps), the xlsx
reader (``xlsx_reader`` over calamine, with the structure pass ``xlsx_structure`` for
error cells, formulas, merges, hidden rows and ``number_formats``), the CSV/TSV reader
(``text_reader``), the front door ``workbook.read_workbook``, the raw workbook model
(``raw``: ``RawWorkbook``, ``RawSheet``) and the raw records every later stage passes on
(``records``: ``RawTable``, column-oriented, with Excel origin).

May import: ``imft_desktop.model`` and this package only.
"""
