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
import re
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
    """`text` in the register's language; `%n` (`%Ln`: grouped) in it is `n`, in the language's plural form.

    A count's source text marks its English plural: "%Ln point(s)", "%n match(es)", "%n ledger entry(s)";
    a translation has its own forms, and English reads "1 point", "2 points".
    """
    translated = QCoreApplication.translate("", text, disambiguation, n)
    return _english_plural(translated, n) if n >= 0 and "(" in translated else translated


_PLURAL_MARK = re.compile(r"y\(s\)|\(es\)|\(s\)")


def _english_plural(text: str, n: int) -> str:
    one = n == 1
    return _PLURAL_MARK.sub(lambda m: {"y(s)": "y" if one else "ies", "(es)": "" if one else "es",
                                       "(s)": "" if one else "s"}[m.group(0)], text)


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
    if language.code != SOURCE_LANGUAGE:  # English is the source: no catalogue
        try:
            _installed.append(_catalogue(language.code))
        except (FileNotFoundError, RuntimeError) as missing:
            log.warning("%s; the texts stay in English", missing)
        if (qt_own := _qt_catalogue(language.code)) is not None:
            _installed.append(qt_own)
    if app is not None:
        for translator in _installed:
            app.installTranslator(translator)
    formats.set_locale(language.locale)  # and Qt's default locale
    return language


def _catalogue(code: str) -> QTranslator:
    """The shipped catalogue of `code`, loaded; raises when it is missing or unreadable."""
    translator = QTranslator()
    if not translator.load(str(resource_file("translations", CATALOGUE.format(code)))):
        raise RuntimeError(f"the {code} catalogue cannot be read")
    return translator


def _qt_catalogue(code: str) -> QTranslator | None:
    """Qt's own catalogue of `code` (the standard dialogs' buttons), when Qt ships one."""
    translator = QTranslator()
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    return translator if translator.load(f"qtbase_{code}", path) else None


def describe_translations() -> str:
    """Each shipped catalogue loads and translates, with Qt's own, and money reads in its locale (the
    self-test's step: a bundle missing a catalogue or Babel's locale data fails here, not at a till)."""
    parts = []
    before = formats.current_locale()
    try:
        for code in sorted(set(LANGUAGES) - {SOURCE_LANGUAGE}):
            ours = _catalogue(code)
            if not ours.translate("", "Pay"):
                raise RuntimeError(f"the {code} catalogue does not translate 'Pay'")
            qt_own = _qt_catalogue(code) is not None
            formats.set_locale(DEFAULT_LOCALES[code])
            parts.append(f"{code}: 'Pay' is {ours.translate('', 'Pay')!r}, {formats.money(123456, 'RUB')}"
                         f"{'' if qt_own else ' (no Qt dialog catalogue)'}")
    finally:
        formats.set_locale(before)
    return "; ".join(parts)


def current_language() -> Language:
    return Language(formats.current_locale().split("_")[0], formats.current_locale())


__all__ = ["LANGUAGES", "Language", "choose_language", "current_language", "describe_translations",
           "install_language", "tr"]
