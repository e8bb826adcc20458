"""The Qt binding in use does not corrupt Python's reference counts.

PySide6 6.12.0 decrements None's reference count without the GIL when
``QCoreApplication.processEvents()`` is called while another thread runs Python; the
process dies with "Fatal Python error: none_dealloc" (seen during imports).  6.11.3 is
fine; pyproject.toml excludes 6.12.0.  This runs the 10-line reproduction in a child
process so that a crash fails the test instead of the suite.
"""

import subprocess
import sys
import textwrap

REPRODUCTION = textwrap.dedent(
    """
    import os, sys, threading
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QCoreApplication
    app = QCoreApplication([])
    done = []
    def work():
        for _ in range(1_500_000):
            a = None; b = [None, None]
        done.append(1)
    threading.Thread(target=work).start()
    while not done:
        app.processEvents()
    print("ok")
    """
)


def test_process_events_beside_a_python_thread_does_not_crash():
    out = subprocess.run(
        [sys.executable, "-c", REPRODUCTION], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip() == "ok"
