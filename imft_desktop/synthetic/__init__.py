"""Synthetic cohorts: the 24-sample demo cohort and large cohorts for load testing.

Nothing here is patient data.  The demo cohort reproduces the published figures of
the translational study of the EORTC 90101 CREATE trial (Wozniak et al., Clin Cancer
Res 2022; see ``shared/domain.md``): 12 ALK fusions with 11 partners, ALK IHC positive
14/24 (clone ALK1) and 11/21 (D5F3), ALK FISH positive 13/23, WGS on 22, an RNA fusion
panel on 20, 22q loss 14/24, PIK3CA mutated 2/22, monosomy 19 with shorter PFS,
responders with fewer copy-number-altered regions (about 12 vs 30), ALK+ ORR 8/12.

Design: a hand-written *truth table* (one ``_Case`` per sample) fixes the qualitative
facts -- which sample carries which fusion, which assay was done, which call each assay
gives, the best response, monosomy 19, 22q loss, PIK3CA -- so that the published
counts hold by construction, including a few realistic discordances between IHC, FISH
and sequencing.  A seeded ``numpy`` generator then draws every number (IHC %, FISH %
split, purity, copy-number segments, focal events, survival times).  Before anything
is written, ``check_demo_targets`` recomputes every target from the generated tables
(denominators through ``model.cohort.Cohort``, copy-number calls from the segments by
an independent arm/focal caller) and raises ``DemoTargetError`` if one is off, so a
regression fails loudly instead of shipping a demo with wrong numbers.

Copy-number design (how the denominators stay honest): WGS failed on SYN-22 and was
not done on SYN-23; both had a SNP array (``SequencingAssay.SNP_ARRAY``: copy number
only), reported as arm/chromosome/cytoband calls in ``CN_Calls``.  Copy number is thus
tested on 24/24 (22q loss 14/24), mutations on the 22 WGS samples (PIK3CA 2/22),
fusions on 24/24 (WGS or RNA panel).

Workbooks are written with xlsxwriter, whose zip members carry a fixed 1980 time stamp;
with fixed document-property dates the demo files are byte-identical from run to run.

Modules: ``genome`` (hg38 geometry, focal loci, gene spans), ``demo`` (truth table and
drawing the demo's tables), ``demo_checks`` (the published figures, recomputed),
``demo_files`` (writing the demo workbooks), ``large`` (large cohorts).  This package
re-exports their public names.
"""

from imft_desktop.synthetic.demo import (
    DEMO_CASE_SHEET,
    DEMO_SEED,
    DEMO_STUDY_NAME,
    DEMO_TARGETS,
    DEMO_WORKBOOK,
    DemoCohort,
    DemoTargetError,
    build_demo_cohort,
)
from imft_desktop.synthetic.demo_checks import (
    call_copy_number,
    check_demo_targets,
    demo_figures,
)
from imft_desktop.synthetic.demo_files import (
    CASE_SHEET_HEADERS,
    demo_case_rows,
    demo_case_sheet_path,
    demo_workbook_path,
    write_demo_case_sheet,
    write_demo_workbook,
)
from imft_desktop.synthetic.genome import ARMS, HG38_CHROMOSOMES
from imft_desktop.synthetic.large import (
    EXCEL_MAX_ROWS,
    LARGE_SHAPES,
    WIDE_HEADERS,
    LargeCohortStats,
    make_large_cohort,
)

__all__ = [
    "ARMS",
    "CASE_SHEET_HEADERS",
    "DEMO_CASE_SHEET",
    "DEMO_SEED",
    "DEMO_STUDY_NAME",
    "DEMO_TARGETS",
    "DEMO_WORKBOOK",
    "EXCEL_MAX_ROWS",
    "HG38_CHROMOSOMES",
    "LARGE_SHAPES",
    "WIDE_HEADERS",
    "DemoCohort",
    "DemoTargetError",
    "LargeCohortStats",
    "build_demo_cohort",
    "call_copy_number",
    "check_demo_targets",
    "demo_case_rows",
    "demo_case_sheet_path",
    "demo_figures",
    "demo_workbook_path",
    "make_large_cohort",
    "write_demo_case_sheet",
    "write_demo_workbook",
]
