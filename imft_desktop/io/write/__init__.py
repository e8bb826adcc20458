"""Writing: everything the program saves, always atomically.

Excel and CSV exports of a cohort (``excel_export``, ``csv_export``), the blank template
with its instructions (``template``) and the atomic-write helpers that keep the old file
whole when a write is interrupted (``atomic``).

May import: ``imft_desktop.model`` and this package only (stages above it use
``atomic`` to save profiles).
"""
