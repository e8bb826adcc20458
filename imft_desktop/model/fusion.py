"""Fusions: the normalised form, the driver rule, the one list of driver genes, and the
one reader of the notations found in sheets.

The normalised form is HGNC notation ``5'GENE::3'GENE`` (Bruford et al., Leukemia 2021).
A side whose gene is unknown is written ``?``: ``?::ALK`` is "ALK rearranged, partner
unknown" (ALK as the 3' kinase partner, which is what a break-apart FISH or a sheet
saying "ALK rearranged" tells).  A partner is never invented.

:func:`read_fusion` reads a cell by its notation alone -- ``TPM3::ALK``, ``TPM3-ALK``,
``TPM3/ALK``, ``EML4 ALK``, ``NKX2-1-ALK``, ``EML4-ALK v3``, ``ALK rearranged``,
``ALK (partner unknown)``, ``ALK::?``, a karyotype ``t(2;17)(p23;q23)`` -- and returns the
gene symbols as written, the details kept aside, and why it could not be read.  The
importer (``io.validation.fusions_variants``) adds its checks of each symbol (Excel
dates, HGNC renames) and its findings; the analyses read cohorts built from tables with
:func:`parse_fusion_text`.  One reader, so a cell means the same in every view.

Why here: the model imports nothing of ours and both ``io`` and ``analysis`` read
fusion cells; the reader needs nothing but ``re`` and the symbol list of
:mod:`imft_desktop.model.genes`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from imft_desktop.model.genes import SYMBOL_CI_RE, canonical_symbol, is_known_symbol

UNKNOWN = "?"

#: The genes that drive oncogenic fusions as their kinase (or, for NRG1, ligand) end:
#: the driver of a fusion is its 3' gene when it is one of these, else its 5' gene when
#: that is one (a reversed or reciprocal call such as ``ALK::TPM3``), else the 3' gene.
#: The one list of the program: the importer, the alteration matrix, fusion partners and
#: concordance all read it.  PIK3CA is left out on purpose: it is altered by mutation,
#: and as a "driver" it would make a fusion cell listing mutated genes ("KRAS PIK3CA")
#: read as a fusion.
DRIVER_GENES: frozenset[str] = frozenset(
    {
        "ALK", "LTK", "ROS1", "NTRK1", "NTRK2", "NTRK3", "RET", "PDGFRA", "PDGFRB", "BRAF",
        "RAF1", "FGFR1", "FGFR2", "FGFR3", "FGFR4", "MET", "EGFR", "ERBB2", "ERBB4", "ABL1",
        "ABL2", "JAK1", "JAK2", "JAK3", "KIT", "CSF1R", "MAP3K8", "PRKACA", "PRKACB",
        "PRKCA", "PRKCB", "SYK", "FLT3", "TYK2", "AXL", "MERTK", "INSR", "IGF1R", "NRG1",
    }
)


def driver_of(gene5: str | None, gene3: str | None) -> str | None:
    """The driver of ``gene5::gene3`` by the rule of :data:`DRIVER_GENES`; with one side
    unknown, the known gene."""
    if gene3 in DRIVER_GENES:
        return gene3
    if gene5 in DRIVER_GENES:
        return gene5
    return gene3 or gene5


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
    def exact(self) -> str | None:
        """``TPM3::ALK`` when both genes are known, else ``None``."""
        return self.notation if self.partner_known else None

    @property
    def driver(self) -> str | None:
        """The driver gene: a known kinase side (3' preferred), else the 3' gene."""
        return driver_of(self.gene5, self.gene3)

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

        Raises ``ValueError`` for anything else; sheet text goes through
        :func:`read_fusion` instead.
        """
        parts = str(text).split("::")
        if len(parts) != 2:
            raise ValueError(f"not a normalised fusion: {text!r}")
        g5, g3 = (p.strip() for p in parts)
        if not g5 or not g3 or (g5 == UNKNOWN and g3 == UNKNOWN):
            raise ValueError(f"not a normalised fusion: {text!r}")
        return cls(None if g5 == UNKNOWN else g5, None if g3 == UNKNOWN else g3)


def partner_unknown_fusion(gene: str, side: str | None) -> Fusion:
    """The fusion of ``gene`` with an unknown partner: on the side the text gave
    (``"5'"`` for ``ALK::?``), else a driver as the 3' end and any other gene as the 5'
    end (``ALK rearranged`` is ``?::ALK``, ``EWSR1 rearranged`` is ``EWSR1::?``)."""
    if side == "5'" or (side is None and gene not in DRIVER_GENES):
        return Fusion(gene, None)
    return Fusion(None, gene)


# --------------------------------------------------------------------------- karyotypes
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

_KARYOTYPE = re.compile(
    r"^(?P<kind>t|inv|ins|der)\(\s*(?P<c1>\d{1,2}|X|Y)\s*(?:;\s*(?P<c2>\d{1,2}|X|Y)\s*)?\)"
    r"\s*\(\s*(?P<b1>[pq]\d+(?:\.\d+)?)\s*[;,]?\s*(?P<b2>[pq]\d+(?:\.\d+)?)?\s*\)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Karyotype:
    """A translocation/inversion read from its bands.

    A karyotype names chromosome bands, not genes: a band such as 1q21 holds dozens of
    genes.  So ``driver`` is the kinase at one of the bands (``None`` when none or
    several) with its partner unknown, and ``hint`` names the classic partner at the
    other band, for the user to confirm; a gene is never invented from a band.
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


# --------------------------------------------------------------------------- details
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


# --------------------------------------------------------------------------- reading cells
_PARTNER_UNKNOWN_RE = re.compile(
    r"^(?P<g>[A-Za-z0-9\-\.]+?)\s*(?:[-:/]\s*)?"
    r"(?:rearranged|rearrangement|re-arranged|fusion|fusion positive|translocated|"
    r"translocation|break-?apart(?:\s+(?:fish\s+)?positive)?|split|(?<=[-:/\s])r"
    r"|\(?\s*(?:partner\s+unknown|unknown\s+partner)\s*\)?)"
    r"(?:\s*\(.*\))?\s*$",
    re.IGNORECASE,
)
_UNKNOWN_SIDE_RE = re.compile(
    r"^(?:(?P<a>[A-Za-z0-9\-\.]+)\s*::\s*(?:\?|unknown)"
    r"|(?:\?|unknown)\s*::\s*(?P<b>[A-Za-z0-9\-\.]+))$",
    re.IGNORECASE,
)
_FUSION_SUFFIX_RE = re.compile(r"\s+(?:fusion|fusion gene|transcript)$", re.IGNORECASE)
#: Dashes and minus signs written for the hyphen of ``TPM3-ALK``.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"})

#: Why a hyphenated text was not split.
SEVERAL_SPLITS = "several splits possible"
NO_SPLIT = "no split gives two known gene symbols"


@dataclass(frozen=True)
class FusionReading:
    """What a fusion cell says, read by its notation alone.

    Attributes
    ----------
    genes:
        The symbols as written: two (5', 3') for a pair, one when the partner is
        unknown, none when the text is no fusion.
    side:
        With one gene: ``"5'"`` or ``"3'"`` when the text says where it sits (``ALK::?``,
        ``?::ALK``, a karyotype's kinase), ``None`` when it does not ("ALK rearranged").
    detail:
        Variant, exon or karyotype details taken off the genes (``v3``, ``t(2;5)``).
    karyotype:
        The karyotype, when the whole cell is one.
    ambiguous:
        Why hyphenated text could not be split (:data:`SEVERAL_SPLITS`,
        :data:`NO_SPLIT`); ``None`` otherwise.
    """

    genes: tuple[str, ...] = ()
    side: str | None = None
    detail: str | None = None
    karyotype: Karyotype | None = None
    ambiguous: str | None = None

    @property
    def partner_unknown(self) -> bool:
        return len(self.genes) == 1

    def fusion(self) -> Fusion | None:
        """The fusion with the symbols as written (upper case, ``orf`` kept), or ``None``
        when the text names no fusion.  HGNC renames are the importer's to apply."""
        genes = [canonical_symbol(g) for g in self.genes]
        if len(genes) == 2:
            return Fusion(genes[0], genes[1])
        if len(genes) == 1:
            return partner_unknown_fusion(genes[0], self.side)
        return None


def read_fusion(text: str) -> FusionReading:
    """Read a fusion cell (see the module docstring); never raises.

    Hyphenated text is split only where exactly one split leaves two plausible symbols
    (``NKX2-1-ALK`` is NKX2-1::ALK; ``FOO-1-ALK`` is ambiguous); two words are a fusion
    only when both are symbols and one is a driver ("see report", "TP53 R273H" and
    "KRAS PIK3CA" are not).
    """
    t = " ".join(str(text).translate(_DASHES).split())
    if not t:
        return FusionReading()
    karyotype = read_karyotype(t)
    if karyotype is not None:
        genes = (karyotype.driver,) if karyotype.driver else ()
        return FusionReading(genes, "3'", karyotype=karyotype)
    # "EML4-ALK v3 fusion" and "EML4-ALK fusion v3": suffix, details, suffix.
    core, detail = split_details(_FUSION_SUFFIX_RE.sub("", t).strip())
    suffixed = bool(_FUSION_SUFFIX_RE.search(t) or _FUSION_SUFFIX_RE.search(core))
    t = _FUSION_SUFFIX_RE.sub("", core).strip()
    m = _UNKNOWN_SIDE_RE.match(t) or _PARTNER_UNKNOWN_RE.match(t)
    if m is None and suffixed and not re.search(r"[\s:/-]", t):
        m = re.match(r"(?P<g>.+)", t)  # "ALK fusion": the partner is not named
    if m:
        named = m.groupdict()
        gene = next(g for g in m.groups() if g)
        side = "5'" if named.get("a") else "3'" if named.get("b") else None
        return FusionReading((gene,), side, detail)
    parts: list[str] | None = None
    if "::" in t:
        parts = [p.strip() for p in t.split("::")]
    elif "/" in t:
        parts = [p.strip() for p in t.split("/")]
    elif re.search(r"\s", t):
        parts = t.split()
        if any("-" in p and not _plausible(p) for p in parts) or not _spaced_fusion(parts):
            return FusionReading(detail=detail)  # words, not two fused genes
    elif "-" in t:
        good = _hyphen_splits(t)
        if len(good) != 1:
            return FusionReading(detail=detail, ambiguous=SEVERAL_SPLITS if good else NO_SPLIT)
        parts = list(good[0])
    elif ":" in t:
        parts = [p.strip() for p in t.split(":")]
    if not parts or len(parts) != 2 or not all(parts):
        return FusionReading(detail=detail)
    return FusionReading((parts[0], parts[1]), detail=detail)


def parse_fusion_text(text: Any) -> Fusion | None:
    """The fusion a cell names (:func:`read_fusion`), or ``None`` for missing values and
    text that names none.  Cached: a cohort repeats the same few fusion texts."""
    if text is None or (isinstance(text, float) and text != text):
        return None
    return _parse_cached(str(text))


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Fusion | None:
    return read_fusion(text).fusion()


def _spaced_fusion(parts: list[str]) -> bool:
    """Two words separated by a space are a fusion ("EML4 ALK") only when both are gene
    symbols as written (known, or upper-case symbol-shaped) and one of them is a driver."""
    if len(parts) != 2:
        return False

    def symbol(word: str) -> str | None:
        shaped = word == word.upper() and bool(SYMBOL_CI_RE.match(word)) and any(
            c.isalpha() for c in word)
        return canonical_symbol(word).upper() if is_known_symbol(word) or shaped else None

    genes = [symbol(p) for p in parts]
    return all(genes) and any(g in DRIVER_GENES for g in genes)


def _plausible(part: str) -> bool:
    """A possible symbol: listed, or symbol-shaped without a hyphen and not a number."""
    if is_known_symbol(part):
        return True
    return "-" not in part and bool(SYMBOL_CI_RE.match(part)) and not part.isdigit()


def _hyphen_splits(text: str) -> list[tuple[str, str]]:
    """The 5'/3' splits of ``A-B`` style text that leave two plausible symbols."""
    cands = [(text[:i], text[i + 1:]) for i, ch in enumerate(text) if ch == "-"]
    return [c for c in cands if c[0] and c[1] and _plausible(c[0]) and _plausible(c[1])]

