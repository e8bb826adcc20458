"""cBioPortal study folders with broken, truncated, hostile or misplaced files: every
``imft validate`` ends with exit 0, 1 or 2, one message and no traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from imft_desktop.cli import main

pytestmark = pytest.mark.fuzz

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference-data" / "cbioportal"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    source = REFERENCE / "study_es_0"
    # shared/ lies beside every checkout (CI's too): without it the suite cannot run
    assert source.is_dir(), f"reference data missing: {source}"
    folder = tmp_path / "study"
    folder.mkdir()
    for f in source.iterdir():
        lines = f.read_bytes().splitlines(keepends=True)
        (folder / f.name).write_bytes(b"".join(lines[:40]))  # small but complete layout
    return folder


def validate(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", str(folder)])
    _out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, (code, err)
    return code, err


def test_intact_study_imports(study: Path, capsys) -> None:
    assert validate(study, capsys)[0] in (0, 1)


@pytest.mark.parametrize("damage", ["empty", "header_only", "half", "one_byte_short",
                                    "binary", "no_tabs", "first_column_gone"])
def test_every_data_file_damaged(study: Path, capsys, damage: str) -> None:
    originals = {f.name: f.read_bytes() for f in study.iterdir() if f.name.startswith("data_")}
    for name, data in originals.items():
        lines = data.splitlines(keepends=True)
        broken = {
            "empty": b"",
            "header_only": b"".join(ln for ln in lines if ln.startswith(b"#"))
            + next((ln for ln in lines if not ln.startswith(b"#")), b""),
            "half": data[: len(data) // 2],
            "one_byte_short": data[:-1],
            "binary": bytes(range(256)) * 4,
            "no_tabs": data.replace(b"\t", b" "),
            "first_column_gone": b"".join(b"\t".join(ln.split(b"\t")[1:]) for ln in lines),
        }[damage]
        (study / name).write_bytes(broken)
        validate(study, capsys)
        (study / name).write_bytes(data)


def test_meta_pointing_outside_the_folder_is_refused(study: Path, capsys, tmp_path) -> None:
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("PATIENT_ID\tSAMPLE_ID\nP1\tS1\n")
    meta = study / "meta_clinical_samples.txt"
    meta.write_text(meta.read_text().replace("data_clinical_samples.txt", "../elsewhere.txt"))
    code, _err = validate(study, capsys)
    assert code in (1, 2)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("target", ["data_mutations_extended.maf", "meta_study.txt",
                                    "meta_cna_discrete.txt"])
def test_pipe_or_folder_in_place_of_a_study_file(study: Path, capsys, target: str) -> None:
    path = study / target
    path.unlink()
    os.mkfifo(path)
    validate(study, capsys)
    path.unlink()
    path.mkdir()
    validate(study, capsys)
    shutil.rmtree(path)
