"""Write ``fixtures/project_v<N>.imftproj`` for the current schema version N.

Run once when a schema version is introduced (``python tests/store/make_store_fixtures.py``)
and commit the file: it must keep opening in every later version.  Never regenerate a
past version's fixture.  The expected content goes beside it as JSON.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    from store_helpers import copy_case_sheet, next_batch

    from imft_desktop.io.project import Project
    from imft_desktop.io.store import CURRENT_VERSION

    out = HERE / "fixtures" / f"project_v{CURRENT_VERSION}.imftproj"
    if out.exists():
        raise SystemExit(f"{out.name} exists: a past version's fixture is never rewritten")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = copy_case_sheet(folder)
        project = Project.create(folder / "p.imftproj", source)
        project.correct("SYN-02", "fish.percent_split", "25%", "recounted 100 nuclei")
        cmp, how = project.compare_file(next_batch(source, folder / "batch2.xlsx"))
        project.add_batch(cmp, how, accepted=[1, 2, 3])
        project.set_setting("survival", {"by": "ALK FISH positive"})
        project.set_outline({"chapters": ["summary", "survival"]})
        cohort = project.cohort
        expected = {
            "samples": cohort.n_samples,
            "findings": len(cohort.findings),
            "audit": [a.action for a in project.audit()],
            "corrections": [c.reason for c in project.corrections()],
            "imports": [i.source_name for i in project.imports()],
            "pfs_SYN-P01": float(cohort.tables["outcomes"].set_index("patient_id")
                                 .at["SYN-P01", "pfs_months"]),
            "settings": project.repo.settings(),
            "outline": project.repo.report_outline(),
        }
        project.close()
        shutil.copy(folder / "p.imftproj", out)
    out.with_suffix(".json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
