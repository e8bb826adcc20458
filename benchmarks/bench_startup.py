"""Start-up time of the desktop app: process start -> main window shown -> cohort loaded.

Runs ``python -m imft_desktop --startup-probe [FILE]`` (offscreen) N times after one
warm-up run; the child prints ``SHOWN <s>`` after ``window.show()`` +
``processEvents()`` and ``LOADED <s>`` once the cohort (the synthetic demo unless FILE
is given) is imported.  The child's clock starts when ``imft_desktop.app`` is imported,
so the parent measures wall time from process launch to each marker line itself.

Also reports which heavy modules are already imported when the window is shown.

Usage: python benchmarks/bench_startup.py [N] [FILE]     (target: shown < 1.0 s)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

HEAVY = ("pandas", "numpy", "scipy", "matplotlib", "lifelines", "openpyxl")


def run_once(file: str | None, env: dict[str, str]) -> tuple[float, float]:
    cmd = [sys.executable, "-m", "imft_desktop", "--startup-probe"]
    if file:
        cmd.append(file)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    shown = loaded = float("nan")
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("SHOWN"):
            shown = time.perf_counter() - t0
        elif line.startswith("LOADED"):
            loaded = time.perf_counter() - t0
    proc.wait(timeout=120)
    if proc.returncode != 0:
        err = proc.stderr.read() if proc.stderr else ""
        raise SystemExit(f"child failed ({proc.returncode}): {err}")
    return shown, loaded


def heavy_modules_at_show(env: dict[str, str]) -> list[str]:
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from imft_desktop.qt.app_setup import configure_application\n"
        "configure_application(app)\n"
        "from imft_desktop.qt.main_window import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return [m for m in out.stdout.strip().split(",") if m]


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    file = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            IMFT_SETTINGS_DIR=os.path.join(tmp, "settings"),
            IMFT_LOG_DIR=os.path.join(tmp, "logs"),
        )
        run_once(file, env)  # warm the page cache and .pyc files
        shown, loaded = [], []
        for _ in range(n):
            s, ld = run_once(file, env)
            shown.append(s)
            loaded.append(ld)
        heavy = heavy_modules_at_show(env)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"runs: {n}   load average: {load:.2f}")
    print(
        f"window shown : median {statistics.median(shown):.3f} s  "
        f"(min {min(shown):.3f}, max {max(shown):.3f})  target < 1.0 s"
    )
    print(
        f"cohort loaded: median {statistics.median(loaded):.3f} s  "
        f"(min {min(loaded):.3f}, max {max(loaded):.3f})"
    )
    print(f"heavy modules imported when the window shows: {', '.join(heavy) or 'none'}")
    return 0 if statistics.median(shown) < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
