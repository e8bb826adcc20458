"""Snapshot what the importer makes of a dozen varied files, to prove a refactor changed nothing.

Usage::

    python scripts/io_snapshot.py inputs DIR          # write the input files once
    python scripts/io_snapshot.py save DIR OUT.pkl    # import each and pickle the result
    python scripts/io_snapshot.py compare A.pkl B.pkl # exit 1 and list every difference

The inputs are the demo workbook and case sheet, large wide and canonical sheets,
one-row-per-case sheets written the way labs write them (title rows, "not done",
"no loss", a total row, a README sheet first), broken ones (formula errors, duplicate
IDs, dates as genes, a CSV with a decimal comma) and the shared reference files (MAF,
SEG, cBioPortal).  A snapshot holds, per input, every table's frame, every finding
(all fields), the extra columns and the study key-values, so ``compare`` sees any
change of value, dtype, order or message.
"""

from __future__ import annotations

import pickle
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "reference-data"

LAB_HEADERS = ["Case", "ALK IHC (D5F3)", "ALK FISH %", "Fusion", "PIK3CA", "22q",
               "Best response", "PFS (months)", "Progression"]


def _lab_rows() -> list[list[Any]]:
    rows: list[list[Any]] = []
    fusions = ["TPM3-ALK", "none", "not done", "EML4::ALK", "neg", "RANBP2/ALK"]
    pik = ["wt", "H1047R", "not done", "wild type", "failed", ""]
    cn = ["loss", "no loss", "retained", "22q loss", "normal", "n/a"]
    resp = ["PR", "SD", "PD", "CR", "NE", "pr"]
    for i in range(30):
        rows.append([f"IMT-{i + 1:02d}", ["pos", "neg", "3+", "not done", "0", "focal"][i % 6],
                     [42, "5%", None, "10-20%", 0.35, "n.d."][i % 6], fusions[i % 6],
                     pik[i % 6], cn[i % 6], resp[i % 6], [12.5, "6-8", 30, 2.1, None, 9][i % 6],
                     ["yes", "no", 1, 0, "Y", "progressed"][i % 6]])
    return rows


def write_inputs(out: Path) -> None:
    """Write every input file into ``out`` (made with xlsxwriter/openpyxl, deterministic)."""
    import openpyxl

    try:  # the synthetic generators moved out of io/ (issue 10); accept either home
        from imft_desktop import synthetic as syn  # type: ignore[attr-defined]
    except ImportError:
        from imft_desktop.io import synthetic as syn  # type: ignore[no-redef]

    out.mkdir(parents=True, exist_ok=True)
    syn.write_demo_workbook(out / "demo.xlsx")
    syn.write_demo_case_sheet(out / "demo_cases.xlsx")
    syn.make_large_cohort(3000, out / "wide3k.xlsx", shape="wide", seed=3)
    syn.make_large_cohort(1500, out / "canonical1500.xlsx", shape="canonical", seed=4)

    def book(name: str, sheets: list[tuple[str, list[list[Any]]]]) -> None:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets:
            ws = wb.create_sheet(title)
            for r in rows:
                ws.append(r)
        wb.save(out / name)

    lab = _lab_rows()
    book("lab_plain.xlsx", [("Cases", [LAB_HEADERS, *lab])])
    book("lab_title_total.xlsx", [("Cases", [["IMFT cohort 2019-2024"], [], LAB_HEADERS, *lab,
                                             ["Total", None, None, "18", None, None, None, None,
                                              None], ["n=30"],
                                             ["* FISH scored on 100 nuclei"]])])
    book("lab_readme_first.xlsx", [("README", [["This workbook holds the cohort."],
                                               ["Sheet Cases: one row per case"]]),
                                   ("Cases", [LAB_HEADERS, *lab])])
    book("lab_days.xlsx", [("Cases", [["Case", "Fusion", "Survival time (days)", "Status",
                                       "DNMT3A status", "Remission (weeks)"],
                                      *[[f"C{i}", ["ALK", "neg"][i % 2], 30 * i + 5,
                                         ["dead", "alive"][i % 2], ["mut", "wt"][i % 3 == 0],
                                         i * 2] for i in range(1, 25)]])])
    broken = [["sample_id", "patient_id"], ["IMT-01", "P1"], ["IMT-01", "P1"],
              ["=1/0", "P2"], ["IMT-03", None]]
    book("broken_canonical.xlsx", [("Samples", broken),
                                   ("IHC", [["sample_id", "marker", "clone", "call"],
                                            ["IMT-01", "ALK", "D5F3", "pos"],
                                            ["IMT-09", "ALK", "D5F3", "maybe"]]),
                                   ("Variants", [["sample_id", "gene", "protein_change"],
                                                 ["IMT-01", "2-Sep", "p.X"],
                                                 ["IMT-03", "PIK3CA", "H1047R"]])])
    (out / "decimal_comma.csv").write_text(
        "Case;PFS (months);Progression;Fusion\n"
        + "".join(f"K{i};{i},5;{i % 2};{'TPM3-ALK' if i % 3 else 'neg'}\n" for i in range(20)),
        encoding="utf-8")


def _inputs(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    refs = [SHARED / "genomics" / "maftools_tcga_laml.maf.gz",
            SHARED / "copynumber" / "maftools_TCGA.AB.3009.hg19.seg.txt",
            SHARED / "cbioportal" / "study_es_0"]
    return files + [p for p in refs if p.exists()]


def snapshot(folder: Path) -> dict[str, Any]:
    """Import every input of ``folder`` (and the shared references) and collect the results."""
    from imft_desktop.io.importer import import_file

    result: dict[str, Any] = {}
    for path in _inputs(folder):
        try:
            c = import_file(path)
        except Exception as exc:  # a refusal is a result too
            result[path.name] = ("refused", type(exc).__name__, str(exc))
            continue
        result[path.name] = {
            "tables": {k: v.copy() for k, v in c.tables.items()},
            "findings": [asdict(f) for f in c.findings.items],
            "extra": c.extra.copy(),
            "study": dict(c.study),
            "mapping_profile": c.mapping_profile,
            "column_origin": {k: asdict(v) for k, v in c.column_origin.items()},
        }
    return result


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Every difference between two snapshots, in words."""
    diffs: list[str] = []
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            diffs.append(f"{name}: only in {'first' if name in a else 'second'}")
            continue
        x, y = a[name], b[name]
        if isinstance(x, tuple) or isinstance(y, tuple):
            if x != y:
                diffs.append(f"{name}: {x!r} != {y!r}")
            continue
        for t in sorted(set(x["tables"]) | set(y["tables"])):
            try:
                pd.testing.assert_frame_equal(x["tables"][t], y["tables"][t])
            except (AssertionError, KeyError) as exc:
                diffs.append(f"{name}: table {t}: {str(exc).splitlines()[0:3]}")
        if x["findings"] != y["findings"]:
            diffs.append(f"{name}: findings differ ({len(x['findings'])} vs {len(y['findings'])})")
        try:
            pd.testing.assert_frame_equal(x["extra"], y["extra"])
        except AssertionError as exc:
            diffs.append(f"{name}: extra: {str(exc).splitlines()[0:3]}")
        for key in ("study", "mapping_profile", "column_origin"):
            if x[key] != y[key]:
                diffs.append(f"{name}: {key} differs")
    return diffs


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "inputs":
        write_inputs(Path(argv[1]))
        return 0
    if len(argv) >= 3 and argv[0] == "save":
        snap = snapshot(Path(argv[1]))
        Path(argv[2]).write_bytes(pickle.dumps(snap))
        print(f"{len(snap)} inputs snapshotted to {argv[2]}")
        return 0
    if len(argv) >= 3 and argv[0] == "compare":
        a = pickle.loads(Path(argv[1]).read_bytes())
        b = pickle.loads(Path(argv[2]).read_bytes())
        diffs = compare(a, b)
        for d in diffs:
            print(d)
        verdict = "identical" if not diffs else f"{len(diffs)} differences"
        print(f"{len(a)} inputs compared: {verdict}")
        return 1 if diffs else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
