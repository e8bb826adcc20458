"""The lower floors stand without Qt: importing them with PySide6 blocked must work."""

import subprocess
import sys
import textwrap

LOWER = [
    "imft_desktop.model.cohort",
    "imft_desktop.model.schema",
    "imft_desktop.io.raw",
    "imft_desktop.io.records",
    "imft_desktop.cli",
]


def test_lower_layers_import_without_qt():
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["PySide6"] = None  # any import of PySide6 now fails
        import importlib, pkgutil
        import imft_desktop
        for name in {LOWER!r}:
            importlib.import_module(name)
        for pkg in ("model", "io", "analysis", "plotting", "reports"):
            mod = importlib.import_module("imft_desktop." + pkg)
            for info in pkgutil.iter_modules(mod.__path__):
                importlib.import_module(f"imft_desktop.{{pkg}}.{{info.name}}")
        assert "PySide6.QtCore" not in sys.modules
        assert "matplotlib.pyplot" not in sys.modules
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
