"""The issue's round trip: import, correct with a reason, add the next batch, reopen."""

from __future__ import annotations

import hashlib
import os

import pytest
from store_helpers import assert_same_cohort, copy_case_sheet, next_batch

from imft_desktop.io.importer import import_file
from imft_desktop.io.project import CorrectionRejected, Project


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path):
    source = copy_case_sheet(tmp_path)
    p = Project.create(tmp_path / "p.imftproj", source)
    yield p
    p.close()


def test_a_new_project_holds_the_file_as_imported_directly(tmp_path, project):
    direct = import_file(project.imports()[0].source_path)
    # read_at differs by the second of reading; everything else is the same
    assert project.cohort.sources[0].sha256 == direct.sources[0].sha256
    direct.sources[0] = project.cohort.sources[0]
    assert_same_cohort(direct, project.cohort)
    rec = project.imports()[0]
    assert rec.sheet == "Cases" and rec.profile and '"columns"' in rec.profile
    assert rec.sha256 == _sha(tmp_path / "cases.xlsx")
    assert len(project.repo.import_findings(rec.id)) == len(direct.findings)
    raw = project.repo.load_frames(f"import:{rec.id}")
    assert {"raw:call", "_row", "_column"} <= set(raw["fish"].columns)


def test_a_correction_is_validated_stored_and_logged(tmp_path, project):
    c = project.correct("SYN-02", "fish.percent_split", "25%", "recounted, slide 2")
    fish = project.cohort.tables["fish"]
    i = fish.index[fish["sample_id"] == "SYN-02"][0]
    assert fish.at[i, "percent_split"] == 25.0 and fish.at[i, "raw:percent_split"] == "25%"
    assert (c.old_value, c.old_raw, c.new_value) == (3.0, "3%", 25.0)
    last = project.audit()[-1]
    assert (last.action, last.target, last.old, last.new, last.why) == (
        "correct", "SYN-02 fish.percent_split", "3%", "25%", "recounted, slide 2")
    assert last.user
    with pytest.raises(CorrectionRejected, match=r"250%"):
        project.correct("SYN-02", "fish.percent_split", "250%", "typo")
    with pytest.raises(CorrectionRejected, match="reason"):
        project.correct("SYN-02", "fish.percent_split", "20%", "  ")
    with pytest.raises(CorrectionRejected, match="no sample"):
        project.correct("NOPE", "age", "50", "x")
    with pytest.raises(CorrectionRejected, match=r"ihc\[KEY\]"):
        project.correct("SYN-01", "ihc.call", "negative", "x")
    project.correct("SYN-01", "ihc[ALK D5F3].call", "negative", "re-read the slide")
    assert len(project.audit()) == 3  # create + 2 accepted corrections, nothing else
    reopened = Project.open(project.path)
    assert_same_cohort(project.cohort, reopened.cohort)
    assert [x.reason for x in reopened.corrections()] == ["recounted, slide 2",
                                                          "re-read the slide"]
    reopened.close()


def test_undoing_a_correction_puts_back_the_old_value(project):
    before = project.cohort
    c = project.correct("SYN-05", "outcomes.pfs_months", "12.5", "chart review")
    project.undo_correction(c.id, "entered on the wrong case")
    assert_same_cohort(before, project.cohort)
    assert project.corrections() == []
    assert [a.action for a in project.audit()][-2:] == ["correct", "undo correction"]


def test_the_next_batch_adds_cases_and_asks_about_updates(tmp_path, project):
    project.correct("SYN-02", "fish.percent_split", "25%", "recounted")
    batch = next_batch(tmp_path / "cases.xlsx", tmp_path / "batch2.xlsx")
    stamp = (os.stat(batch).st_mtime_ns, _sha(batch))
    cmp, how = project.compare_file(batch)
    assert cmp.new_samples == ["SYN-25", "SYN-26"]
    assert cmp.clashes == []
    labels = [(u.label, u.old_value, u.new_value) for u in cmp.updates]
    assert labels == [("SYN-P01 outcomes.pfs_months", 32.8, 35.0),
                      ("SYN-P01 outcomes.pfs_event", 0, 1),
                      ("SYN-P02 outcomes.pfs_months", 4.4, 6.1),
                      ("SYN-P03 outcomes.pfs_months", 4.0, 7.5)]
    # the hand correction is not offered back: the batch still holds the old 3%
    assert not any(u.table == "fish" for u in cmp.updates)
    result = project.add_batch(cmp, how, accepted=[1, 2, 3])
    assert result["samples_added"] == 2 and result["updates_accepted"] == 3
    out = project.cohort.tables["outcomes"].set_index("patient_id")
    assert out.at["SYN-P01", "pfs_months"] == 35.0 and out.at["SYN-P01", "pfs_event"] == 1
    assert out.at["SYN-P02", "pfs_months"] == 6.1
    assert out.at["SYN-P03", "pfs_months"] == 4.0  # rejected
    assert project.cohort.n_samples == 26
    assert [a.action for a in project.audit()][-5:] == [
        "add file", "accept update", "accept update", "accept update", "reject update"]
    assert (os.stat(batch).st_mtime_ns, _sha(batch)) == stamp  # never modified
    reopened = Project.open(project.path)
    assert_same_cohort(project.cohort, reopened.cohort)
    assert [i.source_name for i in reopened.imports()] == ["cases.xlsx", "batch2.xlsx"]
    reopened.close()


def test_identifiers_differing_only_in_case_or_spacing_are_asked(tmp_path, project):
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "cases.xlsx")
    ws = wb["Cases"]
    ws["A3"] = "syn - 01"
    wb.save(tmp_path / "clash.xlsx")
    cmp, how = project.compare_file(tmp_path / "clash.xlsx")
    assert [(c.batch_id, c.project_id) for c in cmp.clashes] == [("syn - 01", "SYN-01")]
    assert cmp.new_samples == []
    project.add_batch(cmp, how)
    assert project.cohort.n_samples == 24
    assert project.audit()[-1].action == "identifier clash"


def test_a_changed_source_is_detected_by_its_hash(tmp_path, project):
    assert [s.status for s in project.source_status()] == ["unchanged"]
    next_batch(tmp_path / "cases.xlsx", tmp_path / "cases.xlsx")
    status = project.source_status()[0]
    assert status.status == "changed" and status.sha256_now != status.imported.sha256
    (tmp_path / "cases.xlsx").unlink()
    assert project.source_status()[0].status == "missing"


def test_settings_and_outline_are_kept(project):
    project.set_setting("survival", {"by": "ALK FISH positive", "endpoint": "PFS"})
    project.set_outline({"chapters": ["summary", "survival"]})
    reopened = Project.open(project.path)
    assert reopened.repo.settings() == {"survival": {"by": "ALK FISH positive",
                                                     "endpoint": "PFS"}}
    assert reopened.repo.report_outline() == {"chapters": ["summary", "survival"]}
    reopened.close()


def test_a_value_corrected_twice_is_kept_while_the_source_holds_the_original(tmp_path, project):
    project.correct("SYN-01", "age", "51", "chart")
    project.correct("SYN-01", "age", "52", "chart, again")
    cmp, _how = project.compare_file(tmp_path / "cases.xlsx")
    assert cmp.updates == [] and cmp.new_samples == []


def test_a_clash_the_user_calls_the_same_case_is_compared_as_such(tmp_path, project):
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "cases.xlsx")
    ws = wb["Cases"]
    ws["A3"], ws["B3"] = "syn - 01", "syn-p01"
    ws["V3"] = 40.0  # PFS (months) of that case, updated
    wb.save(tmp_path / "clash.xlsx")
    cmp, how = project.compare_file(tmp_path / "clash.xlsx",
                                    same_case={"syn - 01": "SYN-01"})
    assert cmp.clashes == [] and cmp.new_samples == []
    assert [(u.case_label, u.field, u.new_value) for u in cmp.updates] == [
        ("SYN-01 (patient SYN-P01)", "pfs_months", 40.0)]
    project.add_batch(cmp, how, accepted=[1])
    assert project.cohort.n_samples == 24
    out = project.cohort.tables["outcomes"].set_index("patient_id")
    assert out.at["SYN-P01", "pfs_months"] == 40.0
    assert [a.action for a in project.audit()][-1] == "same case"
    stored = project.repo.load_frames(f"import:{project.imports()[-1].id}")["samples"]
    assert "syn - 01" in stored["sample_id"].tolist()  # the records as read


def test_a_correction_that_adds_a_column_reopens_bit_for_bit(project):
    before = set(project.cohort.tables["samples"].columns)
    project.correct("SYN-03", "age", "unknown", "age not in the chart after all")
    added = set(project.cohort.tables["samples"].columns) - before
    assert added == {"missing:age"}  # "unknown" is a missing token, kept in its column
    reopened = Project.open(project.path)
    assert_same_cohort(project.cohort, reopened.cohort)
    reopened.close()
