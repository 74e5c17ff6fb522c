"""The register's language: Qt's translators for the configured language, and `tr` for every text shown.

English is the source language; a translation is a compiled Qt catalogue in
`resources/translations` (`pos_companion_<lang>.qm`, made by `pyside6-lrelease`
from the `.ts` that `pyside6-lupdate` extracts from `pos_app/qt`; see
docs/TRANSLATIONS.md). `install_language(setting)` runs once at start-up: it
picks the language (the `language` setting, or the system's when empty; an
unknown one falls back to English with a log line), installs its catalogue
and Qt's own (the standard dialogs' buttons), and makes its locale the
default for Qt and for `formats` (money, numbers and dates).

Every text a person reads goes through `tr(...)`, a plain function that
`pyside6-lupdate` finds (its messages share one context); tables of words
are marked with `QT_TR_NOOP` and translated where they are shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from pos_app.qt import formats
from pos_app.resources import resource_file

log = logging.getLogger(__name__)

# The languages shipped, by code, with their names as their speakers write them (the settings' choice).
LANGUAGES = {"en": "English", "ru": "Русский"}
SOURCE_LANGUAGE = "en"
CATALOGUE = "pos_companion_{}.qm"
# The locale each language formats with when the system's does not speak it.
DEFAULT_LOCALES = {"en": "en_US", "ru": "ru_RU"}


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the register's language; `%n` in it is `n` with the language's plural form ("%n point")."""
    return QCoreApplication.translate("", text, disambiguation, n)


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # "en", "ru"
    locale: str  # "en_US", "ru_RU": how money, numbers and dates are written


def choose_language(setting: str, system_locale: str | None = None) -> Language:
    """The language to run in: the setting ("ru", "ru_RU", "en"), else the system's; English when unknown."""
    wanted = (setting or "").strip().replace("-", "_")
    system = system_locale or QLocale.system().name()
    name = wanted or system
    code = name.split("_")[0].lower()
    if code not in LANGUAGES:
        if wanted:
            log.warning("language %r is not shipped (shipped: %s); running in English", setting,
                        ", ".join(sorted(LANGUAGES)))
        return Language(SOURCE_LANGUAGE, DEFAULT_LOCALES[SOURCE_LANGUAGE])
    if "_" in name:
        locale = name
    elif system.split("_")[0].lower() == code:
        locale = system
    else:
        locale = DEFAULT_LOCALES[code]
    return Language(code, locale)


_installed: list[QTranslator] = []


def install_language(setting: str, app: QCoreApplication | None = None) -> Language:
    """Install the catalogues of the chosen language on the application; answer the language chosen."""
    app = app or QCoreApplication.instance()
    language = choose_language(setting)
    for old in _installed:
        if app is not None:
            app.removeTranslator(old)
    _installed.clear()
    ours = QTranslator()
    # English loads its catalogue too: it holds only the plural forms ("1 point", "2 points").
    try:
        if ours.load(str(resource_file("translations", CATALOGUE.format(language.code)))):
            _installed.append(ours)
        else:
            log.warning("the %s catalogue cannot be read; its texts stay in English", language.code)
    except FileNotFoundError as missing:
        log.warning("%s; the texts stay in English", missing)
    if language.code != SOURCE_LANGUAGE:
        qt_own = QTranslator()
        if qt_own.load(f"qtbase_{language.code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            _installed.append(qt_own)
    if app is not None:
        for translator in _installed:
            app.installTranslator(translator)
    QLocale.setDefault(QLocale(language.locale))
    formats.set_locale(language.locale)
    return language


def current_language() -> Language:
    return Language(formats.current_locale().split("_")[0], formats.current_locale())


__all__ = ["LANGUAGES", "Language", "choose_language", "current_language", "install_language", "tr"]
