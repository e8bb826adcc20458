"""Project-file benchmark (a script that prints numbers, not a timed test).

For synthetic one-row-per-case cohorts of 1k / 10k (/ 100k with --large) samples it
creates a project from the workbook, then prints the file size, the median time to
open the project and have its cohort (``Project.open(...).cohort``, the step before the
window shows it), the same in a fresh process (with Python and pandas start-up, what a
double-click costs), the time of one correction and the time of the import itself,
for comparison; and in the window (a fresh process each time): from File > Open Project
to the cohort set in every tab, and to the Samples tab's table built.
Targets: 10k < 1 s, 100k < 5 s.

Usage:  python benchmarks/bench_project.py [--large] [--repeat N] [--shape wide|canonical]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from timing import median_seconds

_WINDOW_CHILD = """
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
app = QApplication([])
from imft_desktop.qt.main_window import MainWindow
win = MainWindow(); win.remember = False; win.show(); app.processEvents()
t0 = time.perf_counter()
win.projects.open_project(sys.argv[1])
shown = time.perf_counter() - t0
while not win.samples_tab.is_ready:
    app.processEvents()
table = time.perf_counter() - t0
print(shown, table, win.samples_tab.model.rowCount())
win.projects.close_project()
"""

_CHILD = """
import sys, time
t0 = time.perf_counter()
from imft_desktop.io.project import Project
p = Project.open(sys.argv[1], read_only=True); c = p.cohort
print(time.perf_counter() - t0, c.n_samples)
"""




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 100k samples (slow)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--shape", choices=("wide", "canonical"), default="wide")
    args = parser.parse_args()

    from imft_desktop.io.importer import import_file
    from imft_desktop.io.project import Project
    from imft_desktop.synthetic import make_large_cohort

    sizes = (1_000, 10_000) + ((100_000,) if args.large else ())
    print(f"shape={args.shape}  repeat={args.repeat} (median)  python {sys.version.split()[0]}")
    header = (f"{'samples':>8} {'records':>9} {'file MB':>8} {'import s':>9} {'create s':>9}"
              f" {'open s':>7} {'open, new process s':>20} {'correct s':>10}"
              f" {'window: cohort s':>17} {'Samples tab s':>14}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            xlsx = Path(tmp) / f"cohort_{n}.xlsx"
            make_large_cohort(n, xlsx, seed=0, shape=args.shape)
            t0 = time.perf_counter()
            cohort = import_file(xlsx)
            t_import = time.perf_counter() - t0
            records = sum(len(df) for df in cohort.tables.values())
            del cohort
            proj = Path(tmp) / f"cohort_{n}.imftproj"
            t0 = time.perf_counter()
            Project.create(proj, xlsx).close()
            t_create = time.perf_counter() - t0

            def open_project(path: Path = proj) -> None:
                with Project.open(path, read_only=True) as p:
                    assert p.cohort.n_samples > 0

            t_open = median_seconds(open_project, args.repeat)
            fresh = []
            for _ in range(max(3, args.repeat // 2)):
                out = subprocess.run([sys.executable, "-c", _CHILD, str(proj)],
                                     capture_output=True, text=True, check=True)
                fresh.append(float(out.stdout.split()[0]))
            with Project.open(proj) as p:
                sid = p.cohort.sample_ids[0]
                values = iter(range(20, 90))

                def correct(p: Project = p, sid: str = sid, values: Any = values) -> None:
                    p.correct(sid, "age", str(next(values)), "benchmark")

                t_correct = median_seconds(correct, args.repeat)
            size = proj.stat().st_size / 1e6
            window = []
            for _ in range(3):  # a fresh window each time (the settings are a sandbox)
                env = dict(os.environ, IMFT_SETTINGS_DIR=str(Path(tmp) / "settings"),
                           IMFT_LOG_DIR=str(Path(tmp) / "logs"))
                out = subprocess.run([sys.executable, "-c", _WINDOW_CHILD, str(proj)],
                                     capture_output=True, text=True, check=True, env=env)
                shown, table, _rows = out.stdout.split()[-3:]
                window.append((float(shown), float(table)))
            print(f"{n:>8} {records:>9} {size:>8.1f} {t_import:>9.2f} {t_create:>9.2f}"
                  f" {t_open:>7.2f} {statistics.median(fresh):>20.2f} {t_correct:>10.3f}"
                  f" {statistics.median(w[0] for w in window):>17.2f}"
                  f" {statistics.median(w[1] for w in window):>14.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
