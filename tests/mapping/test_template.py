"""The canonical template workbook and ``imft template``."""

from __future__ import annotations

import json

import openpyxl
import pytest

from imft_desktop.cli import main
from imft_desktop.io.mapping import canonical_sheets, is_canonical_workbook
from imft_desktop.io.read.raw import RawSheet, RawWorkbook
from imft_desktop.io.write.template import README_SHEET, TEXT_KINDS, write_template
from imft_desktop.model.schema import TABLES


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def wb(template_path):
    return openpyxl.load_workbook(template_path)


def test_sheet_order_is_readme_then_schema(wb):
    assert wb.sheetnames == [README_SHEET, *(t.sheet for t in TABLES)]


def test_headers_bold_frozen_and_noted(wb):
    for spec in TABLES:
        ws = wb[spec.sheet]
        headers = [c.value for c in ws[1]]
        assert headers == list(spec.field_names)
        assert ws.freeze_panes == "A2"
        assert ws.max_row == 1  # no example rows on data sheets
        for f, cell in zip(spec.fields, ws[1]):
            assert cell.font.bold
            assert cell.comment is not None, (spec.sheet, f.name)
            note = cell.comment.text
            assert ("Required" if f.required else "Optional") in note
            if f.description:
                assert f.description in note
            if f.unit:
                assert f"Unit: {f.unit}" in note


def test_drop_downs_for_every_field_with_choices(wb):
    for spec in TABLES:
        ws = wb[spec.sheet]
        validations = {}
        for dv in ws.data_validations.dataValidation:
            for rng in str(dv.sqref).split():
                validations[rng.split(":")[0].rstrip("0123456789")] = dv
        for j, f in enumerate(spec.fields, start=1):
            letter = openpyxl.utils.get_column_letter(j)
            if f.choices:
                dv = validations[letter]
                assert dv.type == "list"
                assert dv.formula1 == '"' + ",".join(f.choices) + '"'
                assert dv.errorStyle == "warning"  # synonyms ("neg") still allowed
            elif not (spec.name == "study" and f.name == "key"):
                assert letter not in validations, (spec.sheet, f.name)


def test_text_format_on_ids_and_genes(wb):
    for spec in TABLES:
        ws = wb[spec.sheet]
        for j, f in enumerate(spec.fields, start=1):
            fmt = ws.column_dimensions[openpyxl.utils.get_column_letter(j)].number_format
            assert (fmt == "@") == (f.kind in TEXT_KINDS), (spec.sheet, f.name, fmt)
    assert wb["Samples"].column_dimensions["A"].number_format == "@"
    assert wb["Variants"].column_dimensions["B"].number_format == "@"  # gene


def test_readme_explains_rules_and_holds_the_examples(wb):
    text = "\n".join(
        str(c.value) for row in wb[README_SHEET].iter_rows() for c in row if c.value
    )
    assert "Not tested is not negative" in text
    assert "TPM3::ALK" in text and "30.4375" in text
    for spec in TABLES:
        assert spec.sheet in text
    assert "IMT-01" in text  # examples live here ...
    example_cells = [c for row in wb[README_SHEET].iter_rows() for c in row
                     if c.value == "IMT-01"]
    assert all(c.font.italic for c in example_cells)


def test_without_examples(tmp_path):
    path = tmp_path / "plain.xlsx"
    write_template(path, example=False)
    wb = openpyxl.load_workbook(path)
    values = {c.value for row in wb[README_SHEET].iter_rows() for c in row}
    assert "IMT-01" not in values


def test_template_reads_back_as_canonical(template_path):
    from imft_desktop.io.read.workbook import read_workbook

    raw = read_workbook(template_path)
    assert is_canonical_workbook(raw)
    found = canonical_sheets(raw)
    assert set(found) == {t.name for t in TABLES}
    assert all(row == 1 for _, row in found.values())


def test_canonical_detection_needs_samples_and_one_more(template_path):
    from imft_desktop.io.read.workbook import read_workbook

    raw = read_workbook(template_path)
    only_samples = RawWorkbook(source=raw.source, sheets=[raw.sheet("Samples")])
    assert not is_canonical_workbook(only_samples)
    no_samples = RawWorkbook(source=raw.source, sheets=[raw.sheet("IHC"), raw.sheet("FISH")])
    assert not is_canonical_workbook(no_samples)
    renamed = RawSheet(name="samples", rows=[["Sample ID", "Patient ID"], ["A", "P"]])
    ihc = RawSheet(name="IHC", rows=[["note: ALK clones"], ["sample_id", "marker", "call"]])
    assert is_canonical_workbook(RawWorkbook(source=raw.source, sheets=[renamed, ihc]))
    wide = RawSheet(name="Samples", rows=[["Case", "ALK IHC"], ["A", "pos"]])
    assert not is_canonical_workbook(RawWorkbook(source=raw.source, sheets=[wide, ihc]))


def test_cli_writes_refuses_overwrite_and_forces(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main(["template", str(out)]) == 0
    first = out.read_bytes()
    assert first[:2] == b"PK"
    assert main(["template", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == first
    assert main(["template", str(out), "--force", "--json", "--no-example"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["path"] == str(out)
    assert payload["sheets"][0] == README_SHEET
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]  # no temp files
    assert main(["template", str(tmp_path / "t.csv")]) == 2
    assert main(["template", str(tmp_path / "missing" / "t.xlsx")]) == 2
