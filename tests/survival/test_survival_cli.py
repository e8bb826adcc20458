"""``imft survival`` and ``imft response``: JSON contract and exit codes."""

from __future__ import annotations

import argparse
import json

import pandas as pd
import pytest

from imft_desktop.cli import main
from imft_desktop.cli.cmd_response import analyse as analyse_response
from imft_desktop.cli.cmd_survival import analyse as analyse_survival


@pytest.fixture
def aml_csv(tmp_path, reference):
    d = reference("aml_Rdatasets.csv")
    out = pd.DataFrame({
        "Sample ID": [f"S{i}" for i in d["rownames"]],
        "Patient ID": [f"P{i}" for i in d["rownames"]],
        "PFS (months)": d["time"], "PFS event": d["cens"],
        "Maintenance": d["group"].map({1: "Maintained", 2: "Nonmaintained"}),
        "Best response": (["PR", "SD", "PD", "CR"] * 6)[:len(d)],
        "Score": list(range(len(d))),
    })
    path = tmp_path / "aml.csv"
    out.to_csv(path, index=False)
    return path


def run_json(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr().out
    return rc, (json.loads(out) if rc == 0 else out)


def test_survival_json_contract(aml_csv, capsys):
    rc, rep = run_json(capsys, "survival", str(aml_csv), "--by", "Maintenance", "--json")
    assert rc == 0, rep
    for key in ("groups", "logrank", "cox", "endpoint", "excluded", "test", "warnings",
                "methods"):
        assert key in rep
    g = {x["label"]: x for x in rep["groups"]}
    assert g["Maintained"]["median"] == 31 and g["Maintained"]["median_ci"] == [18, None]
    assert rep["logrank"]["df"] == 1
    assert rep["logrank"]["p"] == pytest.approx(0.065339, abs=1e-6)
    assert rep["cox"]["hr"] == pytest.approx(2.498, abs=1e-3)
    assert rep["cox"]["reference"] == "Maintained"
    assert len(rep["cox"]["ci"]) == 2


def test_survival_options_and_human_output(aml_csv, capsys):
    rc = main(["survival", str(aml_csv), "--by", "Maintenance", "--ci-transform", "log-log",
               "--reference", "Nonmaintained", "--at", "12", "--permutation"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "log-log" in out and "Maintained vs Nonmaintained" in out
    assert "permutation log-rank" in out


def test_survival_custom_time_event_columns(aml_csv, capsys):
    rc, rep = run_json(capsys, "survival", str(aml_csv), "--time", "Score", "--event",
                       "PFS event", "--by", "Maintenance", "--json")
    assert rc == 0
    assert rep["endpoint"]["time"] == "Score"


def test_survival_exit_codes(aml_csv, tmp_path, capsys):
    assert main(["survival", str(aml_csv), "--by", "nonsense column"]) == 1
    assert main(["survival", str(tmp_path / "missing.csv"), "--by", "x"]) == 2
    assert main(["survival", str(aml_csv), "--by", "Maintenance", "--time", "Score"]) == 2
    capsys.readouterr()


def test_response_json_contract(aml_csv, capsys):
    rc, rep = run_json(capsys, "response", str(aml_csv), "--by", "Maintenance", "--measure",
                       "Score", "--json")
    assert rc == 0, rep
    for key in ("distribution", "orr", "by_group", "fisher", "mannwhitney", "excluded",
                "warnings", "methods"):
        assert key in rep
    assert set(rep["orr"]) >= {"responders", "n", "percent", "ci95"}
    assert len(rep["fisher"]["table"]) == 2
    assert rep["mannwhitney"]["p"] is not None


def _ns(**kw):
    base = dict(by=None, endpoint=None, time=None, event=None, event_value=None,
                unit="months", ci_transform="log", reference=None, at=None, firth=False,
                permutation=False, min_events=1, measure=None)
    base.update(kw)
    return argparse.Namespace(**base)


def test_alteration_label_as_summary_prints_it(alt_cohort):
    rep = analyse_survival(alt_cohort, _ns(by="ALK fusion"))
    assert rep["grouping"]["kind"] == "alteration"
    assert rep["excluded"]["by_reason"] == {"ALK fusion: not tested": 2}
    rep = analyse_survival(alt_cohort, _ns(by="monosomy 19 AND ALK fusion", firth=True))
    assert rep["cox"]["penalised"] is True
    rep = analyse_response(alt_cohort, _ns(by="ALK fusion", measure="cna_burden"))
    assert rep["fisher"]["odds_ratio"] is None  # infinite OR -> null in JSON
    assert rep["fisher"]["table"][0][1] == 0


def test_survival_without_outcomes_exits_1(tmp_path, capsys):
    path = tmp_path / "no_outcomes.csv"
    pd.DataFrame({"Sample ID": ["A", "B", "C"], "Grade": ["1", "2", "1"]}).to_csv(path,
                                                                                 index=False)
    assert main(["survival", str(path), "--by", "Grade"]) == 1
    err = capsys.readouterr().err
    assert "No survival data to show" in err and "PFS" in err


def test_sheet_header_of_a_mapped_column_and_unit_note(tmp_path, capsys, reference):
    """'OS days' is imported onto os_months (stored in months); --time 'OS days' still
    finds it and the report is in days, the sheet's unit, with R's medians."""
    d = reference("lung_Rcoding_Rdatasets.csv")
    path = tmp_path / "lung.csv"
    pd.DataFrame({"Sample ID": [f"L{i}" for i in d["rownames"]], "OS days": d["time"],
                  "Status": d["status"], "Sex": d["sex"].map({1: "male", 2: "female"})}
                 ).to_csv(path, index=False)
    rc, rep = run_json(capsys, "survival", str(path), "--time", "OS days", "--event",
                       "Status", "--event-map", "1=0,2=1", "--by", "Sex", "--unit", "days",
                       "--json")
    assert rc == 0, rep
    assert rep["endpoint"]["unit"] == "days" and rep["unit"] == "days"
    medians = {g["label"]: g["median"] for g in rep["groups"]}
    assert medians == {"female": 426.0, "male": 270.0}  # R survfit(Surv(time, status) ~ sex)
    assert rep["logrank"]["statistic"] == pytest.approx(10.3267, abs=5e-5)  # R survdiff
    rc, rep = run_json(capsys, "survival", str(path), "--time", "OS days", "--event",
                       "Status", "--event-map", "1=0,2=1", "--by", "Sex", "--adjust",
                       "Sex", "--json")
    assert rc == 0
    adj = rep["cox_adjusted"]
    assert adj["n"] == 228 and adj["method"].startswith("multivariable")
    # the same grouping twice is collinear: never a number
    assert adj["not_estimable"] or all(t["hr"] is None for t in adj["terms"])
