"""The lower floors stand without Qt: importing them with PySide6 blocked must work."""

import subprocess
import sys
import textwrap

LOWER = [
    "imft_desktop.model.cohort",
    "imft_desktop.model.schema",
    "imft_desktop.io.read.raw",
    "imft_desktop.io.read.records",
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


def test_no_module_imports_pyplot():
    """Plots draw on an Axes they are given; pyplot's global figure is never used."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "imft_desktop"
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(n == "matplotlib.pyplot" or n.startswith("matplotlib.pyplot.") for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
