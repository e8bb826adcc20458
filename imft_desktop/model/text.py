"""Small wording helpers shared by every layer (no dependencies)."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 sample"``, ``"2 samples"``, ``"0 samples"``; ``many`` for irregular plurals
    (``plural(1, "locus", "loci")``)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
