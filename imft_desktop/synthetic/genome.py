"""Genome geometry of the synthetic cohorts: hg38 chromosome and arm coordinates,
the demo's recurrent focal loci and private bands, gene spans and known variants.

Nothing here is patient data; coordinates follow UCSC's hg38 cytoBand table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: hg38 chromosome length, centromere start and end (acen bands, UCSC cytoBand).
#: Chromosome arms: p = [1, cen_start], q = [cen_end + 1, length].
HG38_CHROMOSOMES: dict[str, tuple[int, int, int]] = {
    "1": (248_956_422, 121_700_000, 125_100_000),
    "2": (242_193_529, 91_800_000, 96_000_000),
    "3": (198_295_559, 87_800_000, 94_000_000),
    "4": (190_214_555, 48_200_000, 51_800_000),
    "5": (181_538_259, 46_100_000, 51_400_000),
    "6": (170_805_979, 58_500_000, 62_600_000),
    "7": (159_345_973, 58_100_000, 62_100_000),
    "8": (145_138_636, 43_200_000, 47_200_000),
    "9": (138_394_717, 42_200_000, 45_500_000),
    "10": (133_797_422, 38_000_000, 41_600_000),
    "11": (135_086_622, 51_000_000, 55_800_000),
    "12": (133_275_309, 33_200_000, 37_800_000),
    "13": (114_364_328, 16_500_000, 18_900_000),
    "14": (107_043_718, 16_100_000, 18_200_000),
    "15": (101_991_189, 17_500_000, 20_500_000),
    "16": (90_338_345, 35_300_000, 38_400_000),
    "17": (83_257_441, 22_700_000, 27_400_000),
    "18": (80_373_285, 15_400_000, 21_500_000),
    "19": (58_617_616, 24_200_000, 28_100_000),
    "20": (64_444_167, 25_700_000, 30_400_000),
    "21": (46_709_983, 10_900_000, 13_000_000),
    "22": (50_818_468, 13_700_000, 17_400_000),
    "X": (156_040_895, 58_100_000, 63_800_000),
}
#: Chromosomes whose p arm holds no mappable sequence: only the q arm is segmented.
ACROCENTRIC = frozenset({"13", "14", "15", "21", "22"})
#: Sequencing does not read the first and last 10 kb (telomere N-gaps).
TELOMERE_GAP = 10_000
BIN_SIZE = 10_000  # read-depth bin: "markers" = bins per segment

#: Recurrent focal loci of the demo: (gene, chrom, centre bp hg38, cytoband, event).
#: 27 loci, as in the study; each is hit in 2-5 samples.
FOCAL_LOCI: tuple[tuple[str, str, int, str, str], ...] = (
    ("CDKN2A", "9", 21_980_000, "9p21.3", "deep deletion"),
    ("PTEN", "10", 87_900_000, "10q23.31", "loss"),
    ("RB1", "13", 48_390_000, "13q14.2", "loss"),
    ("NF1", "17", 31_230_000, "17q11.2", "loss"),
    ("TP53", "17", 7_675_000, "17p13.1", "loss"),
    ("LRP1B", "2", 141_200_000, "2q22.1", "loss"),
    ("WWOX", "16", 78_650_000, "16q23.1", "loss"),
    ("FHIT", "3", 60_500_000, "3p14.2", "loss"),
    ("PRKN", "6", 162_000_000, "6q26", "loss"),
    ("CSMD1", "8", 3_960_000, "8p23.2", "loss"),
    ("SMAD4", "18", 51_058_000, "18q21.2", "loss"),
    ("ARID1A", "1", 26_740_000, "1p36.11", "loss"),
    ("MACROD2", "20", 15_000_000, "20p12.1", "loss"),
    ("MDM2", "12", 68_830_000, "12q15", "amplification"),
    ("CDK4", "12", 57_750_000, "12q14.1", "amplification"),
    ("MYCN", "2", 15_944_000, "2p24.3", "amplification"),
    ("MYC", "8", 127_738_000, "8q24.21", "gain"),
    ("EGFR", "7", 55_100_000, "7p11.2", "gain"),
    ("MET", "7", 116_730_000, "7q31.2", "gain"),
    ("CCND1", "11", 69_648_000, "11q13.3", "gain"),
    ("YAP1", "11", 102_170_000, "11q22.1", "gain"),
    ("KIT", "4", 54_700_000, "4q12", "gain"),
    ("CDK6", "7", 92_720_000, "7q21.2", "gain"),
    ("TERT", "5", 1_274_000, "5p15.33", "gain"),
    ("KRAS", "12", 25_228_000, "12p12.1", "gain"),
    ("MCL1", "1", 150_577_000, "1q21.2", "gain"),
    ("FGFR1", "8", 38_440_000, "8p11.23", "gain"),
)
#: Cytobands (hg38 bounds) used for the non-recurrent focal calls of the two SNP-array
#: samples, which are reported by band; kept clear of every segment focal event.
PRIVATE_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("4q28.3", "4", 130_100_000, 138_500_000),
    ("10p12.31", "10", 18_400_000, 22_300_000),
    ("3q13.31", "3", 113_700_000, 117_600_000),
    ("15q21.1", "15", 44_500_000, 49_200_000),
    ("20q13.2", "20", 51_200_000, 56_400_000),
    ("5q33.3", "5", 156_300_000, 160_500_000),
    ("8q22.3", "8", 100_500_000, 105_100_000),
    ("18q12.3", "18", 39_500_000, 45_900_000),
    ("14q24.3", "14", 73_300_000, 78_800_000),
    ("2q33.1", "2", 196_600_000, 202_500_000),
    ("12q22", "12", 92_200_000, 95_800_000),
    ("3q13.13", "3", 108_200_000, 111_600_000),
    ("21q21.2", "21", 22_600_000, 25_500_000),
    ("10q22.2", "10", 73_100_000, 75_900_000),
    ("16q12.2", "16", 52_600_000, 56_000_000),
    ("3q22.3", "3", 136_000_000, 139_000_000),
    ("4p16.3", "4", 10_001, 4_500_000),
    ("1p36.13", "1", 15_900_000, 20_100_000),
    ("2q12.1", "2", 102_100_000, 105_300_000),
    ("13q12.3", "13", 28_300_000, 31_600_000),
    ("21q22.2", "21", 38_300_000, 41_200_000),
)

#: Approximate hg38 gene spans used to place fusion breakpoints.
GENE_SPANS: dict[str, tuple[str, int, int]] = {
    "ALK": ("2", 29_223_600, 29_224_800),  # intron 19, where ALK fusions break
    "TPM3": ("1", 154_163_000, 154_172_000),
    "TPM4": ("19", 16_067_000, 16_103_000),
    "CLTC": ("17", 59_660_000, 59_690_000),
    "RANBP2": ("2", 108_760_000, 108_780_000),
    "ATIC": ("2", 215_330_000, 215_345_000),
    "CARS1": ("11", 3_000_000, 3_050_000),
    "SEC31A": ("4", 82_830_000, 82_880_000),
    "PPFIBP1": ("12", 27_600_000, 27_690_000),
    "DCTN1": ("2", 74_365_000, 74_385_000),
    "EML4": ("2", 42_260_000, 42_300_000),
    "FN1": ("2", 215_380_000, 215_430_000),
    "ETV6": ("12", 11_869_000, 11_880_000),  # intron 5
    "NTRK3": ("15", 87_940_000, 87_960_000),  # intron 14
    "TFG": ("3", 100_720_000, 100_730_000),
    "ROS1": ("6", 117_320_000, 117_325_000),
    "PDGFRB": ("5", 150_125_000, 150_130_000),
    "RET": ("10", 43_114_000, 43_116_000),
    "CCDC6": ("10", 59_800_000, 59_850_000),
    "YWHAE": ("17", 1_350_000, 1_360_000),
}

#: Small variants of the demo (gene, protein, cDNA, class).
VARIANTS_KNOWN: dict[str, tuple[str, str, str, str]] = {
    "PIK3CA H1047R": ("PIK3CA", "p.H1047R", "c.3140A>G", "Missense_Mutation"),
    "PIK3CA E545K": ("PIK3CA", "p.E545K", "c.1633G>A", "Missense_Mutation"),
    "TP53 R273H": ("TP53", "p.R273H", "c.818G>A", "Missense_Mutation"),
    "TP53 R175H": ("TP53", "p.R175H", "c.524G>A", "Missense_Mutation"),
    "NF1 R1362*": ("NF1", "p.R1362*", "c.4084C>T", "Nonsense_Mutation"),
    "CDKN2A R80*": ("CDKN2A", "p.R80*", "c.238C>T", "Nonsense_Mutation"),
    "KRAS G12D": ("KRAS", "p.G12D", "c.35G>A", "Missense_Mutation"),
    "PTEN R130Q": ("PTEN", "p.R130Q", "c.389G>A", "Missense_Mutation"),
}


# --------------------------------------------------------------------------- geometry
def _arms(chrom: str) -> list[tuple[str, int, int]]:
    """Segmentable arms of ``chrom`` as (arm name, start, end), 1-based inclusive."""
    length, cen_start, cen_end = HG38_CHROMOSOMES[chrom]
    arms = []
    if chrom not in ACROCENTRIC:
        arms.append((f"{chrom}p", TELOMERE_GAP + 1, cen_start))
    arms.append((f"{chrom}q", cen_end + 1, length - TELOMERE_GAP))
    return arms


ARMS: dict[str, tuple[str, int, int]] = {
    name: (chrom, start, end) for chrom in HG38_CHROMOSOMES for name, start, end in _arms(chrom)
}
AUTOSOMAL_ARMS = tuple(a for a in ARMS if not a.startswith("X"))


def _arm_of(chrom: str, pos: int) -> str:
    for name, start, end in _arms(chrom):
        if start <= pos <= end:
            return name
    raise ValueError(f"{chrom}:{pos} is not on a segmentable arm")


@dataclass(slots=True)
class _Focal:
    chrom: str
    start: int
    end: int
    event: str  # CnaEvent value
    log2: float
    locus: str = ""  # FOCAL_LOCI gene or PRIVATE_BANDS band, "" for private events


@dataclass(slots=True)
class _CopyNumberPlan:
    """Copy-number truth of one sample."""

    arm_events: dict[str, str] = field(default_factory=dict)  # arm -> "gain"/"loss"
    whole: dict[str, str] = field(default_factory=dict)  # chrom -> "gain"/"loss"
    focal: list[_Focal] = field(default_factory=list)

    def altered_arms(self) -> set[str]:
        arms = set(self.arm_events)
        for chrom in self.whole:
            arms.update(name for name, _, _ in _arms(chrom))
        return arms

    @property
    def burden(self) -> int:
        """Altered regions: arm events + whole-chromosome events (once each) + focal."""
        return len(self.arm_events) + len(self.whole) + len(self.focal)
