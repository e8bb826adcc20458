import threading

import pytest

from imft_desktop.model.findings import Finding, FindingList
from imft_desktop.model.progress import Cancelled, Progress
from imft_desktop.model.vocab import Level


def test_finding_location_and_json_contract():
    f = Finding(
        "PFS_NEGATIVE", Level.ERROR, "PFS is negative.", file="c.xlsx", sheet="Outcomes",
        row=14, column="E", header="pfs_months", value="-3",
    )
    assert f.location == "Outcomes!E14 (pfs_months)"
    d = f.to_dict()
    for key in ("level", "code", "sheet", "row", "column", "value", "message"):
        assert key in d
    assert d["level"] == "error" and d["row"] == 14
    # Logs get coordinates and the code, never the value.
    assert "value" not in f.redacted() and f.redacted()["code"] == "PFS_NEGATIVE"


def test_finding_list_counts_and_order():
    fl = FindingList()
    fl.add(Finding("A", Level.INFO, "a"))
    fl.add(Finding("B", Level.ERROR, "b"))
    fl.add(Finding("C", Level.WARNING, "c"))
    assert fl.counts() == {"error": 1, "warning": 1, "info": 1}
    assert [f.code for f in fl.sorted()] == ["B", "C", "A"]
    assert fl.has_errors and fl.codes() == {"A", "B", "C"}


def test_progress_reports_and_cancels_across_threads():
    seen = []
    p = Progress(lambda f, m: seen.append((f, m)), min_interval=0.0)
    child = p.sub(0.5, 1.0)
    child.report(0.5, "half of second half")
    assert seen[-1] == (0.75, "half of second half")
    t = threading.Thread(target=p.cancel)
    t.start()
    t.join()
    assert child.cancelled
    with pytest.raises(Cancelled):
        child.check()
