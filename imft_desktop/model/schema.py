"""The canonical cohort template: one table (sheet) per kind of data.

This declaration is the single source for the template workbook (headers, notes,
drop-down lists, example row), the importer (what a column must hold), the README's
template documentation and the demo generator.  Field ``kind`` names a value parser in
``imft_desktop.io.validation.values``.
"""

from __future__ import annotations

from dataclasses import dataclass

from imft_desktop.model.vocab import (
    AssayCall,
    AssayStatus,
    Capability,
    CnaEvent,
    Recist,
    SequencingAssay,
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column of a canonical table.

    ``kind`` is one of: ``id`` (identifier text), ``text``, ``number``, ``integer``,
    ``percent`` (0-100, qualifiers such as "<1%" allowed), ``call`` (AssayCall),
    ``recist``, ``event`` (0/1 progression or death), ``gene``, ``fusion``,
    ``protein``, ``chrom``, ``region``, ``cna_event``, ``assay``, ``status``,
    ``intensity`` (0-3+), ``bool``, ``date``.
    """

    name: str
    kind: str
    required: bool = False
    description: str = ""
    choices: tuple[str, ...] = ()
    example: str | float | int | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One canonical table: its sheet name, key and fields."""

    name: str  # internal table name, e.g. "ihc"
    sheet: str  # sheet name in the template workbook, e.g. "IHC"
    description: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]  # fields that must be unique together
    per: str = "sample"  # "sample", "patient" or "study"

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


def _choices(enum_cls: type) -> tuple[str, ...]:
    return tuple(str(m) for m in enum_cls)  # type: ignore[attr-defined]


#: Assays a fusion or variant record can name ("assay not stated" is left blank there).
_NAMED_ASSAYS = tuple(str(a) for a in SequencingAssay if a is not SequencingAssay.NOT_STATED)

CALL_CHOICES = tuple(str(c) for c in AssayCall if c is not AssayCall.NOT_TESTED) + (
    "not done",
)

STUDY = TableSpec(
    name="study",
    sheet="Study",
    description="Key-value facts about the cohort (one row per key).",
    per="study",
    key=("key",),
    fields=(
        FieldSpec("key", "text", True, "Name of the setting", example="study_name"),
        FieldSpec("value", "text", True, "Its value", example="My IMFT cohort"),
    ),
)

SAMPLES = TableSpec(
    name="samples",
    sheet="Samples",
    description="One row per tumour sample, with its patient.",
    key=("sample_id",),
    fields=(
        FieldSpec("sample_id", "id", True, "Unique sample identifier", example="IMT-01"),
        FieldSpec("patient_id", "id", True, "Patient identifier", example="P-01"),
        FieldSpec("diagnosis", "text", False, "Histological diagnosis", example="IMFT"),
        FieldSpec("site", "text", False, "Primary site", example="lung"),
        FieldSpec("specimen", "text", False, "Specimen type", example="resection"),
        FieldSpec("age", "number", False, "Age at diagnosis", unit="years", example=34),
        FieldSpec("sex", "text", False, "Sex", choices=("female", "male"), example="female"),
        FieldSpec(
            "tumour_cells", "percent", False, "Tumour cell content", unit="%", example=60
        ),
        FieldSpec("comment", "text", False, "Free text (left out of de-identified exports)"),
    ),
)

IHC = TableSpec(
    name="ihc",
    sheet="IHC",
    description="Immunohistochemistry: one row per sample, marker and antibody clone.",
    key=("sample_id", "marker", "clone"),
    fields=(
        FieldSpec("sample_id", "id", True, "Sample identifier", example="IMT-01"),
        FieldSpec("marker", "gene", True, "Protein / gene stained", example="ALK"),
        FieldSpec("clone", "text", False, "Antibody clone", example="D5F3"),
        FieldSpec(
            "percent_positive", "percent", False, "% positive tumour cells", unit="%", example=80
        ),
        FieldSpec(
            "intensity", "intensity", False, "Staining intensity 0-3+",
            choices=("0", "1+", "2+", "3+"), example="3+",
        ),
        FieldSpec("h_score", "number", False, "H-score 0-300", example=240),
        FieldSpec("pattern", "text", False, "Staining pattern", example="diffuse cytoplasmic"),
        FieldSpec(
            "call", "call", True, "Positive / negative / equivocal / not evaluable / not done",
            choices=CALL_CHOICES, example="positive",
        ),
    ),
)

FISH = TableSpec(
    name="fish",
    sheet="FISH",
    description="FISH break-apart probes: one row per sample and probe.",
    key=("sample_id", "probe"),
    fields=(
        FieldSpec("sample_id", "id", True, "Sample identifier", example="IMT-01"),
        FieldSpec("probe", "gene", True, "Break-apart probe gene", example="ALK"),
        FieldSpec("nuclei_scored", "integer", False, "Nuclei scored", example=100),
        FieldSpec(
            "percent_split", "percent", False,
            "% nuclei with split or isolated 3' signals", unit="%", example=42,
        ),
        FieldSpec(
            "threshold", "percent", False, "Positivity threshold (default 15%)",
            unit="%", example=15,
        ),
        FieldSpec(
            "call", "call", False, "Call; derived from % and threshold when blank",
            choices=CALL_CHOICES, example="positive",
        ),
    ),
)

SEQUENCING = TableSpec(
    name="sequencing",
    sheet="Sequencing",
    description=(
        "Which sequencing assays were done on which sample.  A sample counts as tested "
        "for fusions, mutations or copy number only through a row here with status done.  "
        "capability and target narrow a row to what was tested (one column of a "
        "one-row-per-case sheet: 'mutation' of PIK3CA); blank: all the assay covers."
    ),
    key=("sample_id", "assay", "capability", "target"),
    fields=(
        FieldSpec("sample_id", "id", True, "Sample identifier", example="IMT-01"),
        FieldSpec(
            "assay", "assay", True, "Assay", choices=_choices(SequencingAssay), example="WGS"
        ),
        FieldSpec(
            "status", "status", True, "done / failed / not done",
            choices=_choices(AssayStatus), example="done",
        ),
        FieldSpec(
            "assembly", "text", False, "Genome assembly", choices=("hg19", "hg38"),
            example="hg38",
        ),
        FieldSpec("purity", "percent", False, "Estimated tumour purity", unit="%", example=55),
        FieldSpec(
            "capability", "text", False,
            "Only this kind of result was tested (blank: all the assay detects)",
            choices=_choices(Capability),
        ),
        FieldSpec(
            "target", "text", False,
            "Only this gene or region was tested, e.g. PIK3CA, 22q (blank: all)",
        ),
    ),
)

FUSIONS = TableSpec(
    name="fusions",
    sheet="Fusions",
    description=(
        "Fusions found (one row each).  Write HGNC notation 5'GENE::3'GENE; "
        "'ALK rearranged' when the partner is unknown."
    ),
    key=("sample_id", "fusion"),
    fields=(
        FieldSpec("sample_id", "id", True, "Sample identifier", example="IMT-01"),
        FieldSpec("fusion", "fusion", True, "Fusion, e.g. TPM3::ALK", example="TPM3::ALK"),
        FieldSpec("assay", "assay", False, "Detecting assay", choices=_NAMED_ASSAYS,
                  example="WGS"),
        FieldSpec("breakpoint_5", "text", False, "5' breakpoint", example="chr1:154170400"),
        FieldSpec("breakpoint_3", "text", False, "3' breakpoint", example="chr2:29223580"),
        FieldSpec("frame", "text", False, "in-frame / out-of-frame", example="in-frame"),
        FieldSpec("supporting_reads", "integer", False, "Supporting reads", example=34),
    ),
)

VARIANTS = TableSpec(
    name="variants",
    sheet="Variants",
    description="Small variants (one row each).",
    key=("sample_id", "gene", "protein_change"),
    fields=(
        FieldSpec("sample_id", "id", True, "Sample identifier", example="IMT-01"),
        FieldSpec("gene", "gene", True, "HGNC gene symbol", example="PIK3CA"),
        FieldSpec("protein_change", "protein", False, "Protein change", example="p.H1047R"),
        FieldSpec("cdna_change", "text", False, "cDNA change", example="c.3140A>G"),
        FieldSpec("variant_class", "text", False, "Class", example="Missense_Mutation"),
        FieldSpec("vaf", "number", False, "Variant allele fraction 0-1", example=0.31),
        FieldSpec("assay", "assay", False, "Detecting assay", choices=_NAMED_ASSAYS,
                  example="WGS"),
    ),
)

CN_SEGMENTS = TableSpec(
    name="cn_segments",
    sheet="CN_Segments",
    description="Copy-number segments in SEG layout (log2 tumour/normal ratio).",
    key=("sample_id", "chrom", "start"),
    fields=(
        FieldSpec("sample_id", "id", True, "Sample identifier", example="IMT-01"),
        FieldSpec("chrom", "chrom", True, "Chromosome (1-22, X, Y)", example="22"),
        FieldSpec("start", "integer", True, "Segment start (bp)", example=16000000),
        FieldSpec("end", "integer", True, "Segment end (bp)", example=50818468),
        FieldSpec("markers", "integer", False, "Probes / bins in the segment", example=812),
        FieldSpec("log2_ratio", "number", True, "Segment mean log2 ratio", example=-0.52),
    ),
)

CN_CALLS = TableSpec(
    name="cn_calls",
    sheet="CN_Calls",
    description=(
        "Copy-number calls given directly (arm, whole chromosome, focal locus or gene); "
        "used as they are."
    ),
    key=("sample_id", "region"),
    fields=(
        FieldSpec("sample_id", "id", True, "Sample identifier", example="IMT-01"),
        FieldSpec("region", "region", True, "22q, 19 (whole chromosome), 9p21.3 or a gene",
                  example="22q"),
        FieldSpec("event", "cna_event", True, "gain / loss / amplification / deep deletion",
                  choices=_choices(CnaEvent), example="loss"),
    ),
)

OUTCOMES = TableSpec(
    name="outcomes",
    sheet="Outcomes",
    per="patient",
    description="Treatment, best response and survival, one row per patient.",
    key=("patient_id",),
    fields=(
        FieldSpec("patient_id", "id", True, "Patient identifier", example="P-01"),
        FieldSpec("treatment", "text", False, "Treatment", example="crizotinib"),
        FieldSpec("best_response", "recist", False, "RECIST 1.1 best overall response",
                  choices=_choices(Recist), example="PR"),
        FieldSpec("best_percent_change", "number", False,
                  "Best % change of target lesions", unit="%", example=-45),
        FieldSpec("pfs_months", "number", False, "Progression-free survival", unit="months",
                  example=18.2),
        FieldSpec("pfs_event", "event", False, "1 = progressed or died, 0 = censored",
                  choices=("1", "0"), example=1),
        FieldSpec("os_months", "number", False, "Overall survival", unit="months",
                  example=40.1),
        FieldSpec("os_event", "event", False, "1 = died, 0 = censored", choices=("1", "0"),
                  example=0),
        FieldSpec("time_on_treatment_months", "number", False, "Time on treatment",
                  unit="months", example=16.5),
    ),
)

#: Every canonical table, in template sheet order.
TABLES: tuple[TableSpec, ...] = (
    STUDY,
    SAMPLES,
    IHC,
    FISH,
    SEQUENCING,
    FUSIONS,
    VARIANTS,
    CN_SEGMENTS,
    CN_CALLS,
    OUTCOMES,
)

TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}
TABLES_BY_SHEET: dict[str, TableSpec] = {t.sheet.casefold(): t for t in TABLES}

#: Study keys with a meaning to the program.
STUDY_KEYS = {
    "study_name": "Name shown in titles and reports",
    "synthetic": "yes when the data are synthetic (shown wherever the cohort is)",
    "assembly": "Default genome assembly for segments (hg19 or hg38)",
    "fish_threshold": "Default FISH positivity threshold in %",
    "time_unit": "Unit of survival times (months)",
}
