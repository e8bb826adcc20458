"""The Import tab's "Reading options": how the cells of a file are read.

Decimal comma, FISH positivity threshold, event coding and genome assembly: the same
choices as the command line's ``--decimal-comma``, ``--fish-threshold``, ``--event-map``
and ``--assembly``, saved in the mapping profile (``ReadingOptions`` and
``MappingProfile.event_coding``) together with the text file's encoding and delimiter.
Each control starts at "as the program decides", says so in its tooltip, and every
option set away from it is listed in the import's findings (``READ_WITH_OPTIONS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

if TYPE_CHECKING:
    from imft_desktop.io.mapping.profile import MappingProfile, ReadingOptions

#: Event codings offered (text shown, raw value -> 1 event / 0 censored); ``None``: the
#: program reads 0/1 and the usual words, and a column of only 1 and 2 with R's coding.
EVENT_CODINGS: tuple[tuple[str, dict[str, int] | None], ...] = (
    ("automatic", None),
    ("1 = censored, 2 = event (R)", {"1": 0, "2": 1}),
    ("0 = censored, 1 = event", {"0": 0, "1": 1}),
    ("1 = censored, 0 = event", {"1": 0, "0": 1}),
    ("no = censored, yes = event", {"no": 0, "yes": 1}),
)
#: Assemblies offered; ``None`` takes the Study sheet's, else hg38.
ASSEMBLIES: tuple[tuple[str, str | None], ...] = (
    ("Study sheet, else hg38", None),
    ("hg19 (GRCh37)", "hg19"),
    ("hg38 (GRCh38)", "hg38"),
)
#: Shown by the FISH spin box at its minimum, which stands for "not chosen".
FISH_DEFAULT_TEXT = "Study sheet, else 15 %"

TOOLTIPS = {
    "decimal_comma": "Read \u201c7,5\u201d as 7.5, as sheets from a German, French or "
    "Italian Excel write numbers.\nDefault: off \u2013 a comma could also be a thousands "
    "separator, so such cells are listed as errors instead of guessed.",
    "fish_threshold": "FISH positivity threshold: a FISH result without a call is "
    "positive when at least this % of nuclei show split or isolated 3\u2032 signals.\n"
    "Default: the threshold on the file's Study sheet, else 15 %.",
    "event_coding": "Which value in the event columns (PFS event, OS event) means "
    "progression or death, and which means censored.\nDefault: automatic \u2013 0/1, "
    "yes/no and progressed/censored are read as usual; a column of only 1 and 2 is read "
    "with R's coding (2 = event) and a warning.\nType your own as "
    "\u201cvalue=1, value=0\u201d, e.g. \u201cdead=1, alive=0\u201d.",
    "assembly": "Genome assembly of the copy-number segments' coordinates: chromosome "
    "arms and focal loci are placed with its cytobands.\nDefault: the assembly on the "
    "file's Study sheet, else hg38 (GRCh38).",
    "defaults": "Set every reading option back to its default (what the program "
    "decides)",
}

MESSAGES = {
    "bad_event_coding": "The event coding \u201c{text}\u201d is not understood: write it "
    "as value=1 or value=0 pairs separated by commas, e.g. \u201c2=1, 1=0\u201d.",
}


def parse_event_coding(text: str) -> dict[str, int] | None:
    """``"dead=1, alive=0"`` -> ``{"dead": 1, "alive": 0}``; ``None`` for an empty or
    automatic text.  Raises ``ValueError`` for anything else (never a guess)."""
    text = text.strip()
    if not text or text.casefold() == "automatic":
        return None
    out: dict[str, int] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or value.strip() not in ("0", "1"):
            raise ValueError(part.strip())
        out[key.strip().casefold()] = int(value.strip())
    return out


def event_coding_text(coding: dict[str, int] | None) -> str:
    """The combo box's text for a coding: a preset's name, else ``"k=v, k=v"``."""
    if not coding:
        return EVENT_CODINGS[0][0]
    for label, preset in EVENT_CODINGS:
        if preset == coding:
            return label
    return ", ".join(f"{k}={v}" for k, v in coding.items())


class ReadingOptionsPanel(QGroupBox):
    """One row of reading options; ``changed`` is emitted on every edit by the user."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Reading options", parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 4)

        self.decimal_comma_check = QCheckBox("&Decimal comma")
        self.decimal_comma_check.setToolTip(TOOLTIPS["decimal_comma"])
        self.decimal_comma_check.toggled.connect(self._on_control_changed)
        row.addWidget(self.decimal_comma_check)
        row.addSpacing(12)

        self.fish_label = QLabel("FISH &threshold:")
        self.fish_spin = QDoubleSpinBox()
        self.fish_spin.setRange(0.0, 100.0)  # 0 stands for "not chosen"
        self.fish_spin.setDecimals(1)
        self.fish_spin.setSingleStep(1.0)
        self.fish_spin.setSuffix(" %")
        self.fish_spin.setSpecialValueText(FISH_DEFAULT_TEXT)
        self.fish_spin.setToolTip(TOOLTIPS["fish_threshold"])
        self.fish_spin.valueChanged.connect(self._on_control_changed)
        self.fish_label.setBuddy(self.fish_spin)
        self.fish_label.setToolTip(TOOLTIPS["fish_threshold"])
        row.addWidget(self.fish_label)
        row.addWidget(self.fish_spin)
        row.addSpacing(12)

        self.event_label = QLabel("Event codin&g:")
        self.event_combo = QComboBox()
        self.event_combo.setEditable(True)
        self.event_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for label, coding in EVENT_CODINGS:
            self.event_combo.addItem(label, coding)
        self.event_combo.setMinimumContentsLength(22)
        self.event_combo.setToolTip(TOOLTIPS["event_coding"])
        self.event_combo.currentTextChanged.connect(self._on_control_changed)
        self.event_label.setBuddy(self.event_combo)
        self.event_label.setToolTip(TOOLTIPS["event_coding"])
        row.addWidget(self.event_label)
        row.addWidget(self.event_combo)
        row.addSpacing(12)

        self.assembly_label = QLabel("Genome assem&bly:")
        self.assembly_combo = QComboBox()
        for label, value in ASSEMBLIES:
            self.assembly_combo.addItem(label, value)
        self.assembly_combo.setToolTip(TOOLTIPS["assembly"])
        self.assembly_combo.currentIndexChanged.connect(self._on_control_changed)
        self.assembly_label.setBuddy(self.assembly_combo)
        self.assembly_label.setToolTip(TOOLTIPS["assembly"])
        row.addWidget(self.assembly_label)
        row.addWidget(self.assembly_combo)
        row.addStretch(1)

        self.defaults_button = QToolButton()
        self.defaults_button.setText("Defaults")
        self.defaults_button.setToolTip(TOOLTIPS["defaults"])
        self.defaults_button.clicked.connect(self.reset)
        row.addWidget(self.defaults_button)
        self._quiet = False

    # ------------------------------------------------------------ reading the controls
    @property
    def decimal_comma(self) -> bool:
        return self.decimal_comma_check.isChecked()

    @property
    def fish_threshold(self) -> float | None:
        value = self.fish_spin.value()
        return None if value <= self.fish_spin.minimum() else float(value)

    @property
    def assembly(self) -> str | None:
        data = self.assembly_combo.currentData()
        return str(data) if data else None

    def event_coding(self) -> dict[str, int] | None:
        """The coding chosen or typed; raises ``ValueError`` when typed wrong."""
        text = self.event_combo.currentText()
        i = self.event_combo.findText(text)
        if i >= 0:
            data = self.event_combo.itemData(i)
            return dict(data) if data else None
        return parse_event_coding(text)

    def problem(self) -> str | None:
        """What must be fixed before an import (a mistyped event coding), or ``None``."""
        try:
            self.event_coding()
        except ValueError:
            return MESSAGES["bad_event_coding"].format(text=self.event_combo.currentText())
        return None

    def import_options(self) -> dict[str, Any]:
        """Keyword arguments of ``ImportOptions`` (call ``problem()`` first)."""
        return {
            "decimal_comma": self.decimal_comma,
            "fish_threshold": self.fish_threshold,
            "event_mapping": self.event_coding(),
            "assembly": self.assembly,
        }

    def reading(self, encoding: str | None = None,
                delimiter: str | None = None) -> ReadingOptions:
        """The options as a profile keeps them (the text file's encoding and delimiter
        come from the Import tab's text-file row)."""
        from imft_desktop.io.mapping.profile import ReadingOptions

        return ReadingOptions(decimal_comma=self.decimal_comma, encoding=encoding,
                              delimiter=delimiter, fish_threshold=self.fish_threshold,
                              assembly=self.assembly)

    def store_in(self, profile: MappingProfile, encoding: str | None = None,
                 delimiter: str | None = None) -> None:
        """Write the options into ``profile`` (reading options and event coding)."""
        profile.reading = self.reading(encoding, delimiter)
        profile.event_coding = dict(self.event_coding() or {})

    # ------------------------------------------------------------ setting the controls
    def set_options(self, *, decimal_comma: bool = False, fish_threshold: float | None = None,
                    event_coding: dict[str, int] | None = None,
                    assembly: str | None = None) -> None:
        """Show these options (``changed`` is not emitted: the program set them)."""
        self._quiet = True
        try:
            self.decimal_comma_check.setChecked(decimal_comma)
            self.fish_spin.setValue(fish_threshold if fish_threshold is not None
                                    else self.fish_spin.minimum())
            text = event_coding_text(event_coding)
            i = self.event_combo.findText(text)
            if i >= 0:
                self.event_combo.setCurrentIndex(i)
            self.event_combo.setEditText(text)
            self.assembly_combo.setCurrentIndex(max(self.assembly_combo.findData(assembly), 0))
        finally:
            self._quiet = False

    def set_from_profile(self, profile: MappingProfile) -> None:
        """Show a saved profile's reading options and event coding."""
        r = profile.reading
        self.set_options(decimal_comma=r.decimal_comma, fish_threshold=r.fish_threshold,
                         event_coding=profile.event_coding or None, assembly=r.assembly)

    @Slot()
    def reset(self) -> None:
        """Every option back to its default; ``changed`` when anything was set."""
        was_default = (not self.decimal_comma and self.fish_threshold is None
                       and self.assembly is None
                       and self.event_combo.currentText() == EVENT_CODINGS[0][0])
        self.set_options()
        if not was_default:
            self.changed.emit()

    def chosen(self) -> list[str]:
        """The options set away from their defaults, in words (for messages)."""
        out = []
        if self.decimal_comma:
            out.append("decimal comma")
        if self.fish_threshold is not None:
            out.append(f"FISH threshold {self.fish_threshold:g}%")
        try:
            coding = self.event_coding()
        except ValueError:
            coding = None
        if coding:
            out.append("event coding " + event_coding_text(coding))
        if self.assembly:
            out.append(f"genome assembly {self.assembly}")
        return out

    def _on_control_changed(self, *_args: Any) -> None:
        if not self._quiet:
            self.changed.emit()
