"""Fusion partners per driver gene (ALK: TPM3, RANBP2, CLTC, ...), with orientation.

Counts are samples (a sample reporting the same fusion twice counts once), among the
samples tested for fusions.  A rearrangement whose partner is unknown ("ALK
rearranged", e.g. from a break-apart FISH-like call in a sequencing sheet) is its own
category, ``"partner unknown"``; a partner is never invented.  The driver rule is that of
``model.fusion.driver_of``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from imft_desktop.analysis.alterations import PARTNER_UNKNOWN
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.fusion import parse_fusion_text
from imft_desktop.model.vocab import Capability


@dataclass
class PartnerTable:
    """Partners per driver gene.

    Attributes
    ----------
    counts:
        ``{driver: {partner: n_samples}}``, partners by decreasing count then name,
        ``"partner unknown"`` last.
    orientation:
        ``{driver: {partner: "5'" | "3'" | ""}}``: where the partner sits relative to the
        driver ("5'" for TPM3 in TPM3::ALK).
    samples:
        ``{driver: {partner: [sample ids]}}``.
    driver_samples:
        ``{driver: n samples with any fusion of the driver}``.
    tested_n:
        Samples tested for fusions (the denominator).
    """

    counts: dict[str, dict[str, int]]
    orientation: dict[str, dict[str, str]]
    samples: dict[str, dict[str, list[str]]]
    driver_samples: dict[str, int]
    tested_n: int
    warnings: list[str] = field(default_factory=list)
    method: str = (
        "Samples per fusion partner among samples tested for fusions; driver = 3' gene if a "
        "known kinase, else 5' gene if a known kinase, else 3' gene; unknown partners counted "
        "separately."
    )

    @property
    def drivers(self) -> list[str]:
        return list(self.counts)

    def n_partners(self, driver: str) -> int:
        """Distinct known partners of ``driver`` ("partner unknown" not counted)."""
        return sum(1 for p in self.counts.get(driver, {}) if p != PARTNER_UNKNOWN)

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {
                "driver": d,
                "partner": p,
                "orientation": self.orientation[d][p],
                "n_samples": n,
                "tested": self.tested_n,
                "samples": ", ".join(self.samples[d][p]),
            }
            for d, parts in self.counts.items()
            for p, n in parts.items()
        ]
        return pd.DataFrame(
            rows, columns=["driver", "partner", "orientation", "n_samples", "tested", "samples"]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "orientation": self.orientation,
            "driver_samples": self.driver_samples,
            "n_partners": {d: self.n_partners(d) for d in self.counts},
            "tested": self.tested_n,
            "method": self.method,
            "warnings": list(self.warnings),
        }


def fusion_partners(cohort: Cohort) -> PartnerTable:
    """Partners of every driver gene among samples tested for fusions.

    Returns
    -------
    PartnerTable
        Drivers ordered by number of samples (then name).
    """
    tested = cohort.tested_for(Capability.FUSION)
    fus = cohort.table("fusions")
    found: dict[str, dict[str, set[str]]] = {}
    orient: dict[str, dict[str, str]] = {}
    warnings: list[str] = []
    skipped: set[str] = set()
    unreadable = 0
    if not fus.empty:
        for sid, text in zip(fus["sample_id"].astype(str), fus["fusion"]):
            if sid not in tested:
                skipped.add(sid)
                continue
            call = parse_fusion_text(text)
            if call is None or call.driver is None:
                unreadable += 1
                continue
            partner = call.partner or PARTNER_UNKNOWN
            found.setdefault(call.driver, {}).setdefault(partner, set()).add(sid)
            orient.setdefault(call.driver, {})[partner] = (
                call.partner_orientation if call.partner is not None else "")
    if skipped:
        warnings.append(
            f"Fusions of {len(skipped)} sample(s) not tested for fusions were left out."
        )
    if unreadable:
        warnings.append(f"{unreadable} fusion text(s) could not be read and were left out.")
    order = {sid: i for i, sid in enumerate(cohort.sample_ids)}
    driver_n = {d: len(set().union(*parts.values())) for d, parts in found.items()}
    drivers = sorted(found, key=lambda d: (-driver_n[d], d))
    counts: dict[str, dict[str, int]] = {}
    samples: dict[str, dict[str, list[str]]] = {}
    for d in drivers:
        parts = sorted(
            found[d], key=lambda p: (p == PARTNER_UNKNOWN, -len(found[d][p]), p)
        )
        counts[d] = {p: len(found[d][p]) for p in parts}
        samples[d] = {
            p: sorted(found[d][p], key=lambda s: order.get(s, len(order))) for p in parts
        }
        orient[d] = {p: orient[d][p] for p in parts}
    return PartnerTable(counts, {d: orient[d] for d in drivers}, samples, driver_n,
                        len(tested), warnings)
