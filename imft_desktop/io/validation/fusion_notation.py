"""Fusion cells beyond ``GENE::GENE``: variant and breakpoint details, karyotypes.

Laboratory sheets write ``EML4-ALK v3``, ``EML4::ALK (E13;A20)``, ``NPM1::ALK t(2;5)``
or a bare karyotype ``t(1;2)(q21;p23)``.  :func:`split_details` takes the details off
so the genes can be split as usual (the details are kept, not dropped), and
:func:`read_karyotype` reads a translocation or inversion.

A karyotype names chromosome bands, not genes: a band such as 1q21 holds dozens of
genes.  So a band where a known kinase driver lies gives that driver with the partner
*unknown*, and the classic partner at the other band is offered as a hint only; a gene
is never invented from a band.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imft_desktop.io.validation.cells import Note, Parsed
from imft_desktop.model.fusion import DRIVER_GENES, Fusion

#: Kinase drivers and the band they lie in (hg38 cytobands, to the sub-band written on
#: karyotypes).  Only kinases: the rearranged gene a karyotype most likely means.
DRIVER_BANDS: dict[str, tuple[str, ...]] = {
    "ALK": ("2p23",),
    "ROS1": ("6q22",),
    "NTRK1": ("1q23",),
    "NTRK2": ("9q21", "9q22"),
    "NTRK3": ("15q25",),
    "RET": ("10q11",),
    "PDGFRB": ("5q32", "5q33"),
}

#: Classic partners by band, for hints only ("1q21: TPM3 (TPM3::ALK)").
PARTNER_HINTS: dict[str, str] = {
    "1q21": "TPM3", "1q25": "TPR", "2p21": "EML4", "2q13": "RANBP2", "2q35": "ATIC",
    "3q12": "TFG", "5q35": "NPM1", "11p15": "CARS1", "12p11": "PPFIBP1", "12p13": "ETV6",
    "17q23": "CLTC", "19p13": "TPM4", "4q21": "SEC31A", "2p23": "ALK",
}

#: Trailing details of a fusion cell: variant ("v3", "variant 3a"), exons or
#: breakpoints ("(E13;A20)", "exon 13/20"), a karyotype ("t(2;5)(p23;q35)").
_DETAIL = (
    r"(?:v(?:ar(?:iant)?)?\.?\s*\d+[a-z]?(?:/\d+[a-z]?)?"
    r"|(?:exons?|ex|e|intron|i)\s*\d+[a-z]?(?:\s*[;:/,-]\s*(?:exons?|ex|e|a|intron|i)?\s*\d+[a-z]?)?"
    r"|(?:t|inv|ins|der)\([^()]*\)(?:\([^()]*\))?)"
)
# A bare detail needs a space, comma or semicolon before it ("ETV6" is not "ET" + "V6");
# a parenthesised one may follow the gene directly ("EML4-ALK(v3)").
_DETAIL_TAIL = re.compile(
    r"(?:(?:\s*[,;]\s*|\s+)" + _DETAIL + r"|\s*[,;]?\s*\(\s*" + _DETAIL + r"\s*\))+\s*$",
    re.IGNORECASE,
)
_KARYOTYPE = re.compile(
    r"^(?P<kind>t|inv|ins|der)\(\s*(?P<c1>\d{1,2}|X|Y)\s*(?:;\s*(?P<c2>\d{1,2}|X|Y)\s*)?\)"
    r"\s*\(\s*(?P<b1>[pq]\d+(?:\.\d+)?)\s*[;,]?\s*(?P<b2>[pq]\d+(?:\.\d+)?)?\s*\)$",
    re.IGNORECASE,
)


def split_details(text: str) -> tuple[str, str | None]:
    """``EML4-ALK v3`` -> (``EML4-ALK``, ``v3``); text without details is unchanged.

    Only a tail made of recognised details is taken off, so a gene is never cut.
    """
    m = _DETAIL_TAIL.search(text)
    if not m or m.start() == 0:
        return text, None
    core = text[: m.start()].rstrip(" ,;")
    detail = m.group(0).strip(" ,;")
    return core, detail or None


def fusion_karyotype(text: str) -> Parsed | None:
    """The parse of a cell that is a bare karyotype, else ``None``.

    With one kinase band: that kinase, partner unknown, and a warning quoting the cell
    (with the classic partner as a hint).  Otherwise no value and a warning.
    """
    k = read_karyotype(text)
    if k is None:
        return None
    bands = ", ".join(k.bands)
    if k.driver is None:
        return Parsed(None, (Note("FUSION_KARYOTYPE_UNREAD", detail=bands),))
    fusion = Fusion(None, k.driver)
    extra = (("gene_5", None), ("gene_3", k.driver), ("rearranged_gene", k.driver),
             ("partner_unknown", True), ("fusion_detail", text))
    return Parsed(fusion.notation, (Note("FUSION_KARYOTYPE", k.driver, detail=bands,
                                         hint=k.hint),), extra)


def fusion_order_notes(text: str, gene_5: str, gene_3: str, detail: str | None) -> list[Note]:
    """Notes on a split fusion: details kept aside, and a kinase written first in a
    loose notation (``ALK-EML4``), which is kept as written but flagged."""
    notes = []
    if detail:
        notes.append(Note("FUSION_DETAIL_KEPT", detail=detail))
    if "::" not in text and gene_5 in DRIVER_GENES and gene_3 not in DRIVER_GENES:
        notes.append(Note("FUSION_DRIVER_FIRST", f"{gene_3}::{gene_5}", detail=gene_5))
    return notes


@dataclass(frozen=True)
class Karyotype:
    """A translocation/inversion read from its bands.

    ``driver`` is the kinase at one of the bands (``None`` when none or several);
    ``hint`` names the classic partner at the other band, for the user to confirm.
    """

    bands: tuple[str, ...]
    driver: str | None
    hint: str | None


def read_karyotype(text: str) -> Karyotype | None:
    """``t(1;2)(q21;p23)`` -> bands 1q21, 2p23, driver ALK, hint TPM3; ``None`` when the
    text is not a translocation/inversion in ISCN form."""
    m = _KARYOTYPE.match(text.strip())
    if not m:
        return None
    c1 = m.group("c1").upper()
    c2 = (m.group("c2") or c1).upper()  # inv(2)(p21q23): both bands on chromosome 2
    b1, b2 = m.group("b1").lower(), (m.group("b2") or "").lower()
    bands = tuple(b for b in (f"{c1}{b1}", f"{c2}{b2}" if b2 else "") if b)
    drivers = {g for band in bands for g, where in DRIVER_BANDS.items()
               if any(_within(band, w) for w in where)}
    driver = next(iter(drivers)) if len(drivers) == 1 else None
    hint = None
    if driver is not None:
        others = [b for b in bands if not any(_within(b, w) for w in DRIVER_BANDS[driver])]
        for band in others:
            partner = next((g for w, g in PARTNER_HINTS.items() if _within(band, w)), None)
            if partner is not None:
                hint = (f"{band} is where {partner} lies ({partner}::{driver} is the "
                        "classic fusion); confirm the partner by sequencing")
    return Karyotype(bands, driver, hint)


def _within(band: str, where: str) -> bool:
    """True when ``band`` (``2p23.2``) lies in ``where`` (``2p23``)."""
    return band == where or band.startswith(where + ".") or (
        band.startswith(where) and not band[len(where):len(where) + 1].isdigit()
    )
