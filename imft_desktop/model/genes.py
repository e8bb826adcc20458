"""Gene symbols as the program knows them: HGNC renames, a bundled list of symbols seen on
sarcoma and fusion panels, and the shape of a symbol.

Why ``model``: reading a fusion cell needs them (is ``NKX2-1`` one symbol or two?), and
both the importer (``io``) and the analyses (``analysis``, reading cohorts built from
tables) read fusion cells; the model is the floor both stand on (see
:mod:`imft_desktop.model.fusion`).

Nothing here renames a symbol on its own: the importer reports an outdated symbol
(``GENE_OUTDATED``) when it applies :data:`GENE_ALIASES`.
"""

from __future__ import annotations

import re

#: HGNC renames relevant to sarcoma / fusion pathology (HGNC symbol reports as of 2024;
#: extend with care, never from the network).
GENE_ALIASES: dict[str, str] = {
    "CARS": "CARS1", "MARC1": "MTARC1", "MARC2": "MTARC2", "HER2": "ERBB2",
    "MLL": "KMT2A", "MLL2": "KMT2D", "MLL3": "KMT2C", "C11ORF95": "ZFTA",
    "H3F3A": "H3-3A", "H3F3B": "H3-3B", "HIST1H3B": "H3C2", "WHSC1": "NSD2",
    "MKL1": "MRTFA", "MKL2": "MRTFB", "FAM46C": "TENT5C", "KIAA1549L": "KIAA1549L",
    "C2ORF44": "WDCP", "ERBB2IP": "ERBIN", "FAM129B": "NIBAN2", "GPR98": "ADGRV1",
    "EMR1": "ADGRE1", "HN1": "JPT1", "TCEB1": "ELOC",
    "PAK7": "PAK5", "KIAA1524": "CIP2A", "CXORF67": "EZHIP", "FAM22A": "NUTM2A",
    # SEPT2 and MARCH1 are also what Excel turns into dates: the importer says so.
    **{f"SEPT{i}": f"SEPTIN{i}" for i in range(1, 15)},
    **{f"MARCH{i}": f"MARCHF{i}" for i in range(1, 12)},
}

#: Symbols known when splitting fusion text: a hyphen inside one of these (``NKX2-1``,
#: ``HLA-A``, ``H3-3A``) is part of the symbol, not the fusion's separator.
_KNOWN_GENES_TEXT = """
    ALK ROS1 NTRK1 NTRK2 NTRK3 RET PDGFRB PDGFRA MET BRAF RAF1 FGFR1 FGFR2 FGFR3 EGFR ERBB2
    ETV6 TPM3 TPM4 CLTC RANBP2 ATIC CARS1 SEC31A PPFIBP1 DCTN1 EML4 FN1 TFG PRKAR1A LMNA
    RRBP1 THBS1 IGFBP5 YWHAE KIF5B NPM1 TPR KLC1 VCL STRN HIP1 MSN MYH9 SQSTM1 CUX1 NKX2-1
    NKX2-5 NKX3-1 HLA-A HLA-B HLA-C HLA-DRB1 HLA-DQA1 HLA-DQB1 H3-3A H3-3B PIK3CA PTEN TP53
    CDKN2A CDKN2B RB1 NF1 NF2 KRAS NRAS HRAS MDM2 CDK4 MYC MYCN SMARCB1 EWSR1 FUS FLI1 ERG
    WT1 SS18 SSX1 SSX2 NAB2 STAT6 COL1A1 PDGFB USP6 MYOD1 CIC DUX4 BCOR TERT ATRX DAXX KIT
    NTRK SEPTIN9 SEPTIN2 MARCHF1 ZFTA KMT2A BCR ABL1 PAX3 PAX7 FOXO1 TFE3 ASPSCR1 CREB1
    ATF1 NR4A3 TAF15 EWSR1 GLI1 ACTB MALAT1 PLAG1 HMGA2 KMT2D
"""
KNOWN_GENES: frozenset[str] = frozenset(_KNOWN_GENES_TEXT.split())

#: The shape of a gene symbol as written (any case): ``TPM3``, ``NKX2-1``, ``C11orf95``.
SYMBOL_CI_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-\.]*$")


def canonical_symbol(text: str) -> str:
    """Upper-case a symbol, keeping the lower-case ``orf`` of open reading frames."""
    up = text.upper()
    return re.sub(r"(?<=\d)ORF(?=\d)", "orf", up)


def is_known_symbol(text: str) -> bool:
    """True when ``text`` (any case) is a listed symbol or a listed symbol's old name."""
    up = canonical_symbol(text)
    return up in KNOWN_GENES or GENE_ALIASES.get(up.upper()) in KNOWN_GENES
