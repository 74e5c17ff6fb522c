"""The register theme: large type and text that stays readable on every background it uses."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget

from pos_app.qt.theme import REGISTER_THEME, apply_theme, contrast_ratio, style_sheet


@pytest.fixture
def themed_app(qapp):
    before = (qapp.styleSheet(), qapp.palette(), qapp.font())
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(before[0])
    qapp.setPalette(before[1])
    qapp.setFont(before[2])


@pytest.mark.parametrize("pair", sorted(REGISTER_THEME.contrast_pairs()))
def test_every_text_colour_meets_wcag_aaa_contrast(pair):
    foreground, background = REGISTER_THEME.contrast_pairs()[pair]
    assert contrast_ratio(foreground, background) >= 7.0, pair


def test_contrast_ratio_matches_the_wcag_extremes():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


def test_sizes_grow_from_footnote_to_amount_due():
    s = REGISTER_THEME.sizes
    assert 16 <= s.small < s.body < s.large < s.heading < s.total


def test_the_amount_due_is_drawn_in_the_largest_size(qtbot, themed_app):
    screen = QWidget()
    total = QLabel("84.00")
    total.setProperty("role", "total")
    name = QLabel("Zoë Martin")
    field = QLineEdit()
    layout = QVBoxLayout(screen)
    for w in (total, name, field):
        layout.addWidget(w)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)

    assert total.font().pixelSize() == REGISTER_THEME.sizes.total
    assert name.font().pixelSize() == REGISTER_THEME.sizes.body
    assert field.font().pixelSize() == REGISTER_THEME.sizes.body


def test_the_palette_matches_the_theme(themed_app):
    pal = QApplication.palette()
    assert pal.color(QPalette.ColorRole.Window).name() == REGISTER_THEME.colors.window
    assert pal.color(QPalette.ColorRole.Highlight).name() == REGISTER_THEME.colors.accent
    assert themed_app.styleSheet() == style_sheet(REGISTER_THEME)
