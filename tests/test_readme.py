"""The README stays true: two commands, the template documented field by field."""

from pathlib import Path

from imft_desktop.model.schema import TABLES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_template_sheet_and_column():
    for table in TABLES:
        assert f"**{table.sheet}**" in README, table.sheet
        for field in table.fields:
            assert f"`{field.name}`" in README, (table.sheet, field.name)


def test_readme_gives_the_two_commands_and_they_exist():
    root = Path(__file__).resolve().parents[1]
    for cmd in ("bash packaging/run.sh", "bash packaging/test.sh"):
        assert cmd in README
        assert (root / cmd.split()[1]).is_file()
    ci = (root / ".ci" / "run").read_text()
    assert "packaging/test.sh" in ci
