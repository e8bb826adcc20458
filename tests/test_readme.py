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
    # the README's code block holds the bare commands, and CI runs the test one verbatim
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert block == ["bash packaging/run.sh [FILE]", "bash packaging/test.sh"]
    ci_lines = [line.strip() for line in (root / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert block[1] in ci_lines
