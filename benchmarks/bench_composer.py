"""Time a report composed from three tabs against the default cohort report, on the demo
cohort (analyses + layout + figures + PDF); prints the median of several runs.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_composer.py [--runs 5]

The composed report is what a user adds from three tabs: the Samples tab (cohort
characteristics), the Response tab (response by ALK fusion with the CNA burden) and the
Survival tab (PFS by monosomy 19).  It computes only what these need, so it should take
well under the default report (which runs every analysis and the alteration screen).
Default and composed runs alternate, so a change in the machine's load hits both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

from imft_desktop.reports.outline import ReportItem, ReportOutline

THREE_TABS = ReportOutline((
    ReportItem.make("characteristics", "Cohort characteristics"),
    ReportItem.make("response", "Response by ALK fusion",
                    {"grouping": "ALK fusion", "measure": "CNA burden"}),
    ReportItem.make("survival", "PFS by monosomy 19",
                    {"endpoint": "PFS", "grouping": "monosomy 19"}),
))


def one_run(cohort, outline: ReportOutline) -> tuple[float, float, int]:
    """(build, build + PDF, pages) of ``outline`` (empty: the default report)."""
    from imft_desktop.analysis import copy_number
    from imft_desktop.qt.printing import render_pdf_bytes
    from imft_desktop.reports.composer import render_outline

    copy_number.clear_cache()  # every run computes the copy-number calls afresh
    start = time.perf_counter()
    report = render_outline(cohort, outline)
    built = time.perf_counter()
    _data, pages = render_pdf_bytes(report)
    return built - start, time.perf_counter() - start, pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from imft_desktop.synthetic import build_demo_cohort

    cohort = build_demo_cohort().cohort()
    one_run(cohort, ReportOutline())  # warm-up: imports, font caches
    one_run(cohort, THREE_TABS)
    if hasattr(os, "getloadavg"):
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    results: dict[str, list[tuple[float, float, int]]] = {"default": [], "three tabs": []}
    for _ in range(args.runs):
        results["default"].append(one_run(cohort, ReportOutline()))
        results["three tabs"].append(one_run(cohort, THREE_TABS))
    medians = {}
    for label, runs in results.items():
        total = statistics.median(r[1] for r in runs)
        build = statistics.median(r[0] for r in runs)
        medians[label] = total
        print(f"{label} report of the demo, {runs[0][2]} pages: median {total:.2f} s "
              f"(build {build:.2f} s, PDF {total - build:.2f} s; runs "
              f"{', '.join(f'{r[1]:.2f}' for r in runs)})")
    share = medians["three tabs"] / medians["default"]
    print(f"three-tab report takes {100 * share:.0f}% of the default report's time")
    return 0 if share < 0.6 else 1


if __name__ == "__main__":
    sys.exit(main())
