"""Entry point of the desktop app: ``imft-desktop [FILE]``.

Start-up is kept fast: this module imports only Qt and our light Qt modules; pandas,
matplotlib, scipy and lifelines load in the worker that reads the file, or when a tab
first needs them.  The window is shown first; the file (or the synthetic demo) is
read once the event loop runs.

Options: ``--screenshot DIR`` saves one PNG per tab and exits; ``--version``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from imft_desktop import APP_NAME, __version__

_T0 = time.perf_counter()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imft-desktop",
        description=f"{APP_NAME}: analyse IHC, FISH and sequencing results of a tumour "
        "cohort with response and survival. Without FILE, opens the synthetic demo cohort.",
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="workbook or text table to open")
    parser.add_argument(
        "--screenshot",
        metavar="DIR",
        help="open FILE (or the demo), save one PNG per tab into DIR, then exit",
    )
    parser.add_argument("--version", action="version", version=f"imft-desktop {__version__}")
    # Diagnostics for benchmarks/bench_startup.py: print when the window is shown and
    # when the cohort is loaded, then exit.
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the application; returns the process exit code."""
    _ensure_std_streams()
    parser = build_parser()
    args, qt_args = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    # Qt's own options (-platform, -style, ...) pass through; a mistyped long option of
    # ours must not be silently ignored.
    unknown = [a for a in qt_args if a.startswith("--")]
    if unknown:
        parser.error(f"unrecognised arguments: {' '.join(unknown)}")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from imft_desktop.qt.app_setup import configure_application, install_network_guard

    install_network_guard()
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    assert isinstance(app, QApplication)
    configure_application(app)

    from imft_desktop.qt.main_window import MainWindow

    window = MainWindow()
    if args.screenshot:
        window.remember = False
        window.resize(1280, 820)  # the same size on every machine, for documentation
    window.show()

    if args.startup_probe:
        return _run_startup_probe(app, window, args.file)

    if args.screenshot:
        from imft_desktop.qt.screenshots import take_screenshots

        result: list[int] = []

        def run() -> None:
            window.open_initial(args.file)
            result.append(take_screenshots(window, args.screenshot, _stderr))
            window.close()
            app.quit()

        QTimer.singleShot(0, run)
        app.exec()
        return result[0] if result else 1

    def start() -> None:
        window.open_initial(args.file)
        if args.file is None:  # the demo opened: the first-run tour explains the window
            window.show_tour(first_run=True)

    QTimer.singleShot(0, start)
    return int(app.exec())


def _ensure_std_streams() -> None:
    """A gui-script on Windows (pythonw) has no console: ``sys.stdout`` is ``None``
    and ``--version`` or a log message would raise.  Write those to nowhere instead."""
    import os

    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _run_startup_probe(app: object, window: object, file: str | None) -> int:
    from PySide6.QtWidgets import QApplication

    from imft_desktop.qt.main_window import MainWindow

    assert isinstance(window, MainWindow)
    QApplication.processEvents()
    sys.stdout.write(f"SHOWN {time.perf_counter() - _T0:.4f}\n")
    sys.stdout.flush()
    outcome: list[bool] = []

    def loaded(ok: bool) -> None:
        outcome.append(ok)
        sys.stdout.write(f"LOADED {time.perf_counter() - _T0:.4f} {int(ok)}\n")
        sys.stdout.flush()
        window.close()
        QApplication.quit()

    window.load_finished.connect(loaded)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: window.open_initial(file))
    QApplication.exec()
    return 0 if outcome and outcome[0] else 1


if __name__ == "__main__":
    sys.exit(main())
