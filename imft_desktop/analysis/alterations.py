"""The alteration matrix: one column per alteration, one row per sample, with tested-ness.

``alteration_matrix(cohort).status`` holds 1.0 (altered), 0.0 (tested, not altered) or
NaN (not tested) for every included sample (rows, cohort order) and alteration label
(columns).  Not tested is never negative: each column's denominator is the samples
tested by the assay that can see it.

Labels (stable: scripts, the survival screen and reports rely on them)
----------------------------------------------------------------------
=================================  ==========================================================
``ALK fusion``                     driver-gene level: any fusion whose driver is ALK,
                                   partner-unknown rearrangements ("ALK rearranged") included
``TPM3::ALK``                      exact fusion, HGNC 5'::3' notation (known partners only)
``PIK3CA mutation``                gene level: any small variant in the gene
``PIK3CA p.H1047R``                one protein change (one-letter code)
``22q loss``, ``1q gain``          chromosome arm (``gain`` includes amplification, ``loss``
                                   deep deletion)
``monosomy 19``,                   whole chromosome; acrocentric chromosomes (13, 14, 15, 21,
``chromosome 7 gain``              22) have arm labels only ("monosomy 22" finds "22q loss")
``9p21.3 loss (focal)``            focal: a band called directly, or a recurrent focal locus
                                   from segments, named by its cytoband(s)
``CDKN2A deep deletion``           gene-level copy-number call given directly
``ALK IHC positive (D5F3)``        IHC positive per marker and antibody clone
                                   (``ALK IHC positive`` without a clone;
                                   ``ALK IHC positive (any clone)`` when several clones)
``ALK FISH positive``              FISH break-apart positive per probe
=================================  ==========================================================

Denominators: fusions over ``tested_for(FUSION)``, variants over ``tested_for(MUTATION)``,
copy number over ``tested_for(COPY_NUMBER)`` (and arm-level assessability, see
``copy_number``), IHC over samples with a positive / negative / equivocal call for
that marker and clone, FISH likewise per probe.  Equivocal counts as tested, not
positive.  Records of samples not tested by a covering assay are left out and reported
in ``warnings``.

A kinase gene probed by IHC or FISH (ROS1, NTRK1, ...) always has its driver-level fusion
label among fusion-tested samples, even with no fusion found ("ROS1 fusion", 0/24): a
negative sequencing result is a result.

Fusion text is read by ``model.fusion.parse_fusion_text`` (the importer's reader, so a
cell means the same everywhere).  Driver rule (``model.fusion.DRIVER_GENES``, the one
list): the 3' gene when it is a known kinase driver (ALK, ROS1, NTRK1/2/3, RET, PDGFRA/B,
BRAF, RAF1, FGFR1-4, MET, EGFR, ERBB2, ABL1, JAK2, KIT, LTK, CSF1R, ...); otherwise the 5'
gene when it is one (a reciprocal or reversed call, e.g. ALK::TPM3); otherwise the 3'
gene.  The partner is the other gene, with its orientation (5' or 3') relative to the
driver.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.analysis.copy_number import CnaParams, cn_columns, cohort_cn
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.fusion import DRIVER_GENES, parse_fusion_text
from imft_desktop.model.vocab import AlterationKind, AssayCall, Capability

PARTNER_UNKNOWN = "partner unknown"


def normalise_protein(text: Any) -> str | None:
    """``H1047R`` / ``p.H1047R`` -> ``p.H1047R`` (the importer already converts
    three-letter codes); None for empty values."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    t = str(text).strip()
    if not t or t.casefold() in {"nan", "none", "na"}:
        return None
    return t if t.startswith("p.") else f"p.{t}"


@dataclass(frozen=True)
class AlterationInfo:
    """What one column of the alteration matrix means and counts."""

    label: str
    gene: str  # driver gene, mutated gene, marker, probe; region for copy number
    kind: AlterationKind
    detail: str  # "TPM3::ALK", "p.H1047R", "22q", "D5F3", "driver gene", ...
    capability: str  # "fusion", "mutation", "copy number", "IHC", "FISH"
    level: str  # "driver gene", "exact fusion", "gene", "protein change", "arm",
    #             "chromosome", "focal", "gene (copy number)", "marker and clone", "probe"
    tested_n: int
    altered_n: int
    #: Labels of one family measure the same thing (ALK fusion, TPM3::ALK, ALK IHC, ALK
    #: FISH; 19q loss and monosomy 19); co-occurrence skips pairs within a family.
    family: str = ""

    @property
    def assay(self) -> str:
        return self.capability

    @property
    def percent(self) -> float:
        return 100.0 * self.altered_n / self.tested_n if self.tested_n else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "gene": self.gene,
            "kind": str(self.kind),
            "detail": self.detail,
            "capability": self.capability,
            "level": self.level,
            "tested": self.tested_n,
            "altered": self.altered_n,
        }


@dataclass
class AlterationMatrix:
    """Sample x alteration status with per-label metadata (see the module docstring)."""

    status: pd.DataFrame
    info: dict[str, AlterationInfo]
    labels: list[str]
    samples: list[str]
    cna: CnaParams
    warnings: list[str] = field(default_factory=list)
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.samples)

    def altered_samples(self, label: str) -> list[str]:
        col = self.status[self.find(label)]
        return [str(s) for s in col.index[col.to_numpy() == 1.0]]

    def tested_samples(self, label: str) -> list[str]:
        col = self.status[self.find(label)]
        return [str(s) for s in col.index[col.notna().to_numpy()]]

    def find(self, text: str) -> str:
        """Resolve a user-typed label (case-insensitive; aliases such as ``TPM3-ALK``,
        ``-19``, ``monosomy 19``, ``22q``, ``ALK+``).

        Raises
        ------
        KeyError
            With the closest labels when nothing matches.
        """
        key = _key(text)
        if key in self._aliases:
            return self._aliases[key]
        for cand in _alias_candidates(text):
            k = _key(cand)
            if k in self._aliases:
                return self._aliases[k]
        close = difflib.get_close_matches(
            key, list(self._aliases), n=5, cutoff=0.6
        )
        names = list(dict.fromkeys(self._aliases[c] for c in close))
        hint = f"; did you mean {', '.join(repr(n) for n in names)}?" if names else ""
        raise KeyError(f"no alteration {text!r}{hint}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": self.n,
            "labels": list(self.labels),
            "info": {k: self.info[k].to_dict() for k in self.labels},
            "cna_params": self.cna.to_dict(),
            "warnings": list(self.warnings),
        }


def _key(text: str) -> str:
    return " ".join(str(text).replace("–", "-").casefold().split())


_KARYO_RE = re.compile(r"^([+-])\s*(\d{1,2}|x|y)([pq])?$", re.IGNORECASE)
_SOMY_RE = re.compile(r"^(monosomy|trisomy|tetrasomy)\s*(?:chr(?:omosome)?\s*)?(\w+)$", re.I)


def _alias_candidates(text: str) -> list[str]:
    """Other spellings worth trying for ``text`` (order matters)."""
    t = " ".join(str(text).strip().split())
    out: list[str] = []
    f = parse_fusion_text(t)
    if f is not None and f.exact:
        out += [f.exact, f"{f.gene3}::{f.gene5}"]
    if m := _KARYO_RE.match(t):
        ev = "gain" if m.group(1) == "+" else "loss"
        chrom = m.group(2).upper()
        if m.group(3):
            out.append(f"{chrom}{m.group(3).lower()} {ev}")
        else:
            out += [f"monosomy {chrom}" if ev == "loss" else f"chromosome {chrom} gain",
                    f"{chrom}q {ev}"]
    if m := _SOMY_RE.match(t):
        chrom = m.group(2).upper().removeprefix("CHR")
        ev = "loss" if m.group(1).casefold() == "monosomy" else "gain"
        out += [f"monosomy {chrom}" if ev == "loss" else f"chromosome {chrom} gain",
                f"{chrom}q {ev}"]
    words = t.split()
    if len(words) == 1:
        w = words[0]
        if w.endswith("+"):
            g = w[:-1]
            out += [f"{g} IHC positive (any clone)", f"{g} IHC positive", f"{g} FISH positive",
                    f"{g} fusion"]
        elif w.endswith("-") or w.endswith("del"):
            pass
        else:
            out += [f"{w} loss", f"{w} gain", f"{w} fusion", f"{w} mutation",
                    f"{w} loss (focal)", f"{w} gain (focal)", f"monosomy {w}",
                    f"chromosome {w} gain"]
    if len(words) >= 2:
        tail = " ".join(words[1:]).casefold()
        head = words[0]
        if tail in {"del", "deletion", "lost"}:
            out.append(f"{head} loss")
        if tail in {"amp", "amplified"}:
            out.append(f"{head} amplification")
        if tail in {"homdel", "homozygous deletion"}:
            out.append(f"{head} deep deletion")
        if tail in {"rearranged", "rearrangement", "fusion positive", "fusion"}:
            out.append(f"{head} fusion")
        if tail in {"mutated", "mutant", "mut"}:
            out.append(f"{head} mutation")
        if re.fullmatch(r"p?\.?[a-z]\d+\S*", words[1], re.I) and len(words) == 2:
            out.append(f"{head} {normalise_protein(words[1].lstrip('.'))}")
        if words[0].casefold() == "chromosome" and len(words) == 3:
            out.append(f"monosomy {words[1]}" if tail.endswith("loss") else "")
    return [o for o in out if o]


# --------------------------------------------------------------------------- building
class _Builder:
    def __init__(self, cohort: Cohort):
        self.ids = cohort.sample_ids
        self.pos = {sid: i for i, sid in enumerate(self.ids)}
        self.index = pd.Index(self.ids, dtype=object)
        self.n = len(self.ids)
        self.columns: dict[str, np.ndarray] = {}
        self.info: dict[str, tuple[str, AlterationKind, str, str, str, str]] = {}
        self.warnings: list[str] = []

    def mask(self, ids: set[str] | list[str]) -> np.ndarray:
        m = np.zeros(self.n, bool)
        idx = [self.pos[s] for s in ids if s in self.pos]
        m[idx] = True
        return m

    def rows_of(self, sample_ids: pd.Series) -> np.ndarray:
        """Row of each sample id in the matrix, -1 for ids not in the cohort."""
        return np.asarray(self.index.get_indexer(sample_ids.astype(str)), dtype=np.int64)

    def mask_rows(self, rows: Any) -> np.ndarray:
        m = np.zeros(self.n, bool)
        m[np.asarray(rows, dtype=int)] = True
        return m

    def add(
        self,
        label: str,
        tested: np.ndarray,
        altered_rows: np.ndarray,
        meta: tuple[str, AlterationKind, str, str, str, str],
    ) -> None:
        col = np.where(tested, 0.0, np.nan)
        col[altered_rows] = 1.0
        self.columns[label] = col
        self.info[label] = meta


def alteration_matrix(
    cohort: Cohort, cna: CnaParams | None = None, min_focal_samples: int = 2
) -> AlterationMatrix:
    """Build the alteration matrix of ``cohort``.

    Parameters
    ----------
    cohort:
        The cohort (included records only are used).
    cna:
        Copy-number thresholds; ``CnaParams()`` with the cohort's assembly by default.
    min_focal_samples:
        Recurrent focal loci get a column when shared by at least
        ``copy_number.focal_min_samples(cn, min_focal_samples)`` samples (the loci
        table's threshold).

    Returns
    -------
    AlterationMatrix
        ``status`` (samples x labels, 1/0/NaN), ``info``, ``labels`` ordered by frequency
        (percent altered among tested, then altered count, then label), ``warnings``.
    """
    b = _Builder(cohort)
    _add_fusions(cohort, b)
    _add_mutations(cohort, b)
    cn = cohort_cn(cohort, cna)
    b.warnings.extend(cn.warnings)
    tested_cn = b.mask(cn.tested)
    rows_cn = np.flatnonzero(tested_cn)
    for col in cn_columns(cn, min_focal_samples):
        full = np.full(b.n, np.nan)
        full[rows_cn] = col.values
        region_scope = cohort.scoped_tested(Capability.COPY_NUMBER, col.region)
        if region_scope is not None:  # a "22q" column tested 22q only
            full[~b.mask(region_scope)] = np.nan
        kind = {
            "gain": AlterationKind.GAIN,
            "loss": AlterationKind.LOSS,
            "amplification": AlterationKind.AMPLIFICATION,
            "deep deletion": AlterationKind.DEEP_DELETION,
        }[col.event]
        level = "gene (copy number)" if col.region_kind == "gene" else col.region_kind
        family = "cn:" + (
            col.region.rstrip("pq") if col.region_kind in ("arm", "chromosome") else col.label
        )
        b.columns[col.label] = full
        b.info[col.label] = (col.region, kind, col.detail or col.region, "copy number", level,
                             family)
    _add_assay_calls(cohort, b, "ihc")
    _add_assay_calls(cohort, b, "fish")

    labels = list(b.columns)
    data = np.column_stack([b.columns[k] for k in labels]) if labels else np.empty((b.n, 0))
    tested_n = np.sum(~np.isnan(data), axis=0).astype(int)
    altered_n = np.sum(data == 1.0, axis=0).astype(int)
    info: dict[str, AlterationInfo] = {}
    for j, label in enumerate(labels):
        gene, kind, detail, cap, level, family = b.info[label]
        info[label] = AlterationInfo(label, gene, kind, detail, cap, level,
                                     int(tested_n[j]), int(altered_n[j]), family)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(tested_n > 0, altered_n / np.maximum(tested_n, 1), 0.0)
    order = sorted(range(len(labels)), key=lambda j: (-pct[j], -altered_n[j], labels[j]))
    ordered = [labels[j] for j in order]
    status = pd.DataFrame(data[:, order] if labels else data, index=pd.Index(b.ids,
                          name="sample_id"), columns=pd.Index(ordered, dtype=object))
    matrix = AlterationMatrix(status, info, ordered, list(b.ids), cn.params, b.warnings)
    matrix._aliases = _build_aliases(ordered, info)
    return matrix


def _build_aliases(labels: list[str], info: dict[str, AlterationInfo]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for label in labels:
        aliases.setdefault(_key(label), label)
    # Marker-level IHC labels first, so that "ALK+" means positive with any clone.
    for label in sorted(labels, key=lambda x: info[x].level != "marker"):
        i = info[label]
        extra: list[str] = []
        if i.level == "arm":
            extra.append(i.gene)  # "22q" alone finds "22q loss" (or gain, more frequent)
            if i.gene[:-1] in {"13", "14", "15", "21", "22"} and i.gene.endswith("q"):
                chrom = i.gene[:-1]
                if i.kind is AlterationKind.LOSS:
                    extra += [f"monosomy {chrom}", f"-{chrom}", f"chromosome {chrom} loss"]
                else:
                    extra += [f"chromosome {chrom} gain", f"+{chrom}", f"trisomy {chrom}"]
        elif i.level == "chromosome":
            chrom = i.gene
            if i.kind is AlterationKind.LOSS:
                extra += [f"-{chrom}", f"chromosome {chrom} loss", f"{chrom} loss"]
            else:
                extra += [f"+{chrom}", f"trisomy {chrom}", f"{chrom} gain"]
        elif i.level == "focal":
            extra += [label.replace(" (focal)", "")]
        elif i.level == "exact fusion":
            g5, g3 = i.detail.split("::")
            extra += [f"{g5}-{g3}", f"{g5}/{g3}"]
        elif i.level == "driver gene":
            extra += [f"{i.gene} rearranged", f"{i.gene} rearrangement", f"{i.gene} fusion+"]
        elif i.level == "gene":
            extra += [f"{i.gene} mutated", f"{i.gene}"]
        elif i.capability == "IHC":
            extra += [f"{i.gene}+", f"{i.gene} IHC", f"IHC {i.gene}"]
            if i.detail and i.detail != "any clone":
                extra += [f"{i.gene} IHC {i.detail}", f"{i.gene} {i.detail}",
                          f"IHC {i.gene} {i.detail}", f"{i.gene} ({i.detail})"]
        elif i.capability == "FISH":
            extra += [f"{i.gene} FISH", f"FISH {i.gene}", f"{i.gene} FISH+", f"{i.gene}+"]
        for e in extra:
            aliases.setdefault(_key(e), label)
    return aliases


def _add_fusions(cohort: Cohort, b: _Builder) -> None:
    tested = cohort.tested_for(Capability.FUSION)
    fus = cohort.table("fusions")
    tmask = b.mask(tested)
    masks: dict[str, np.ndarray] = {}

    def driver_mask(driver: str) -> np.ndarray:
        """Samples tested for fusions of ``driver``: a column reporting only one gene's
        fusions ("ALK partner") is no test of another gene's."""
        if driver not in masks:
            masks[driver] = b.mask(cohort.tested_for(Capability.FUSION, driver))
        return masks[driver]

    by_driver: dict[str, set[int]] = {}
    # Kinase genes probed by IHC or FISH get a driver-level row even without a fusion
    # ("ROS1 fusion 0/24"): a negative result of the sequencing is a result.
    if tmask.any():
        for table, key in (("ihc", "marker"), ("fish", "probe")):
            df = cohort.table(table)
            if not df.empty:
                for gene in pd.unique(df[key].dropna().astype(str).str.strip().str.upper()):
                    if gene in DRIVER_GENES and driver_mask(gene).any():
                        by_driver.setdefault(gene, set())
    if fus.empty:
        fus = pd.DataFrame({"sample_id": pd.Series(dtype=object), "fusion": []})
    by_exact: dict[str, tuple[set[int], str]] = {}
    untested: set[str] = set()
    unreadable = 0
    for row, text in zip(b.rows_of(fus["sample_id"]), fus["fusion"]):
        if row < 0:
            continue
        if not tmask[row]:
            untested.add(b.ids[row])
            continue
        call = parse_fusion_text(text)
        if call is None or call.driver is None:
            unreadable += 1
            continue
        if not driver_mask(call.driver)[row]:
            untested.add(b.ids[row])
            continue
        by_driver.setdefault(call.driver, set()).add(row)
        if call.exact:
            by_exact.setdefault(call.exact, (set(), call.driver))[0].add(row)
    if untested:
        b.warnings.append(
            f"Fusions of {len(untested)} sample(s) without a done fusion-capable assay were "
            "left out (add the assay on the Sequencing sheet to count them)."
        )
    if unreadable:
        b.warnings.append(f"{unreadable} fusion text(s) could not be read and were left out.")
    for driver, rows in by_driver.items():
        b.add(f"{driver} fusion", driver_mask(driver), np.fromiter(rows, int, len(rows)),
              (driver, AlterationKind.FUSION, "driver gene (partner-unknown included)",
               "fusion", "driver gene", f"gene:{driver}"))
    for exact, (rows, driver) in by_exact.items():
        b.add(exact, driver_mask(driver), np.fromiter(rows, int),
              (driver, AlterationKind.FUSION, exact, "fusion", "exact fusion",
               f"gene:{driver}"))


#: MAF Variant_Classification values that do not change the protein.
NON_CODING_CLASSES = frozenset(
    {"Silent", "Intron", "3'UTR", "5'UTR", "3'Flank", "5'Flank", "IGR", "RNA"}
)


def _add_mutations(cohort: Cohort, b: _Builder) -> None:
    tested = cohort.tested_for(Capability.MUTATION)
    var = cohort.table("variants")
    if var.empty:
        return
    tmask = b.mask(tested)
    rows = b.rows_of(var["sample_id"])
    known = rows >= 0
    keep = known & tmask[np.where(known, rows, 0)]
    outside = len(np.unique(rows[known & ~keep]))
    if outside:
        b.warnings.append(
            f"Variants of {outside} sample(s) without a done mutation-capable assay were left "
            "out."
        )
    if "variant_class" in var.columns:
        # As cBioPortal and maftools do: silent and non-coding variants do not make a gene
        # "mutated"; the sample still counts as tested.
        vclass = var["variant_class"].astype(str).str.strip().to_numpy()
        non_coding = np.isin(vclass, list(NON_CODING_CLASSES))
        if (keep & non_coding).any():
            b.warnings.append(
                f"{int((keep & non_coding).sum())} silent or non-coding variant(s) "
                f"({', '.join(sorted(set(vclass[keep & non_coding])))}) are not counted as "
                "mutations."
            )
        keep = keep & ~non_coding
    # A column reporting one gene ("PIK3CA") is no test of another: per-gene scope.
    gene_text = var["gene"].astype(str).str.strip().str.upper().to_numpy()
    for gene in pd.unique(gene_text[keep]):
        gmask = b.mask(cohort.tested_for(Capability.MUTATION, str(gene)))
        in_gene = keep & (gene_text == gene)
        off = in_gene & ~gmask[np.where(known, rows, 0)]
        if off.any():
            b.warnings.append(
                f"{gene} variants of {len(np.unique(rows[off]))} sample(s) not tested "
                f"for {gene} were left out.")
            keep = keep & ~off
    genes = var["gene"].to_numpy()[keep]
    # None, not NaN, for a missing protein change: NaN objects do not match as dict keys.
    proteins = var["protein_change"].astype(object).where(var["protein_change"].notna(), None)
    proteins = proteins.to_numpy()[keep]
    gene_map = {g: str(g).strip().upper() for g in pd.unique(genes)}
    prot_map = {p: normalise_protein(p) for p in pd.unique(proteins)}
    v = pd.DataFrame(
        {
            "row": rows[keep],
            "gene": [gene_map[g] for g in genes],
            "protein": [prot_map[p] for p in proteins],
        }
    )
    v = v.loc[~v["gene"].isin(["", "NAN", "NONE"])]
    row_arr = v["row"].to_numpy()
    for gene, idx in sorted(v.groupby("gene").indices.items()):
        g = str(gene)
        gmask = b.mask(cohort.tested_for(Capability.MUTATION, g))
        b.add(f"{g} mutation", gmask, np.unique(row_arr[idx]),
              (g, AlterationKind.MUTATION, "any variant in the gene", "mutation", "gene",
               f"mutation:{g}"))
    with_protein = v.dropna(subset=["protein"])
    prow = with_protein["row"].to_numpy()
    for (gene, prot), idx in sorted(with_protein.groupby(["gene", "protein"]).indices.items()):
        g = str(gene)
        b.add(f"{g} {prot}", b.mask(cohort.tested_for(Capability.MUTATION, g)),
              np.unique(prow[idx]),
              (g, AlterationKind.MUTATION, str(prot), "mutation", "protein change",
               f"mutation:{g}"))


def _norm_codes(values: pd.Series, casefold: bool) -> tuple[np.ndarray, list[str]]:
    """Codes of the stripped (and case-folded) text of ``values``; "" for missing/blank;
    with the first spelling seen of each code."""
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    keys: dict[str, int] = {}
    shown: list[str] = []
    lut = np.empty(len(uniq) + 1, dtype=np.int64)
    for i, u in enumerate(list(uniq) + [None]):
        text = "" if u is None or (isinstance(u, float) and np.isnan(u)) else str(u).strip()
        k = text.casefold() if casefold else text
        if k not in keys:
            keys[k] = len(shown)
            shown.append(text)
        lut[i] = keys[k]
    return lut[codes], shown  # code -1 (missing) takes the last entry


def _add_assay_calls(cohort: Cohort, b: _Builder, table: str) -> None:
    df = cohort.table(table)
    if df.empty:
        return
    tested_values = {str(c) for c in AssayCall if c.is_tested}
    key = "marker" if table == "ihc" else "probe"
    call_codes, call_uniq = pd.factorize(df["call"].astype(object), use_na_sentinel=True)
    call_text = [str(u) for u in call_uniq] + [""]
    tested_lut = np.array([c in tested_values for c in call_text])
    pos_lut = np.array([c == str(AssayCall.POSITIVE) for c in call_text])
    rows = b.rows_of(df["sample_id"])
    ok = tested_lut[call_codes] & (rows >= 0)
    positive = pos_lut[call_codes] & ok
    tid, targets = _norm_codes(df[key], casefold=True)
    if table == "ihc":
        cid, clones = _norm_codes(df["clone"], casefold=True)
    else:
        cid, clones = np.zeros(len(df), np.int64), [""]
    for t in sorted(set(tid[ok].tolist()), key=lambda i: targets[i].casefold()):
        target = targets[t]
        if not target:
            continue
        in_t = ok & (tid == t)
        if table == "fish":
            b.add(f"{target} FISH positive", b.mask_rows(rows[in_t]),
                  np.unique(rows[in_t & positive]),
                  (target, AlterationKind.FISH_POSITIVE, "break-apart probe", "FISH", "probe",
                   f"gene:{target.upper()}"))
            continue
        clone_ids = list(dict.fromkeys(cid[in_t].tolist()))
        for c in clone_ids:
            in_c = in_t & (cid == c)
            clone = clones[c]
            label = f"{target} IHC positive" + (f" ({clone})" if clone else "")
            b.add(label, b.mask_rows(rows[in_c]), np.unique(rows[in_c & positive]),
                  (target, AlterationKind.IHC_POSITIVE, clone, "IHC", "marker and clone",
                   f"gene:{target.upper()}"))
        if len(clone_ids) > 1:
            b.add(f"{target} IHC positive (any clone)", b.mask_rows(rows[in_t]),
                  np.unique(rows[in_t & positive]),
                  (target, AlterationKind.IHC_POSITIVE, "any clone", "IHC", "marker",
                   f"gene:{target.upper()}"))
