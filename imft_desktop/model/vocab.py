"""Controlled vocabularies shared by import, analysis, exports and the GUI.

Every enumeration stores its canonical value as a short lower-case string so that
DataFrame columns stay plain ``object``/``category`` columns and serialise to JSON
without help.  "Not tested" is a first-class value, never a synonym of "negative".
"""

from __future__ import annotations

from enum import StrEnum


class AssayCall(StrEnum):
    """Result of a single assay read-out (IHC marker, FISH probe, ...)."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    EQUIVOCAL = "equivocal"
    NOT_EVALUABLE = "not evaluable"  # tested, but no usable result (failed, too few cells)
    NOT_TESTED = "not tested"  # never a negative: excluded from every denominator

    @property
    def is_tested(self) -> bool:
        """True when the sample counts in the denominator of this assay."""
        return self in (AssayCall.POSITIVE, AssayCall.NEGATIVE, AssayCall.EQUIVOCAL)


class Recist(StrEnum):
    """RECIST 1.1 best overall response."""

    CR = "CR"
    PR = "PR"
    SD = "SD"
    PD = "PD"
    NE = "NE"

    @property
    def is_objective_response(self) -> bool:
        return self in (Recist.CR, Recist.PR)

    @property
    def label(self) -> str:
        return RECIST_LABELS[self]


RECIST_LABELS: dict[Recist, str] = {
    Recist.CR: "Complete response",
    Recist.PR: "Partial response",
    Recist.SD: "Stable disease",
    Recist.PD: "Progressive disease",
    Recist.NE: "Not evaluable",
}

#: Order used in tables and plots (best to worst, then not evaluable).
RECIST_ORDER: tuple[Recist, ...] = (Recist.CR, Recist.PR, Recist.SD, Recist.PD, Recist.NE)


class CnaEvent(StrEnum):
    """Copy-number event on a region (arm, whole chromosome, focal locus or gene)."""

    GAIN = "gain"
    LOSS = "loss"
    AMPLIFICATION = "amplification"
    DEEP_DELETION = "deep deletion"
    NEUTRAL = "neutral"

    @property
    def is_altered(self) -> bool:
        return self is not CnaEvent.NEUTRAL

    @property
    def direction(self) -> int:
        """+1 for gains/amplifications, -1 for losses/deletions, 0 for neutral."""
        if self in (CnaEvent.GAIN, CnaEvent.AMPLIFICATION):
            return 1
        if self in (CnaEvent.LOSS, CnaEvent.DEEP_DELETION):
            return -1
        return 0


class RegionKind(StrEnum):
    """Extent of a copy-number region."""

    ARM = "arm"  # e.g. 22q
    CHROMOSOME = "chromosome"  # whole chromosome, e.g. monosomy 19
    FOCAL = "focal"  # much shorter than an arm
    GENE = "gene"  # named gene, e.g. CDKN2A


class Capability(StrEnum):
    """What a sequencing assay can detect; drives the per-assay denominators."""

    FUSION = "fusion"
    MUTATION = "mutation"
    COPY_NUMBER = "copy number"


class SequencingAssay(StrEnum):
    WGS = "WGS"
    WES = "WES"
    RNA_FUSION_PANEL = "RNA fusion panel"
    DNA_PANEL = "DNA panel"
    RNA_SEQ = "RNA-seq"
    SNP_ARRAY = "SNP array"  # copy number only (also stands for low-pass WGS / methylation CN)
    #: The sheet reports a result but names no assay (a one-row-per-case "Fusion" column):
    #: what was tested comes from the record's ``capability`` / ``target``, never invented.
    NOT_STATED = "assay not stated"


#: Which capabilities each sequencing assay covers.  A sample counts as tested for a
#: capability when at least one successful assay covering it was done.
ASSAY_CAPABILITIES: dict[SequencingAssay, frozenset[Capability]] = {
    SequencingAssay.WGS: frozenset(
        {Capability.FUSION, Capability.MUTATION, Capability.COPY_NUMBER}
    ),
    SequencingAssay.WES: frozenset({Capability.MUTATION, Capability.COPY_NUMBER}),
    SequencingAssay.RNA_FUSION_PANEL: frozenset({Capability.FUSION}),
    SequencingAssay.DNA_PANEL: frozenset({Capability.MUTATION}),
    SequencingAssay.RNA_SEQ: frozenset({Capability.FUSION}),
    SequencingAssay.SNP_ARRAY: frozenset({Capability.COPY_NUMBER}),
    # Covers nothing by itself: a record of it says what it covers (capability, target).
    SequencingAssay.NOT_STATED: frozenset(),
}


class AssayStatus(StrEnum):
    DONE = "done"
    FAILED = "failed"  # attempted, no result: not tested for denominators, but listed
    NOT_DONE = "not done"


class AlterationKind(StrEnum):
    """Kinds of alteration shown in frequency tables and the oncoprint."""

    FUSION = "fusion"
    MUTATION = "mutation"
    GAIN = "gain"
    LOSS = "loss"
    AMPLIFICATION = "amplification"
    DEEP_DELETION = "deep deletion"
    IHC_POSITIVE = "IHC positive"
    FISH_POSITIVE = "FISH positive"


class Level(StrEnum):
    """Severity of a validation finding, as in cBioPortal's validator."""

    ERROR = "error"  # the record is kept out of the analysis (stored and listed)
    WARNING = "warning"  # imported and flagged
    INFO = "info"  # a recorded normalisation or note

    @property
    def rank(self) -> int:
        return {Level.ERROR: 2, Level.WARNING: 1, Level.INFO: 0}[self]


#: FISH break-apart positivity threshold (% of nuclei with split/isolated 3' signals)
#: used when neither the sheet nor the user gives one; CREATE trial convention.
DEFAULT_FISH_THRESHOLD_PERCENT = 15.0

#: Days per month used for every days<->months conversion (365.25 / 12).
DAYS_PER_MONTH = 30.4375
