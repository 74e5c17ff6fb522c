"""The register's translations: every message of the window translated, the shipped catalogue compiled from
the shipped source, the language chosen at start-up, English when the language is unknown.

The window walked in Russian, state by state, is `test_screenshots.py` (its `ru` runs fail on any English
text left in the window).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from pos_app.qt import formats
from pos_app.qt.language import choose_language, current_language, install_language, tr
from pos_app.qt.refusals import refusal_words
from pos_app.resources import resource_file
from pos_app.services.outcome import Refused
from tests.gui.english_words import english_words, shown_texts

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"
SHIPPED_TS = TRANSLATIONS / "pos_companion_ru.ts"
SHIPPED_QM = TRANSLATIONS / "pos_companion_ru.qm"
_PLACEHOLDER = re.compile(r"%L?n|%\d")


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (it comes with PySide6)")
    return path


def _messages(ts: Path) -> dict[tuple[str, str | None], ET.Element]:
    return {(m.findtext("source") or "", m.findtext("comment")): m for m in ET.parse(ts).iter("message")}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[tuple[str, str | None], ET.Element]:
    """The window's messages as `pyside6-lupdate` finds them in the sources today."""
    ts = tmp_path_factory.mktemp("lupdate") / "extracted.ts"
    sources = sorted(str(p) for p in (ROOT / "pos_app" / "qt").glob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(ts), "-no-obsolete", "-locations", "none"],
                   check=True, capture_output=True)
    return _messages(ts)


def test_every_message_of_the_window_has_a_finished_russian_translation(extracted):
    assert len(extracted) > 500  # the whole window, not an empty extraction
    shipped = _messages(SHIPPED_TS)
    missing = [source for source in extracted if source not in shipped]
    assert not missing, f"not in {SHIPPED_TS.name} (run the lupdate command in docs/TRANSLATIONS.md): {missing}"
    unfinished = []
    for key in extracted:
        translation = shipped[key].find("translation")
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        if translation.get("type") in ("unfinished", "obsolete", "vanished") or not all(f.strip() for f in forms):
            unfinished.append(key[0])
        elif shipped[key].get("numerus") == "yes":
            assert len(forms) == 3, f"{key[0]!r}: Russian has three plural forms"
    assert not unfinished, f"untranslated: {unfinished}"


def test_every_translation_keeps_the_placeholders_of_its_source():
    for (source, _comment), message in _messages(SHIPPED_TS).items():
        translation = message.find("translation")
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        for form in forms:
            assert sorted(_PLACEHOLDER.findall(form)) == sorted(_PLACEHOLDER.findall(source)), (source, form)


def test_the_shipped_catalogue_is_the_shipped_source_compiled(tmp_path):
    fresh = tmp_path / "fresh.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(SHIPPED_TS), "-qm", str(fresh)], check=True, capture_output=True)
    assert fresh.read_bytes() == SHIPPED_QM.read_bytes(), "compile the .ts again (docs/TRANSLATIONS.md)"
    assert resource_file("translations", "pos_companion_ru.qm") == SHIPPED_QM  # found where the app looks


@pytest.fixture
def restore_english(qapp):
    yield
    install_language("en", qapp)


def test_in_russian_the_window_speaks_russian_and_writes_money_the_russian_way(qapp, restore_english):
    language = install_language("ru", qapp)
    assert (language.code, language.locale) == ("ru", "ru_RU")
    assert current_language().code == "ru"
    assert tr("Pay") == "Оплата"
    assert tr("%Ln point(s)", "", 1) == "1 балл"
    assert tr("%Ln point(s)", "", 3) == "3 балла"
    assert tr("%Ln point(s)", "", 4820) == "4\xa0820 баллов"  # grouped as Russian writes it
    assert formats.money(123450, "USD") == "1\xa0234,50\xa0$"
    assert QLocale().name() == "ru_RU"
    # A service's refusal (English) is shown by its reason code.
    assert refusal_words(Refused("unknown_product", "barcode 4006381333931: no such product")) == "Такого товара нет."
    # Qt's own words (a standard dialog's buttons) come from Qt's catalogue.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") != "Cancel"


def test_in_english_counts_read_as_english_plurals(qapp, restore_english):
    install_language("en", qapp)
    assert tr("%Ln point(s)", "", 1) == "1 point"
    assert tr("%Ln point(s)", "", 4820) == "4,820 points"
    assert tr("%n ledger entry(s) reversed", "", 2) == "2 ledger entries reversed"
    assert tr("%n match(es): ↓ to choose, Enter to pick", "", 1) == "1 match: ↓ to choose, Enter to pick"


def test_an_unknown_language_falls_back_to_english_with_a_log_line(qapp, restore_english, caplog):
    install_language("ru", qapp)
    with caplog.at_level(logging.WARNING, logger="pos_app.qt.language"):
        language = install_language("klingon", qapp)
    assert language.code == "en"
    assert "not shipped" in caplog.text and "klingon" in caplog.text
    assert tr("Pay") == "Pay" and formats.money(1250) == "$12.50"


def test_the_language_follows_the_system_when_the_setting_is_empty():
    assert choose_language("", system_locale="ru_RU").code == "ru"
    assert choose_language("", system_locale="de_DE").code == "en"  # not shipped: English
    assert choose_language("ru", system_locale="en_US").locale == "ru_RU"
    assert choose_language("en", system_locale="en_GB").locale == "en_GB"  # the system's English formats


def test_the_english_finder_names_english_words_and_leaves_russian_and_data_alone(qapp, restore_english):
    install_language("ru", qapp)
    window = QWidget()
    QLabel(tr("Subtotal"), window)
    QLabel("Print a copy", window)  # a text that escaped translation
    QPushButton("F12  " + tr("Pay"), window)
    QLabel("Coffee beans 500g — SAVE5 — S1-R1-000042", window)
    window.show()
    found = english_words(shown_texts(window), data={"Coffee beans 500g"})
    assert found == {"Print a copy": {"print", "copy"}}
    window.close()


def test_a_manager_switches_the_language_for_the_next_start(qtbot, open_register, tmp_path):
    from pos_app.app import AppSettings
    from tests.gui.register_helpers import manager_mode

    config = tmp_path / "register.toml"
    config.write_text('store_name = "Corner Market"\n', encoding="utf-8")
    register = open_register(config_path=config)
    manager = manager_mode(qtbot, register)
    manager.tabs.setCurrentWidget(manager.settings_page)
    assert manager.language.currentData() == "en"  # the language running now
    manager.language.setCurrentIndex(manager.language.findData("ru"))
    manager.language_button.click()
    qtbot.waitUntil(lambda: manager.language_message.property("role") == "success", timeout=5000)
    assert "Русский" in manager.language_message.text() and "next start" in manager.language_message.text()
    settings = AppSettings.load(environ={}, config_path=config)
    assert settings.language == "ru" and settings.store_name == "Corner Market"  # the rest of the file kept
    assert tr("Pay") == "Pay"  # this session goes on in English
    manager.reject()


def test_the_dialogs_and_refusals_the_screenshots_do_not_show_are_russian_too(qtbot, qapp, restore_english,
                                                                                open_register, wedge, demo_store):
    from PySide6.QtCore import Qt

    from tests.gui.english_words import demo_data_names
    from tests.gui.register_helpers import confirm, press

    install_language("ru", qapp)
    register = open_register(size=(1024, 768))
    data = demo_data_names(register, demo_store)
    seen: dict[str, dict[str, set[str]]] = {}

    def read(state: str) -> None:
        found = english_words(shown_texts(register), data)
        if found:
            seen[state] = found

    press(register, Qt.Key.Key_F10)  # the manager's PIN, a wrong one
    qtbot.waitUntil(lambda: getattr(register, "pin_dialog", None) is not None and register.pin_dialog.isVisible(),
                    timeout=2000)
    pin = register.pin_dialog
    qtbot.keyClicks(pin.user, "manager")
    qtbot.keyClick(pin.user, Qt.Key.Key_Return)
    qtbot.keyClicks(pin.pin, "0000")
    qtbot.keyClick(pin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pin.message.property("role") == "danger", timeout=5000)
    assert pin.message.text().startswith("Неверный PIN")
    read("wrong PIN")
    pin.reject()

    wedge.scan(register, "4000000000000")  # no such product
    register.add_code("NOSUCHCODE")
    qtbot.waitUntil(lambda: register.codes_panel.codes.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: register.cart_panel.message.property("role") == "danger", timeout=5000)
    read("unknown product and code")

    register.customer_panel.search.setText("mart")  # several customers by name
    register.search_customer("mart")
    qtbot.waitUntil(lambda: register.customer_panel.list.isVisible(), timeout=5000)
    read("customer candidates")
    register.escape()

    loose = next(p for p in demo_store.products if p.weighted)
    wedge.scan(register, loose.barcode)
    qtbot.waitUntil(lambda: getattr(register, "weight_dialog", None) is not None
                    and register.weight_dialog.isVisible(), timeout=5000)
    qtbot.keyClicks(register.weight_dialog.weight, "abc")
    qtbot.keyClick(register.weight_dialog.weight, Qt.Key.Key_Return)
    read("weight refused")
    register.weight_dialog.weight.setText("12,532")  # a Russian keyboard's decimal comma
    qtbot.keyClick(register.weight_dialog.weight, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.cart_panel.model.rows and register.cart_panel.model.rows[0].qty == "12.532",
                    timeout=5000)
    table, model = register.cart_panel.table, register.cart_panel.model
    weight = model.data(model.index(0, 1))
    assert weight == "12,532 кг"
    assert table.fontMetrics().horizontalAdvance(weight) + 12 <= table.columnWidth(1)  # shown whole

    register.close()  # with a sale open: it asks first
    dialog = confirm(qtbot, register, "close_dialog")
    assert "1 товар" in dialog.question.text()
    read("close asks")
    dialog.reject()
    register.new_sale()
    assert not seen, seen
