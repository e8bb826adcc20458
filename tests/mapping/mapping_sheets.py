"""A realistic, messy one-row-per-case sheet shared by the mapping tests."""

from __future__ import annotations

from typing import Any

from imft_desktop.io.read.raw import RawSheet

#: The header row of a pathologist's sheet (row 3, under a title and a blank row).
MESSY_HEADERS = [
    "Case", "Patient", "ALK IHC (D5F3)", "ALK IHC ALK1 %", "ROS1 IHC", "ALK FISH %",
    "ALK FISH", "Fusion", "PIK3CA", "TP53 mutation", "22q", "Chr 19", "CNA", "WGS done",
    "Best response", "PFS (months)", "PFS days", "Progression", "Death", "OS (months)",
    "Age", "Sex", "Site", "Comment", "Referring hospital",
]

MESSY_ROWS: list[list[Any]] = [
    ["IMT-01", "P01", "pos", "80%", "neg", 42, "pos", "TPM3-ALK", "H1047R", "wt", "loss",
     "-19", "22q loss; -19", "yes", "PR", 18.2, 554, "yes", "no", 40.1, 34, "F", "lung",
     "", "A"],
    ["IMT-02", "P02", "neg", "<1%", "neg", 3, "neg", "none", "wt", "R273H", "normal",
     "normal", "none", "yes", "PD", 2.1, 64, "yes", "yes", 6.0, 51, "M", "mesentery",
     "relapse 2019", "B"],
    [None] * 25,
    ["IMT-03", "P03", "3+", "5-10%", None, None, "not done", None, None, None, None, None,
     None, "no", "SD", 9.5, 289, "no", "no", 30.0, 12, "F", "bladder", None, "A"],
    ["IMT-04", "P03", "focal", "not done", "neg", 25, "pos", "ETV6::NTRK3, TPM3-ALK",
     "mut", "wt", "loss", "normal", "22q loss", "yes", "CR", 30.0, 913, "no", "no", 48.0,
     12, "F", "bladder", "second sample", "A"],
]


def make_messy_sheet() -> RawSheet:
    """Title row, blank row, header row 3, data from row 4 (row 6 blank)."""
    rows: list[list[Any]] = [
        ["CREATE IMFT translational cohort, export 2021"],
        [],
        list(MESSY_HEADERS),
        *[list(r) for r in MESSY_ROWS],
    ]
    return RawSheet(name="Cases", rows=rows, first_row=1, hidden_rows={7})
