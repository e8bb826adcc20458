"""Importer tests: make the sibling helper module importable.

``importer_helpers`` (builders shared by these tests) lives beside this file under a
name no other folder uses; the path is added explicitly so that the import does not
depend on pytest's import mode.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
