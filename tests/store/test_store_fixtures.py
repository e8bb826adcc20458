"""Every past project format keeps opening: one saved project per schema version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from imft_desktop.io.project import Project
from imft_desktop.io.store import CURRENT_VERSION, ProjectRepository

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_there_is_a_fixture_of_every_schema_version():
    for version in range(1, CURRENT_VERSION + 1):
        assert (FIXTURES / f"project_v{version}.imftproj").is_file(), (
            f"no fixture of schema version {version}: run tests/store/make_store_fixtures.py")


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("project_v*.imftproj")),
                         ids=lambda p: p.stem)
@pytest.mark.parametrize("read_only", [True, False], ids=["read-only", "migrated"])
def test_a_past_project_opens_with_its_content(tmp_path, fixture, read_only):
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    expected = json.loads(fixture.with_suffix(".json").read_text())
    with Project.open(path, read_only=read_only) as project:
        cohort = project.cohort
        assert cohort.n_samples == expected["samples"]
        assert len(cohort.findings) == expected["findings"]
        actions = [a.action for a in project.audit()]
        assert actions[: len(expected["audit"])] == expected["audit"]
        assert [c.reason for c in project.corrections()] == expected["corrections"]
        assert [i.source_name for i in project.imports()] == expected["imports"]
        pfs = cohort.tables["outcomes"].set_index("patient_id").at["SYN-P01", "pfs_months"]
        assert pfs == expected["pfs_SYN-P01"]
        assert project.repo.settings() == expected["settings"]
        assert project.repo.report_outline() == expected["outline"]
        assert project.repo.integrity_check() == "ok"
    if not read_only:
        with ProjectRepository.open(path, read_only=True) as repo:
            assert repo.schema_version == CURRENT_VERSION
