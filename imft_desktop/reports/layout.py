"""Small helpers every report chapter uses: cells, percentages, intervals, figures,
and running one analysis so that its failure becomes words in its chapter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from imft_desktop.reports.document import (
    Figure,
    Paragraph,
)
from imft_desktop.reports.methods import warning_texts

_log = logging.getLogger(__name__)


#: Printable text width (inches) shared by A4 and Letter with the report margins.
TEXT_WIDTH_IN = 6.7

#: Room for a figure (inches, width and height) on a page of each orientation, on A4 and
#: Letter alike with the report margins and footer (Letter is the narrower landscape
#: page, 9.6 in; A4 the lower one, 6.9 in, less a caption).  Portrait figures stay as
#: the chapters size them; the height cap only keeps a tall figure on its page.
FIGURE_AREA_IN: dict[str, tuple[float, float]] = {
    "portrait": (TEXT_WIDTH_IN, 9.0),
    "landscape": (9.4, 6.2),
}

# The orientation of the report being laid out.  A context variable, not a parameter:
# every chapter sizes its figures with ``draw_figure`` against ``TEXT_WIDTH_IN``, and a
# landscape report widens them all in one place.
_orientation: ContextVar[str] = ContextVar("report_orientation", default="portrait")


@contextmanager
def page_orientation(orientation: str) -> Iterator[None]:
    """Lay out figures for ``orientation`` ("portrait" or "landscape") inside the block."""
    if orientation not in FIGURE_AREA_IN:
        raise ValueError(f"orientation is portrait or landscape, not {orientation!r}")
    token = _orientation.set(orientation)
    try:
        yield
    finally:
        _orientation.reset(token)


def text_width_in() -> float:
    """Width (inches) a figure may take on the pages being laid out."""
    return FIGURE_AREA_IN[_orientation.get()][0]


def figure_size(width: float, height: float) -> tuple[float, float]:
    """A figure size given for the portrait text width, fitted to the current pages:
    as much wider as the text is, and no taller than the page leaves room for."""
    area_w, area_h = FIGURE_AREA_IN[_orientation.get()]
    return width * area_w / TEXT_WIDTH_IN, min(height, area_h)


@dataclass
class Outcome:
    """One analysis: its result, or why it could not be done."""

    topic: str
    result: Any = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and self.result is not None


def attempt(outcome: Outcome, fn: Callable[[], Any]) -> Outcome:
    """Run one analysis; a failure becomes the outcome's problem, in words.

    Analyses raise ``ValueError``/``LookupError`` (``GroupingError`` ...) with a message
    for the user when the cohort does not allow them.  Anything else is a fault in the
    program: the report says so without the details, and the log records its kind
    (never values, which may identify patients).
    """
    try:
        outcome.result = fn()
    except Exception as exc:
        outcome.problem = explain(outcome.topic, exc)
    return outcome


def explain(topic: str, exc: Exception) -> str:
    """The user's words for why an analysis stopped (see ``attempt``)."""
    if isinstance(exc, (ValueError, LookupError)):
        return str(exc) or type(exc).__name__
    _log.error("report section %r failed: %s", topic, type(exc).__name__)
    return (f"an internal error stopped this analysis ({type(exc).__name__}); the rest of "
            "the report is complete")


def id_list(ids: Sequence[str], limit: int = 8) -> str:
    """Sample ids for a table cell: the first ``limit`` and how many more."""
    ids = list(ids)
    if not ids:
        return "–"
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def warnings_note(result: Any) -> tuple[str, ...]:
    return tuple(f"Warning: {w}" for w in warning_texts(result))


def problem_paragraph(topic: str, problem: str) -> Paragraph:
    return Paragraph(f"{topic} could not be computed for this cohort: {problem}", "warning")


def draw_figure(draw: Callable[[Any], Any], size: tuple[float, float], caption: str,
            alt: str) -> Figure:
    """Draw on a fresh matplotlib Figure (never pyplot) and render it for print.

    ``size`` is for a portrait page; on landscape pages (``page_orientation``) the
    figure is drawn wider, see ``figure_size``.
    """
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=figure_size(*size), layout="constrained")
    draw(fig)
    return Figure.from_matplotlib(fig, caption=caption, alt=alt)
