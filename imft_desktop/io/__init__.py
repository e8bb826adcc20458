"""Readers and writers: from a user's file to a validated ``Cohort``, and back out.

The import pipeline runs in stages, one sub-package each, and depends in one direction
(import-linter keeps it so, see pyproject.toml)::

    project/      a cohort kept in a .imftproj file: create, correct, add the next batch
    importer.py   the one front door: path -> validated Cohort
      |-- mapping/     one-row-per-case sheets: headers, vocabularies, profiles -> raw tables
      |-- interop/     other tools' files: MAF, SEG, cBioPortal, GISTIC -> Cohort
      |-- validation/  value parsers, per-table and cross-table checks, finding codes
      |     (mapping, interop and validation never import each other)
    write/        exports, the template, atomic writes (used by mapping to save profiles)
    store/        the project file's repository over SQL (persistence only: model + sqlite3)
    read/         guards, sniffing, xlsx/ods/xls and text readers, the raw workbook model
"""
