"""Child process for the kill -9 test: changes a project step after step until killed.

    python store_crash_child.py PROJECT FIRST_STEP

Steps cycle through the kinds of change a project sees: a correction, a large setting
(a long transaction), a save of the whole cohort and the next batch with one new case.
Each step's number can be read from its audit entry; after each commit the number is printed.
"""

from __future__ import annotations

import sys

import pandas as pd

from imft_desktop.io.project import Project
from imft_desktop.io.project.compare import compare
from imft_desktop.model.cohort import Cohort, SourceFile

KINDS = ("correct", "settings", "save", "add file")


def step_kind(i: int) -> str:
    return KINDS[i % len(KINDS)]


def one_case_batch(i: int) -> Cohort:
    sid, pid = f"K-{i}", f"KP-{i}"
    return Cohort.from_tables(
        {"samples": pd.DataFrame({"sample_id": [sid], "patient_id": [pid]}),
         "outcomes": pd.DataFrame({"patient_id": [pid], "pfs_months": [float(i)],
                                   "pfs_event": [1]})},
        sources=[SourceFile(f"batch{i}.xlsx", f"/nowhere/batch{i}.xlsx", f"{i:064x}", i,
                            "xlsx", "2026-01-01T00:00:00+00:00")])


def main(path: str, first: int) -> None:
    project = Project.open(path)
    i = first
    while True:
        kind = step_kind(i)
        if kind == "correct":
            project.correct("SYN-05", "outcomes.pfs_months", f"{i % 50 + 1}", f"step {i}")
        elif kind == "settings":
            project.set_setting("survival", {"step": i, "pad": "x" * 3_000_000})
        elif kind == "save":
            with project.repo.change() as ch:
                ch.put_cohort(project.cohort)
                ch.audit("save", "project", None, None, f"step {i}")
        else:
            batch = one_case_batch(i)
            cmp = compare(project.cohort, batch)
            project.add_batch(cmp, {"options": {}, "profile_json": None, "sheet": None})
        print(i, flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
