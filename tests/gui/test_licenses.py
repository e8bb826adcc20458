"""Help > About > Licences: every library the app runs on, with Qt's LGPL text."""

from __future__ import annotations


def test_every_runtime_library_has_a_licence_and_qt_has_the_lgpl():
    from imft_desktop.qt.licenses import notices, notices_text

    items = {n.name.lower().replace("_", "-"): n for n in notices()}
    for name in ("python", "pyside6-essentials", "shiboken6", "pandas", "numpy", "scipy",
                 "matplotlib", "lifelines", "openpyxl", "python-calamine", "xlsxwriter"):
        assert name in items, name
        assert items[name].license and items[name].license != "see the licence text", name
    # test-only tools are not shipped, so they are not listed
    assert "pytest" not in items and "ruff" not in items
    qt = items["pyside6-essentials"]
    assert "LGPL-3.0" in qt.license
    assert any("GNU LESSER GENERAL PUBLIC LICENSE" in text for _, text in qt.texts)
    assert any("download.qt.io" in text for _, text in qt.texts)
    # every runtime library but the app itself ships at least one licence text
    missing = [n.name for n in items.values() if not n.texts and n.name != "imft-desktop"]
    assert not missing, missing
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in notices_text()


def test_about_box_opens_the_licences(qtbot, monkeypatch):
    from PySide6.QtWidgets import QPushButton

    from imft_desktop.qt import licenses
    from imft_desktop.qt.about import AboutDialog

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    button = next(b for b in dialog.findChildren(QPushButton) if "Licen" in b.text())
    shown = []
    monkeypatch.setattr(licenses.LicensesDialog, "exec", lambda self: shown.append(self) or 0)
    button.click()
    assert shown
    box = shown[0]  # a child of the About box, deleted with it
    names = [box.list.item(i).text() for i in range(box.list.count())]
    row = next(i for i, n in enumerate(names) if n.startswith("PySide6"))
    box.list.setCurrentRow(row)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in box.text.toPlainText()
