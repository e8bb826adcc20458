"""Excel number formats: which ones are dates, and what a number displays as.

Only what the reader needs: telling date/time formats (already typed by calamine) from
number formats, and rendering the formats that change what a number *says* -- leading
zeros (``00000`` shows 123 as ``00123``), percentages (``0%`` shows 0.5 as ``50%``) and
literal text (``"ID-"000``).  Formats that only round or group digits are recorded as
formats but not rendered: the stored value is more precise than what is shown, and the
importer uses the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

#: Excel's built-in number formats (ECMA-376 part 1, 18.8.30) that are not General.
BUILTIN_FORMATS: dict[int, str] = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}
#: Built-in ids Excel reserves for localised dates (27-36, 50-58 in East Asian locales).
BUILTIN_DATE_IDS = frozenset({*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)})

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[[^\]]*\]")


def format_code(num_fmt_id: int, custom: dict[int, str]) -> str | None:
    """The format code of a ``numFmtId``; ``None`` for General."""
    if num_fmt_id in custom:
        code = custom[num_fmt_id]
        return None if code.strip().lower() == "general" else code
    if num_fmt_id == 0:
        return None
    if num_fmt_id in BUILTIN_DATE_IDS:
        # Localised built-in dates (27-36, 50-58) have no fixed code; any date code
        # tells the reader "calamine types these as dates".
        return BUILTIN_FORMATS.get(num_fmt_id, "yyyy-mm-dd")
    return BUILTIN_FORMATS.get(num_fmt_id, f"[builtin {num_fmt_id}]")


@lru_cache(maxsize=512)
def is_date_format(code: str) -> bool:
    """True if ``code`` displays a date or time (``yyyy-mm-dd``, ``[h]:mm``, ...)."""
    first = _split_sections(code)[0]
    if re.search(r"\[(?:h+|m+|s+)\]", first, re.I):
        return True
    stripped = _BRACKET.sub("", _QUOTED.sub("", first))
    return bool(re.search(r"[dDmMyYhHsS]", stripped)) and "E+" not in stripped.upper()


def _split_sections(code: str) -> list[str]:
    sections, current, i = [], "", 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            j = code.find('"', i + 1)
            j = len(code) - 1 if j < 0 else j
            current += code[i : j + 1]
            i = j + 1
            continue
        if ch == "\\" and i + 1 < len(code):
            current += code[i : i + 2]
            i += 2
            continue
        if ch == ";":
            sections.append(current)
            current = ""
        else:
            current += ch
        i += 1
    sections.append(current)
    return sections


Renderer = Callable[[float], "str | None"]


@lru_cache(maxsize=512)
def display_renderer(code: str) -> Renderer | None:
    """A function rendering numbers as ``code`` shows them, or ``None``.

    ``None`` when the format only rounds or groups digits, when it is a date, text,
    fraction or scientific format, or when it uses constructs this renderer does not
    reproduce exactly (conditions, several sections for positive numbers).
    """
    if is_date_format(code):
        return None
    sections = _split_sections(code)
    positive = _parse_section(sections[0])
    if positive is None:
        return None
    negative = _parse_section(sections[1]) if len(sections) > 1 and sections[1] else None
    if len(sections) > 1 and sections[1] and negative is None:
        return None
    zero = _parse_section(sections[2]) if len(sections) > 2 and sections[2] else None
    if not any(s is not None and s.changes_meaning for s in (positive, negative, zero)):
        return None

    def render(value: float) -> str | None:
        value = float(value)
        if value < 0:
            if negative is not None:
                return negative.render(-value)
            return "-" + positive.render(-value)
        if value == 0 and zero is not None:
            return zero.render(value)
        return positive.render(value)

    return render


class _Section:
    """One parsed section: integer placeholders with interleaved literals, decimals."""

    def __init__(
        self,
        prefix: str,
        int_tokens: list[str],
        decimals: list[str],
        suffix: str,
        percent: int,
        grouping: bool,
    ):
        self.prefix = prefix
        self.int_tokens = int_tokens  # "0", "#", "?" or literal text
        self.decimals = decimals  # "0", "#", "?"
        self.suffix = suffix
        self.percent = percent
        self.grouping = grouping
        zeros = sum(1 for t in int_tokens if t == "0")
        literal_inside = any(t not in ("0", "#", "?") for t in int_tokens)
        self.changes_meaning = bool(
            zeros > 1 or percent or prefix.strip() or suffix.strip() or literal_inside
        )
        # The common shapes -- 00000, 0%, 0.0%, "ID-"000 -- are '#'* then '0'* with
        # '0' decimals; they render with zfill, ~10x faster than the general walk.
        digits_only = "".join(int_tokens)
        self.n_zeros = zeros
        self.simple = (
            not grouping
            and bool(digits_only)
            and digits_only.lstrip("#") == "0" * zeros
            and all(d == "0" for d in decimals)
        )

    def render(self, value: float) -> str:
        if self.simple:
            if not self.decimals and not self.percent and value.is_integer():
                whole, frac = str(int(value)), ""
            else:
                whole, frac = _round_half_up(value * (100**self.percent), len(self.decimals))
            text = ("" if whole == "0" else whole).zfill(self.n_zeros)
            if frac:
                text += "." + frac
            return self.prefix + text + self.suffix
        return self._render_general(value)

    def _render_general(self, value: float) -> str:
        # Excel rounds the decimal it shows (15 significant digits) half away from
        # zero; binary float formatting would show 0.145 as "14%" instead of "15%".
        n_dec = len(self.decimals)
        int_part, dec_part = _round_half_up(value * (100**self.percent), n_dec)
        if n_dec:
            # Trailing '#' decimals drop trailing zeros; '?' turn them into spaces.
            chars = list(dec_part)
            for k in range(n_dec - 1, -1, -1):
                if chars[k] != "0" or self.decimals[k] == "0":
                    break
                chars[k] = " " if self.decimals[k] == "?" else ""
            dec_part = "".join(chars)
        digits = "" if int_part == "0" else int_part
        out: list[str] = []
        placeholders = [i for i, t in enumerate(self.int_tokens) if t in ("0", "#", "?")]
        remaining = digits
        fill: dict[int, str] = {}
        for idx in reversed(placeholders):
            tok = self.int_tokens[idx]
            if remaining:
                fill[idx] = remaining[-1]
                remaining = remaining[:-1]
            else:
                fill[idx] = {"0": "0", "#": "", "?": " "}[tok]
        if placeholders and remaining:
            fill[placeholders[0]] = remaining + fill[placeholders[0]]
        for i, tok in enumerate(self.int_tokens):
            out.append(fill.get(i, tok))
        int_text = "".join(out)
        if self.grouping:
            int_text = _group_thousands(int_text)
        body = int_text + ("." + dec_part if dec_part.strip() or self.decimals.count("0") else "")
        if not placeholders and not n_dec:
            body = ""
        return self.prefix + body + self.suffix


def _round_half_up(value: float, n_dec: int) -> tuple[str, str]:
    """Integer and decimal digits of ``value`` rounded as Excel shows it.

    Excel rounds the 15-significant-digit decimal, half away from zero; plain float
    formatting rounds the binary value half-to-even (0.145 -> "14%" instead of "15%").
    """
    shown = float(f"{value:.15g}")
    scale = 10**n_dec
    if shown * scale >= 2**53:
        text = f"{Decimal(repr(shown)):.{n_dec}f}"
        whole, _, frac = text.partition(".")
        return whole, frac
    k = math.floor(shown * scale + 0.5)
    whole_n, frac_n = divmod(k, scale)
    return str(whole_n), (str(frac_n).zfill(n_dec) if n_dec else "")


def changes_display(code: str) -> bool:
    """True if ``code`` makes a number *say* something else than its value's digits.

    Leading zeros, percent, literal text (see :func:`display_renderer`), and text (@),
    scientific or fraction formats.  Formats that only round or group digits
    (``0.00``, ``#,##0``) and date formats are not.
    """
    if is_date_format(code):
        return False
    if display_renderer(code) is not None:
        return True
    bare = _BRACKET.sub("", _QUOTED.sub("", code))
    return any(token in bare for token in ("@", "E+", "E-", "e+", "e-", "/"))


def _group_thousands(int_text: str) -> str:
    if int_text.isdigit():
        return f"{int(int_text):,}"
    return int_text


def _parse_section(section: str) -> _Section | None:
    """Parse a number section; ``None`` if it uses anything not reproduced exactly."""
    tokens: list[tuple[str, str]] = []  # (kind, text): kind "ph", "dot", "lit", "comma", "pct"
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            if j < 0:
                return None
            tokens.append(("lit", section[i + 1 : j]))
            i = j + 1
        elif ch == "\\" and i + 1 < len(section):
            tokens.append(("lit", section[i + 1]))
            i += 2
        elif ch == "_" and i + 1 < len(section):
            tokens.append(("lit", " "))
            i += 2
        elif ch == "*" and i + 1 < len(section):
            i += 2  # fill character: depends on column width
        elif ch == "[":
            j = section.find("]", i)
            if j < 0:
                return None
            inner = section[i + 1 : j]
            if inner.startswith("$"):
                symbol = inner[1:].split("-", 1)[0]
                if symbol:
                    tokens.append(("lit", symbol))
            elif inner.lower() not in _COLOURS and not inner.lower().startswith("color"):
                return None  # conditions such as [>=100]
            i = j + 1
        elif ch in "0#?":
            tokens.append(("ph", ch))
            i += 1
        elif ch == ".":
            tokens.append(("dot", "."))
            i += 1
        elif ch == ",":
            tokens.append(("comma", ","))
            i += 1
        elif ch == "%":
            tokens.append(("pct", "%"))
            i += 1
        elif ch in "eE/@":
            return None  # scientific, fraction or text formats
        elif ch.isalpha():
            return None  # unquoted letters: dates or locale tokens
        else:
            tokens.append(("lit", ch))
            i += 1
    ph_positions = [k for k, (kind, _) in enumerate(tokens) if kind == "ph"]
    percent = sum(1 for kind, _ in tokens if kind == "pct")
    if not ph_positions:
        return None
    first, last = ph_positions[0], ph_positions[-1]
    dot = next((k for k, (kind, _) in enumerate(tokens) if kind == "dot"), None)
    if dot is not None and not first < dot < last + 1:
        dot = None if dot > last else dot
    prefix = "".join(_literal(kind, t) for kind, t in tokens[:first])
    suffix_tokens = tokens[last + 1 :]
    if any(kind == "comma" for kind, _ in suffix_tokens):
        return None  # trailing commas scale by 1000
    suffix = "".join(_literal(kind, t) for kind, t in suffix_tokens)
    int_end = dot if dot is not None else last + 1
    int_tokens: list[str] = []
    grouping = False
    for kind, text in tokens[first:int_end]:
        if kind == "ph":
            int_tokens.append(text)
        elif kind == "comma":
            grouping = True
        elif kind == "lit":
            int_tokens.append(text)
        elif kind == "pct":
            int_tokens.append("%")
    decimals: list[str] = []
    if dot is not None:
        for kind, text in tokens[dot + 1 : last + 1]:
            if kind != "ph":
                return None  # literals among decimals: rare, not reproduced
            decimals.append(text)
    return _Section(prefix, int_tokens, decimals, suffix, percent, grouping)


def _literal(kind: str, text: str) -> str:
    return text if kind == "lit" else "%" if kind == "pct" else ""


_COLOURS = {"black", "blue", "cyan", "green", "magenta", "red", "white", "yellow"}


def plain_number_text(value: float) -> str:
    """How the app would show a number without a format (integers without '.0')."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)
