"""Header vocabulary: propose a mapping target for one header (and its values).

The rules run in order, first match wins: identifiers, outcomes (times with their unit,
events with their coding, response), sequencing status, FISH, IHC (marker and clone),
fusions, mutations, copy number, sample fields, and finally a gene symbol alone decided
by the column's values.  Each proposal has a confidence and a reason in words.  Nothing
is specific to one gene: markers, probes and genes come from the header.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from imft_desktop.io.mapping.targets import EXTRA
from imft_desktop.io.mapping.vocab import (
    FUSION_DRIVERS,
    KNOWN_CLONES,
    KNOWN_GENES,
    MARKER_ALIASES,
    NOT_GENES,
    cell_is_blank,
    cell_is_not_tested,
    clean_text,
    is_gene_symbol,
    numbers_in,
    value_profile,
)
from imft_desktop.model.event_coding import event_key, is_event_like
from imft_desktop.model.time_units import unit_in_header

_IHC_WORDS = {"ihc", "immunohistochemistry", "immunostain", "immunostaining", "immuno",
              "ihq", "immunohisto", "antibody"}
_FISH_WORDS = {"fish", "breakapart"}
_FUSION_WORDS = {"fusion", "fusions", "rearrangement", "rearrangements", "rearranged",
                 "translocation", "partner", "partners", "sv", "svs"}
_MUT_WORDS = {"mut", "mutation", "mutations", "mutated", "variant", "variants", "snv",
              "snvs", "hotspot", "mutational"}
_CNA_WORDS = {"cna", "cnas", "cnv", "cnvs", "copy", "cn", "karyotype", "scna", "scnas"}
_COMMENT_WORDS = {"comment", "comments", "remark", "remarks", "note", "notes"}
_STATUS_WORDS = {"done", "performed", "available", "status", "sequenced", "tested", "yn",
                 "success", "successful", "passed", "qc"}
_EVENT_WORDS = {"event", "events", "status", "censor", "censored", "censoring", "cens",
                "progressed", "progression", "relapse", "recurrence"}
_CNA_EVENT_WORDS = {
    "loss": "loss", "lost": "loss", "deleted": "loss", "del": "loss", "deletion": "loss",
    "monosomy": "loss", "gain": "gain", "gained": "gain", "trisomy": "gain",
    "polysomy": "gain", "amp": "amplification", "amplification": "amplification",
    "amplified": "amplification", "homdel": "deep deletion",
}
_SAMPLE_ID_HEADERS = {
    "case", "case id", "case no", "case nr", "case number", "case #", "case code", "sample",
    "sample id", "sample no", "sample nr", "sample number", "sample name", "sample code",
    "pathology no", "pathology number", "pathology id", "path no",
    "path id", "specimen id", "tumour id", "tumor id", "block", "block id", "block no",
    "lab no", "lab id", "study id", "biopsy id", "histology no", "accession",
    "accession no", "tumor sample barcode", "sample barcode", "case identifier",
    "sample identifier", "s no", "sample_id",
}
_GENERIC_ID_HEADERS = {"id", "no", "nr", "#", "s no", "number", "n"}
_PATIENT_HEADERS = {
    "patient", "patient id", "patient no", "patient nr", "patient number", "patient code",
    "pt", "pt id", "pt no", "subject", "subject id", "subject no", "upn", "mrn",
    "patient identifier", "patient_id", "participant", "participant id",
}


@dataclass
class Guess:
    """A proposed target for one header, with confidence and reason."""

    target: str
    confidence: float
    reason: str
    event_coding: dict[str, int] | None = None


@dataclass
class _Header:
    raw: str
    clean: str
    low: str
    words: list[str]
    wordset: set[str]
    tokens: list[str]  # case kept, hyphenated symbols split unless a known gene/marker
    parens: list[str]

    def has(self, *words: str) -> bool:
        return any(w in self.wordset for w in words)

    def phrase(self, text: str) -> bool:
        return re.search(r"\b" + re.escape(text) + r"\b", self.low) is not None


def _analyse(header: str) -> _Header:
    clean = clean_text(header).replace("_", " ")
    low = clean.casefold()
    words = re.findall(r"[a-z0-9]+", low)
    tokens: list[str] = []
    for tok in re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", clean):
        if tok in KNOWN_GENES or tok.casefold() in MARKER_ALIASES or "-" not in tok:
            tokens.append(tok)
        else:
            tokens.extend(tok.split("-"))
    parens = [p.strip() for p in re.findall(r"[\(\[]([^\)\]]*)[\)\]]", clean)]
    return _Header(header, clean, low, words, set(words), tokens, parens)


def recognise_header(header: str, values: Sequence[Any] | None = None) -> Guess:
    """Propose a target for one header, using the column's values when given.

    Parameters
    ----------
    header:
        Header text as found.
    values:
        Some non-empty cells of the column (``None`` when recognising by text alone,
        e.g. while looking for the header row).
    """
    h = _analyse(header)
    if not h.clean:
        return Guess(EXTRA, 0.0, "empty header")
    for rule in (_rule_ids, _rule_outcomes, _rule_sequencing_status, _rule_fish, _rule_ihc,
                 _rule_fusion, _rule_mutation, _rule_cna, _rule_sample_fields,
                 _rule_gene_alone):
        g = rule(h, values)
        if g is not None:
            return g
    if h.has("time", "duration", "survival"):
        return Guess(EXTRA, 0.0, "a time without PFS or OS in the header: choose the "
                     "survival field (and its unit) if it is one")
    return Guess(EXTRA, 0.0, "header not recognised; kept as a clinical column")


def _kinds(values: Sequence[Any] | None) -> Counter[str]:
    return value_profile(values or [])


def _share(kinds: Counter[str], *names: str) -> float:
    total = sum(kinds.values())
    return sum(kinds[n] for n in names) / total if total else 0.0


def _rule_ids(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    key = re.sub(r"[\s.:_]+", " ", h.low).strip(" .:")
    if key in _GENERIC_ID_HEADERS:
        # "No." / "#" is often a running number beside the real case column: lower
        # confidence so a "Case" column wins, lower still when it counts 1, 2, 3 ...
        nums = numbers_in(values or [])
        if values and len(nums) == len(values) and nums == list(
            range(1, len(nums) + 1)
        ):
            return Guess("samples.sample_id", 0.5,
                         f'header "{h.clean}" with values 1, 2, 3 ...: a running number?')
        return Guess("samples.sample_id", 0.7, f'header "{h.clean}" is a generic identifier')
    if key in _SAMPLE_ID_HEADERS:
        return Guess("samples.sample_id", 0.95, f'header "{h.clean}" names the case/sample')
    if key in _PATIENT_HEADERS:
        return Guess("samples.patient_id", 0.95, f'header "{h.clean}" names the patient')
    if h.has("id", "no", "nr", "number", "code", "identifier") and len(h.words) <= 3:
        if h.has("patient", "pt", "subject"):
            return Guess("samples.patient_id", 0.85, "header mentions patient and an ID")
        if h.has("sample", "case", "tumour", "tumor", "specimen", "biopsy", "block"):
            return Guess("samples.sample_id", 0.85, "header mentions sample/case and an ID")
    return None


#: Words of the reason given to a time column whose header states no unit; the mapping
#: stage looks for them to report the assumption as a WARNING.
NO_UNIT_IN_HEADER = "no unit in the header"
#: Below the Import tab's "check this" mark, so an assumed unit is always asked about.
UNIT_ASSUMED_CONFIDENCE = 0.45
#: Largest time (in the sheet's numbers) still read as months when no unit is given.
DAYS_IF_ABOVE = 200.0


def _unit_assumed(values: Sequence[Any] | None) -> tuple[str, str]:
    """(unit, rule in words) for a time column without a unit in its header.

    A guess from the size of the values, always reported: values above
    ``DAYS_IF_ABOVE`` cannot be months of follow-up in practice, so days; else months.
    """
    nums = numbers_in(values or [])
    if nums and max(nums) > DAYS_IF_ABOVE:
        return "days", (f"days assumed because values reach {max(nums):g} "
                        f"(rule: largest value > {DAYS_IF_ABOVE:g} -> days, else months)")
    top = f"values reach {max(nums):g}" if nums else "no values seen"
    return "months", (f"months assumed ({top}; rule: largest value > "
                      f"{DAYS_IF_ABOVE:g} -> days, else months)")


def _time_field(h: _Header) -> tuple[str, str] | None:
    """(field, name) for survival-time headers, else None."""
    if h.has("futime", "followup") or (h.has("follow") and h.has("up", "time")):
        return "os_months", "follow-up time (OS assumed)"
    if h.has("pfs", "ttp") or (h.has("progression") and h.has("free")) or (
        h.has("time") and h.has("progression")
    ):
        return "pfs_months", "PFS"
    if h.has("efs", "dfs", "rfs") or (h.has("event", "disease", "relapse") and h.has("free")):
        return "pfs_months", "EFS/DFS (mapped to PFS)"
    if h.has("os") or (h.has("overall") and h.has("survival")):
        return "os_months", "OS"
    if h.has("tot") or (h.has("time", "duration") and h.has("treatment", "therapy")):
        return "time_on_treatment_months", "time on treatment"
    if h.has("survival") and not h.has("progression"):
        return "os_months", "survival"
    return None


def _rule_outcomes(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    if h.has(*_IHC_WORDS, *_FISH_WORDS) or h.has("wgs", "cna", "fusion"):
        return None
    kinds = _kinds(values)
    if h.has("date", "dt") or (values and _share(kinds, "date") > 0.5):
        dated = _rule_outcome_date(h)
        if dated is not None:
            return dated
    tf = _time_field(h)
    if tf is not None:
        field, name = tf
        is_event = h.has(*(_EVENT_WORDS - {"progression"}), "death", "dead", "died")
        if h.has("date") or (values and _share(kinds, "date") > 0.5):
            return Guess(EXTRA, 0.2, f"{name} dates: map them as the start, progression, "
                         "death or last follow-up date (PFS / OS are derived), or give times")
        if is_event:
            if not _event_values(values):
                return None
            event_field = "os_event" if field == "os_months" else "pfs_event"
            return _event_guess(h, f"outcomes.{event_field}", values, f"{name} event")
        unit = unit_in_header(h.raw)
        conf = 0.6 if "assumed" in name else 0.9
        reason = f"header mentions {name}"
        if unit:
            reason += f" in {unit}"
        else:
            unit, rule = _unit_assumed(values)
            conf = min(conf, UNIT_ASSUMED_CONFIDENCE)
            reason += f"; {NO_UNIT_IN_HEADER}: {rule}; choose the unit"
        stem = field.removesuffix("_months")
        target = f"outcomes.{field}" if unit in (None, "months") else f"outcomes.{stem}_{unit}"
        return Guess(target, conf, reason)
    # Event columns named after the event alone: never a gene's or marker's column
    # ("DNMT3A status"), and only with event-like values (checked only for a header
    # that names an event: reading the cells costs time on wide sheets).
    def event(target: str, what: str, cap: float = 1.0) -> Guess | None:
        if _names_gene_or_marker(h) or not _event_values(values):
            return _rule_response(h, kinds)
        g = _event_guess(h, target, values, what)
        g.confidence = min(g.confidence, cap)
        return g

    if h.has("death", "dead", "died", "deceased", "alive", "living") or h.phrase("vital status"):
        return event("outcomes.os_event",
                     "vital status" if h.phrase("vital status") else "death")
    if h.has("progression", "progressed", "relapse", "recurrence", "progressive"):
        if h.has("date") or (values and _share(kinds, "date") > 0.5):
            return Guess("outcomes.progression_date", 0.7,
                         "progression dates: PFS is derived from them and a start date")
        if h.has("best", "response"):
            return None
        return event("outcomes.pfs_event", "progression")
    if h.has("fustat"):
        return event("outcomes.os_event", "follow-up status (death assumed)", 0.5)
    if h.has("pd") and set(h.words) <= _PD_ALONE:  # "PD", "PD (y/n)": progressive disease
        return event("outcomes.pfs_event", "progressive disease (PD)", 0.7)
    if h.has("censor", "censored", "censoring", "cens") or (
        h.has("event", "status") and len(h.words) <= 2 and not _genes(h)
        and _region(h) is None
    ):  # "DNMT3A status", "22q status": the gene's or region's status, not an event
        return event("outcomes.pfs_event", "an event/censoring status", 0.6)
    return _rule_response(h, kinds)


#: A header of these words only is "progressive disease (yes/no)", not e.g. PD-L1.
_PD_ALONE = frozenset({"pd", "yes", "no", "y", "n", "1", "0", "event"})

#: Words naming the dates PFS / OS are derived from, most specific first.
_DATE_KINDS: tuple[tuple[str, frozenset[str], float], ...] = (
    ("death_date", frozenset({"death", "died", "dod", "deceased"}), 0.85),
    ("progression_date", frozenset({"progression", "progressed", "relapse", "recurrence",
                                    "pd", "pfs"}), 0.85),
    ("last_followup_date", frozenset({"follow", "followup", "fu", "contact", "last",
                                      "censor", "censoring", "lfu"}), 0.8),
    ("start_date", frozenset({"start", "initiation", "begin", "began", "commenced"}), 0.85),
    ("start_date", frozenset({"treatment", "therapy", "crizotinib", "tki", "enrolment",
                              "enrollment", "registration", "randomisation",
                              "randomization", "baseline"}), 0.7),
    ("start_date", frozenset({"diagnosis", "dx", "diag"}), 0.5),
)


def _rule_outcome_date(h: _Header) -> Guess | None:
    """A date PFS / OS can be derived from (start, progression, death, last follow-up)."""
    if h.has("birth", "dob", "born", "report", "reported", "sample", "biopsy", "received"):
        return None
    for field, words, conf in _DATE_KINDS:
        if h.has(*words):
            return Guess(f"outcomes.{field}", conf,
                         f"header names a date ({field.removesuffix('_date').replace('_', ' ')}"
                         "); PFS / OS are derived from the dates, the rule is stated on import")
    return None


def _names_gene_or_marker(h: _Header) -> bool:
    """True when a word of the header is a gene symbol or IHC marker, in any case."""
    for tok in h.tokens:
        if is_gene_symbol(tok) or tok.upper() in KNOWN_GENES:
            return True
        # a lower-case symbol with a digit ("dnmt3a", "idh1"): a gene, not a word
        if (any(c.isdigit() for c in tok) and any(c.isalpha() for c in tok)
                and is_gene_symbol(tok.upper())):
            return True
        if tok.casefold() in MARKER_ALIASES:
            return True
    return False


#: Share of a column's values that must be event words for it to be an event column;
#: the rest become findings of the validator.
EVENT_VALUE_SHARE = 0.8


def _event_values(values: Sequence[Any] | None) -> bool:
    """True when the values look like an event coding (or none are known yet).

    Event-like: 0/1, 1/2, yes/no, Y/N, TRUE/FALSE, progressed/censored, dead/alive,
    "1:PROGRESSED"; cells saying not done / unknown do not count either way.
    """
    seen = [v for v in values or [] if not cell_is_blank(v) and not cell_is_not_tested(v)]
    if not seen:
        return True
    ok = sum(1 for v in seen if is_event_like(v) or event_key(v) in _EVENT_YES | _EVENT_NO)
    return ok >= EVENT_VALUE_SHARE * len(seen)


def _rule_response(h: _Header, kinds: Counter[str]) -> Guess | None:
    """Best response, % change and treatment columns."""
    values = bool(kinds)
    if h.has("recist", "bor") or (h.has("response") and not h.has("date", "duration")):
        if h.has("duration") or h.phrase("dor"):
            return None
        if h.has("change", "shrinkage") or "%" in h.clean:
            return Guess("outcomes.best_percent_change", 0.85, "header mentions % change")
        conf = 0.9 if h.has("best", "recist", "bor") else 0.7
        if values and _share(kinds, "recist") < 0.5:
            conf = 0.4
        return Guess("outcomes.best_response", conf, "header mentions response")
    if (h.has("change") and ("%" in h.clean or h.has("percent", "pct"))) or h.has(
        "shrinkage", "waterfall"
    ):
        return Guess("outcomes.best_percent_change", 0.8, "header mentions % change")
    if h.has("treatment", "therapy", "drug", "regimen", "tki", "agent") and not h.has(
        "line", "prior", "previous", "date"
    ):
        return Guess("outcomes.treatment", 0.8, "header mentions the treatment")
    return None


_AFFIRMATIVE = {"1", "yes", "y", "true", "x", "censored", "cens", "alive", "living"}
_NEGATORY = {"0", "no", "n", "false"}


def _distinct_text(values: Sequence[Any] | None) -> set[str]:
    out = set()
    for v in values or []:
        if isinstance(v, bool):
            out.add("1" if v else "0")
        elif isinstance(v, float) and v.is_integer():
            out.add(str(int(v)))
        else:
            t = clean_text(v).casefold()
            if t:
                out.add(t)
    return out


def _event_guess(h: _Header, target: str, values: Sequence[Any] | None, what: str) -> Guess:
    inverted_word = next(
        (w for w in ("censored", "censor", "censoring", "alive", "living") if h.has(w)), None
    )
    distinct = _distinct_text(values)
    reason = f"header mentions {what}"
    if inverted_word:
        coding = {}
        unknown = []
        for v in sorted(distinct):
            if v in _AFFIRMATIVE:
                coding[v] = 0
            elif v in _NEGATORY or v in {"dead", "died", "deceased", "progressed", "event"}:
                coding[v] = 1
            else:
                unknown.append(v)
        reason += f"; inverted: '{inverted_word}' means 1/yes = censored (event = 0/no)"
        if unknown:
            reason += f"; values not coded: {', '.join(unknown[:5])}"
        return Guess(target, 0.7, reason, coding or {"1": 0, "0": 1, "yes": 0, "no": 1})
    if h.has("cens"):
        reason += "; 'cens' is ambiguous (in R's aml data 1 = event): confirm the coding"
        return Guess(target, 0.4, reason)
    if distinct and distinct <= {"1", "2"} and "2" in distinct:
        reason += "; values 1/2 (R convention 1 = censored, 2 = event?): confirm the coding"
        return Guess(target, 0.4, reason)
    coding, unknown = _plain_coding(distinct)
    if coding:
        reason += "; coded " + ", ".join(f"{k} = {v}" for k, v in sorted(coding.items()))
        if unknown:
            reason += f"; values not coded: {', '.join(unknown[:5])}"
        return Guess(target, 0.8 if not unknown else 0.6, reason, coding)
    return Guess(target, 0.85, reason)


#: Words of event columns read as event (1) / censored (0) when the header is not
#: inverted.  0/1 need no coding; other words are left for the user to code.
_EVENT_YES = {"yes", "y", "true", "x", "progressed", "progression", "pd", "dead", "died",
              "deceased", "death", "event", "relapse", "relapsed", "recurrence"}
_EVENT_NO = {"no", "n", "false", "censored", "alive", "living", "no progression",
             "not progressed", "ned", "awd"}


def _plain_coding(distinct: set[str]) -> tuple[dict[str, int], list[str]]:
    """Proposed coding of text event values ('yes'/'no', 'dead'/'alive')."""
    words = {v for v in distinct if v not in ("0", "1")}
    if not words:
        return {}, []
    coding = {v: 1 for v in words if v in _EVENT_YES}
    coding.update({v: 0 for v in words if v in _EVENT_NO})
    if not coding:
        return {}, sorted(words)
    coding.update({v: int(v) for v in distinct if v in ("0", "1")})
    return coding, sorted(words - set(coding))


_ASSAY_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\bwgs\b|whole[ -]?genome", "WGS"),
    (r"\bwes\b|exome", "WES"),
    (r"rna[ -]?seq|transcriptom", "RNA-seq"),
    (r"\brna\b.*\bpanel\b|fusion ?panel|archer|fusionplex|\brna\b|oncomine", "RNA fusion panel"),
    (r"snp ?array|oncoscan|\barray\b|low[ -]?pass|lpwgs|\bcgh\b", "SNP array"),
    (r"\bdna\b.*\bpanel\b|\bngs\b|\bpanel\b|\btso\b|foundation", "DNA panel"),
)


def _assay_of(h: _Header) -> str | None:
    for pattern, assay in _ASSAY_PATTERNS:
        if re.search(pattern, h.low):
            return assay
    return None


def assay_named_in(header: str) -> str | None:
    """The sequencing assay a header names ("Fusion (RNA panel)" -> "RNA fusion panel")."""
    return _assay_of(_analyse(header))


def _rule_sequencing_status(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    assay = _assay_of(h)
    if assay is None and not h.has("sequencing", "sequenced", "seq"):
        return None
    says_done = assay is not None and h.has(*_STATUS_WORDS)  # "RNA fusion panel done"
    if not says_done and (h.has(*_FUSION_WORDS, *_MUT_WORDS, *_CNA_WORDS) or _genes(h)):
        return None  # a result column named after its assay ("WGS fusion"); later rules
    kinds = _kinds(values)
    statusish = not values or _share(kinds, "status", "negative", "not_tested", "positive") >= 0.6
    if not statusish:
        return None
    if assay is None:
        assay = "WGS"
        reason = "header mentions sequencing without the assay: WGS assumed, confirm"
        conf = 0.5
    else:
        conf = 0.9 if h.has(*_STATUS_WORDS) else 0.75
        reason = f"header names the {assay} assay" + (
            " and whether it was done" if h.has(*_STATUS_WORDS) else ""
        )
    return Guess(f"sequencing.status[{assay}]", conf, reason)


def _genes(h: _Header) -> list[str]:
    """Gene symbols the header names, upper case, in order.  As written ("PIK3CA"), or in
    any case when the symbol is listed ("pik3ca", "Alk") or letters-digit shaped
    ("dnmt3a", "tp53"): a lab's header is not always in capitals."""
    out = []
    for tok in h.tokens:
        if tok.upper() in KNOWN_CLONES:
            continue
        gene = tok if is_gene_symbol(tok) else _gene_any_case(tok)
        if gene and gene not in out:
            out.append(gene)
    return out


#: A symbol written in lower or mixed case: letters, a digit, then letters or digits
#: ("pik3ca", "Dnmt3a", "tp53", "cdkn2a"); "chr19", "pfs2" are not genes.
_LOWER_SYMBOL = re.compile(r"^[A-Za-z]{2,6}\d{1,3}[A-Za-z]{0,2}\d?$")


def _gene_any_case(tok: str) -> str | None:
    """The upper-case symbol of ``tok`` written in another case, else None."""
    up = tok.upper()
    letters = re.match(r"[A-Z]*", up)
    if up == tok or up in NOT_GENES or up.startswith("CHR") or (
            letters and letters[0] in NOT_GENES):  # "pfs2", "os1": not genes
        return None
    if up in KNOWN_GENES or (_LOWER_SYMBOL.match(tok) and is_gene_symbol(up)):
        return up
    return None


def _clone(h: _Header) -> str | None:
    for tok in h.tokens:
        if tok.upper() in KNOWN_CLONES:
            return tok.upper()
    m = re.search(r"\bclone\s*[:=]?\s*([A-Za-z0-9.\-]+)", h.clean, re.IGNORECASE)
    if m:
        return m[1]
    for p in h.parens:
        tok = p.strip()
        if re.fullmatch(r"[A-Za-z0-9.\-]{2,12}", tok) and any(c.isdigit() for c in tok) and (
            tok.upper() not in KNOWN_GENES and tok not in {"%"}
        ):
            return tok
    return None


def _marker(h: _Header, clone: str | None) -> str | None:
    for tok in h.tokens:
        alias = MARKER_ALIASES.get(tok.casefold())
        if alias:
            return alias
    if "pan" in h.wordset and "trk" in h.wordset:
        return "pan-TRK"
    genes = [g for g in _genes(h) if g != clone]
    if genes:
        return genes[0]
    if clone and clone.upper() in KNOWN_CLONES:
        return KNOWN_CLONES[clone.upper()]
    # Markers written in lower case next to "IHC" ("p53", "ki67", "alk"): take the
    # first token that is a listed gene in upper case or letters followed by digits.
    for tok in h.tokens:
        if tok == clone or tok.casefold() in _IHC_WORDS:
            continue
        if tok.upper() in KNOWN_GENES:
            return tok.upper()
        if re.fullmatch(r"[A-Za-z]{1,5}\d{1,4}[A-Za-z]?", tok):
            return tok
    return None


def _percentish(h: _Header) -> bool:
    return "%" in h.clean or h.has("percent", "percentage", "pct", "proportion")


def _rule_fish(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    if not (h.has(*_FISH_WORDS) or h.phrase("break apart") or h.phrase("break-apart")):
        return None
    if h.has(*_COMMENT_WORDS):
        return Guess(EXTRA, 0.3, "comment on FISH: kept as a clinical column")
    genes = _genes(h)
    if not genes:
        return Guess(EXTRA, 0.1, "FISH column without a probe gene in the header: choose one")
    probe = genes[0]
    kinds = _kinds(values)
    if h.has("nuclei", "cells", "scored", "counted") and not _percentish(h):
        return Guess(f"fish.nuclei_scored[{probe}]", 0.85, f"FISH {probe}: nuclei scored")
    if h.has("threshold", "cutoff", "cut"):
        return Guess(f"fish.threshold[{probe}]", 0.85, f"FISH {probe}: positivity threshold")
    if _percentish(h) or h.has("split", "signals", "signal"):
        return Guess(f"fish.percent_split[{probe}]", 0.9, f"FISH {probe} with % of nuclei")
    if values and _share(kinds, "percent", "number") >= 0.6 and not _share(kinds, "positive"):
        return Guess(f"fish.percent_split[{probe}]", 0.6,
                     f"FISH {probe}; values are percentages")
    return Guess(f"fish.call[{probe}]", 0.85, f"header mentions FISH and probe {probe}")


def _rule_ihc(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    clone = _clone(h)
    known_clone = clone is not None and clone.upper() in KNOWN_CLONES
    if not (h.has(*_IHC_WORDS) or known_clone or h.phrase("h-score") or h.has("hscore")):
        return None
    if h.has(*_COMMENT_WORDS):
        return Guess(EXTRA, 0.3, "comment on IHC: kept as a clinical column")
    marker = _marker(h, clone)
    if marker is None:
        return Guess(EXTRA, 0.1, "IHC column without a marker in the header: choose one")
    params = f"{marker}/{clone}" if clone else marker
    if h.has(*_IHC_WORDS):
        why = "header mentions IHC"
    elif known_clone:
        why = "header names an antibody clone"
    else:
        why = "header mentions an H-score"
    why += f", marker {marker}" + (f" and clone {clone}" if clone else "")
    kinds = _kinds(values)
    if h.phrase("h-score") or h.has("hscore") or h.phrase("h score"):
        return Guess(f"ihc.h_score[{params}]", 0.9, why + " (H-score)")
    if h.has("intensity", "int"):
        return Guess(f"ihc.intensity[{params}]", 0.9, why + " (intensity)")
    if h.has("pattern", "localisation", "localization", "distribution"):
        return Guess(f"ihc.pattern[{params}]", 0.85, why + " (pattern)")
    if _percentish(h):
        return Guess(f"ihc.percent_positive[{params}]", 0.9, why + " (% positive cells)")
    if values:
        nums = numbers_in(values)
        if _share(kinds, "intensity") >= 0.6:
            return Guess(f"ihc.intensity[{params}]", 0.6, why + "; values look like 0-3+")
        if nums and _share(kinds, "number", "status") >= 0.6 and max(nums) > 100:
            return Guess(f"ihc.h_score[{params}]", 0.5, why + "; values up to 300: H-score?")
        if _share(kinds, "percent", "number") >= 0.6:
            return Guess(f"ihc.percent_positive[{params}]", 0.6,
                         why + "; values are percentages")
    return Guess(f"ihc.call[{params}]", 0.9, why)


def _rule_fusion(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    if not h.has(*_FUSION_WORDS):
        return None
    if h.has(*_COMMENT_WORDS):
        return Guess(EXTRA, 0.3, "comment on fusions: kept as a clinical column")
    genes = [g for g in _genes(h) if g in FUSION_DRIVERS or g in KNOWN_GENES] or _genes(h)
    kinds = _kinds(values)
    if values and _share(kinds, "status") >= 0.8 and not h.has("partner", "partners"):
        # "Fusion done" with yes/no values says whether it was tested, not what was found
        return Guess(EXTRA, 0.2, "fusion column with only yes/no values: is it 'tested'? "
                     "map to a sequencing status if so")
    target = f"fusions.fusion[{genes[0]}]" if genes else "fusions.fusion"
    reason = "header mentions a fusion/rearrangement" + (f" of {genes[0]}" if genes else "")
    return Guess(target, 0.9, reason)


def _rule_mutation(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    if not h.has(*_MUT_WORDS):
        return None
    genes = _genes(h)
    if not genes:
        return Guess(EXTRA, 0.1, "mutation column without a gene in the header: "
                     "use the Variants sheet of the template for free lists")
    return Guess(f"variants.status[{genes[0]}]", 0.9,
                 f"header mentions a mutation of {genes[0]}")


_WHOLE_CHROM = re.compile(
    r"(?:\bchr(?:omosome)?\.?\s*|\bmonosomy\s*|\btrisomy\s*|\bpolysomy\s*|(?<![\w])[-+−])"
    r"(\d{1,2}|x|y)\b(?![pq])"
)
_ARM = re.compile(r"(?<![\w.])(?:chr\s*)?(\d{1,2}|x|y)([pq])(\d+(?:\.\d+)?)?(?![\w])")


def _region(h: _Header) -> str | None:
    m = _ARM.search(h.low)
    if m:
        chrom = m[1].upper()
        if 1 <= _chrom_number(chrom) <= 24:
            return f"{chrom}{m[2]}{m[3] or ''}"
    m = _WHOLE_CHROM.search(h.low)
    if m:
        chrom = m[1].upper()
        if 1 <= _chrom_number(chrom) <= 24:
            return chrom
    return None


def _chrom_number(chrom: str) -> int:
    if chrom in ("X", "Y"):
        return 23
    try:
        return int(chrom)
    except ValueError:
        return 0


def _implied_event(h: _Header) -> str | None:
    if h.phrase("deep deletion") or h.phrase("homozygous deletion"):
        return "deep deletion"
    for w in h.words:
        if w in _CNA_EVENT_WORDS:
            return _CNA_EVENT_WORDS[w]
    if re.search(r"(?<![\w])[-−]\s*\d", h.low):
        return "loss"
    if re.search(r"(?<![\w])\+\s*\d", h.low):
        return "gain"
    return None


def _rule_cna(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    region = _region(h)
    event = _implied_event(h)
    kinds = _kinds(values)
    if region is not None:
        target = f"cn_calls.event[{region}/{event}]" if event else f"cn_calls.event[{region}]"
        what = f"chromosome {region}" if region.isdigit() or region in "XY" else region
        reason = f"header names the region {what}" + (f" and the event ({event})" if event else "")
        return Guess(target, 0.85, reason)
    genes = _genes(h)
    cna_words = h.has(*_CNA_WORDS) or h.phrase("copy number")
    if genes and (event or cna_words) and not h.has(*_MUT_WORDS):
        gene = genes[0]
        target = f"cn_calls.event[{gene}/{event}]" if event else f"cn_calls.event[{gene}]"
        return Guess(target, 0.8, f"header names gene {gene} with a copy-number word")
    if cna_words:
        if values and _share(kinds, "number", "status") >= 0.8:
            return Guess(EXTRA, 0.3, "numeric copy-number column (a burden?): kept as a "
                         "clinical column")
        if h.has("burden", "count", "fraction", "fga") or h.phrase("number of") or (
            h.phrase("n of") or "#" in h.clean
        ):
            return Guess(EXTRA, 0.3, "copy-number burden: kept as a clinical column")
        return Guess("cn_calls.list", 0.8, "header mentions copy-number alterations")
    return None


def _rule_sample_fields(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    if h.has("date", "dob", "year", "birth") and not h.has("age"):
        return None  # "Date of diagnosis" is not the diagnosis
    if h.has("age") and not h.has("stage", "page"):
        return Guess("samples.age", 0.9, "header mentions age")
    if h.has("sex", "gender"):
        return Guess("samples.sex", 0.95, "header mentions sex")
    if h.has(*_COMMENT_WORDS) or h.phrase("free text"):
        return Guess("samples.comment", 0.9, "header is a comment column")
    if h.has("diagnosis", "histology", "histotype", "dx", "histological", "entity"):
        return Guess("samples.diagnosis", 0.85, "header mentions the diagnosis")
    if h.has("tumour", "tumor", "neoplastic") and (
        h.has("cells", "content", "cellularity", "percentage") or "%" in h.clean
    ):
        return Guess("samples.tumour_cells", 0.85, "header mentions tumour cell content")
    if h.has("cellularity") or h.phrase("tc %") or h.phrase("tc"):
        return Guess("samples.tumour_cells", 0.7, "header mentions cellularity")
    if h.has("specimen", "biopsy", "material", "resection") or h.phrase("sample type"):
        return Guess("samples.specimen", 0.8, "header mentions the specimen type")
    if h.has("site", "location", "localisation", "localization", "organ", "primary"):
        return Guess("samples.site", 0.85, "header mentions the site")
    return None


def _rule_gene_alone(h: _Header, values: Sequence[Any] | None) -> Guess | None:
    genes = _genes(h)
    alias = next((MARKER_ALIASES[t.casefold()] for t in h.tokens
                  if t.casefold() in MARKER_ALIASES), None)
    if not genes and alias is None:
        return None
    other = [w for w in h.words if w.upper() not in {g.upper() for g in genes}]
    if len(other) > 2:
        return None  # a sentence mentioning a gene is not a gene column
    gene = genes[0] if genes else str(alias)
    kinds = _kinds(values)
    # An all-capital word that is neither a listed gene nor symbol-like with a digit
    # ("STAGE", "GRADE") needs support from the values before it is read as a gene.
    listed = gene in KNOWN_GENES or any(ch.isdigit() for ch in gene) or alias is not None
    if not listed and _share(kinds, "fusion", "protein", "cna", "negative", "positive") < 0.6:
        return None
    if not values:
        if gene in FUSION_DRIVERS:
            return Guess(f"ihc.call[{gene}]", 0.3, f"header is only the gene {gene}: "
                         "IHC call assumed until values are seen, confirm")
        return Guess(f"variants.status[{gene}]", 0.4, f"header is the gene symbol {gene}")
    share = {k: _share(kinds, k) for k in kinds}
    top = max(share, key=lambda k: share[k])
    if share.get("fusion", 0) >= 0.3:
        return Guess(f"fusions.fusion[{gene}]", 0.7,
                     f"header is the gene {gene} and values are fusions")
    if share.get("cna", 0) >= 0.5:
        return Guess(f"cn_calls.event[{gene}]", 0.6,
                     f"header is the gene {gene} and values are copy-number calls")
    if share.get("protein", 0) >= 0.3:
        return Guess(f"variants.status[{gene}]", 0.8,
                     f"header is the gene {gene} and values are protein changes")
    if top == "intensity":
        return Guess(f"ihc.intensity[{gene}]", 0.5,
                     f"header is the gene {gene} and values look like 0-3+ intensities")
    if top in ("percent",) or (top == "number" and share.get("number", 0) >= 0.6):
        return Guess(f"ihc.percent_positive[{gene}]", 0.5,
                     f"header is the gene {gene} and values are percentages: IHC? confirm")
    if gene in FUSION_DRIVERS or alias is not None:
        return Guess(f"ihc.call[{gene}]", 0.4,
                     f"header is only the gene {gene}; positive/negative values read as an "
                     "IHC call: confirm (could be FISH)")
    return Guess(f"variants.status[{gene}]", 0.6,
                 f"header is the gene symbol {gene}; values read as mutation status")
