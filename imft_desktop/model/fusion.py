"""The normalised form of a fusion, as stored in the ``fusions`` table's ``fusion`` column.

HGNC notation ``5'GENE::3'GENE`` (Bruford et al., Leukemia 2021).  A side whose gene is
unknown is written ``?``: ``?::ALK`` is "ALK rearranged, partner unknown" (ALK as the 3'
kinase partner, which is what a break-apart FISH or a sheet saying "ALK rearranged"
tells).  A partner is never invented.  Parsing the many notations found in sheets
(``TPM3-ALK``, ``TPM3/ALK``, en dashes, ...) is the importer's job; this module only
reads and writes the normalised form.
"""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN = "?"

#: Kinases (and other drivers) that act as the 3' partner of oncogenic fusions; the
#: driver of a fusion is its 3' gene when it is one of these, else its 5' gene when that
#: is one, else the 3' gene.
DRIVER_GENES = frozenset(
    {
        "ALK", "ROS1", "NTRK1", "NTRK2", "NTRK3", "RET", "PDGFRB", "PDGFRA", "BRAF",
        "RAF1", "FGFR1", "FGFR2", "FGFR3", "MET", "EGFR", "ERBB2", "NRG1", "ABL1", "JAK2",
        "IGF1R", "CSF1R", "LTK", "MAP3K8", "PRKCA", "PRKCB",
    }
)


@dataclass(frozen=True, slots=True)
class Fusion:
    """A fusion with its 5' and 3' genes; ``None`` stands for an unknown partner."""

    gene5: str | None
    gene3: str | None

    @property
    def notation(self) -> str:
        """Normalised text, e.g. ``TPM3::ALK`` or ``?::ALK``."""
        return f"{self.gene5 or UNKNOWN}::{self.gene3 or UNKNOWN}"

    @property
    def partner_known(self) -> bool:
        return self.gene5 is not None and self.gene3 is not None

    @property
    def driver(self) -> str | None:
        """The driver gene: a known kinase side (3' preferred), else the 3' gene."""
        if self.gene3 in DRIVER_GENES:
            return self.gene3
        if self.gene5 in DRIVER_GENES:
            return self.gene5
        return self.gene3 or self.gene5

    @property
    def partner(self) -> str | None:
        """The gene fused to the driver, or ``None`` when unknown."""
        driver = self.driver
        if driver is None:
            return None
        other = self.gene5 if driver == self.gene3 else self.gene3
        return other

    @property
    def partner_orientation(self) -> str:
        """``"5'"`` when the partner is the 5' gene (the usual case), ``"3'"`` otherwise."""
        return "5'" if self.driver == self.gene3 else "3'"

    @property
    def label(self) -> str:
        """Readable label: ``TPM3::ALK`` or ``ALK rearrangement (partner unknown)``."""
        if self.partner_known:
            return self.notation
        return f"{self.driver} rearrangement (partner unknown)"

    @classmethod
    def parse(cls, text: str) -> Fusion:
        """Read a *normalised* fusion (``A::B`` with ``?`` for unknown).

        Raises ``ValueError`` for anything else; raw sheet text goes through the
        importer's parser instead.
        """
        parts = str(text).split("::")
        if len(parts) != 2:
            raise ValueError(f"not a normalised fusion: {text!r}")
        g5, g3 = (p.strip() for p in parts)
        if not g5 or not g3 or (g5 == UNKNOWN and g3 == UNKNOWN):
            raise ValueError(f"not a normalised fusion: {text!r}")
        return cls(None if g5 == UNKNOWN else g5, None if g3 == UNKNOWN else g3)
