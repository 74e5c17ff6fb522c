"""The register's look: high contrast and large type, readable at arm's length under shop lights.

A `Theme` is a plain value (colours as `#rrggbb`, named font sizes in pixels);
`style_sheet(theme)` and `palette(theme)` turn it into Qt's two styling
mechanisms, and `apply_theme(app)` installs both plus the base font. Widgets
pick a role with `setProperty("role", ...)` (`total`, `heading`, `muted`,
`danger`, `success`, `banner`) instead of hard-coding colours or sizes, so the
whole screen changes from one place. Every text colour is checked against its
background for a WCAG contrast ratio of at least 7:1 (level AAA).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True, slots=True)
class FontSizes:
    """Named type sizes in pixels, from the footnote to the amount due."""

    small: int = 16
    body: int = 20
    large: int = 26
    heading: int = 30
    total: int = 48


@dataclass(frozen=True, slots=True)
class Colors:
    """The palette as `#rrggbb` strings."""

    window: str = "#0b0f14"
    surface: str = "#161c24"
    surface_alt: str = "#1f2731"
    text: str = "#ffffff"
    muted: str = "#c8d0da"
    accent: str = "#ffd400"  # focus rings and the selected row: yellow reads on dark at a glance
    accent_text: str = "#000000"
    success: str = "#5cff8a"
    danger: str = "#ff8a80"
    warning: str = "#ffc04d"
    banner: str = "#ffb000"
    banner_text: str = "#000000"
    border: str = "#8a96a6"
    disabled: str = "#a9b3bf"
    gold: str = "#ffd75e"  # tier badges: dark text on the metal's colour
    silver: str = "#d9dee5"
    bronze: str = "#f0b27a"
    birthday: str = "#ff9ed8"


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    colors: Colors = field(default_factory=Colors)
    sizes: FontSizes = field(default_factory=FontSizes)
    font_family: str = "DejaVu Sans"
    mono_family: str = "DejaVu Sans Mono"

    def contrast_pairs(self) -> dict[str, tuple[str, str]]:
        """Every (text, background) pair the style sheet uses, by name."""
        c = self.colors
        return {
            "text on window": (c.text, c.window),
            "text on surface": (c.text, c.surface),
            "text on alternate rows": (c.text, c.surface_alt),
            "muted on window": (c.muted, c.window),
            "muted on surface": (c.muted, c.surface),
            "selection": (c.accent_text, c.accent),
            "success on surface": (c.success, c.surface),
            "danger on surface": (c.danger, c.surface),
            "warning on surface": (c.warning, c.surface),
            "header on window": (c.muted, c.window),
            "banner": (c.banner_text, c.banner),
            "disabled on surface": (c.disabled, c.surface),
            "gold badge": (c.accent_text, c.gold),
            "silver badge": (c.accent_text, c.silver),
            "bronze badge": (c.accent_text, c.bronze),
            "birthday badge": (c.accent_text, c.birthday),
            "accent on surface": (c.accent, c.surface),
            "muted on alternate rows": (c.muted, c.surface_alt),
        }


REGISTER_THEME = Theme(name="register")


def relative_luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of `#rrggbb`."""
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def style_sheet(theme: Theme = REGISTER_THEME) -> str:
    """The Qt style sheet for the whole application."""
    c, s = theme.colors, theme.sizes
    return f"""
QWidget {{
    background-color: {c.window};
    color: {c.text};
    font-family: "{theme.font_family}";
    font-size: {s.body}px;
}}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit, QTextEdit {{
    background-color: {c.surface};
    border: 2px solid {c.border};
    border-radius: 4px;
    padding: 6px 8px;
    min-height: 32px;
    selection-background-color: {c.accent};
    selection-color: {c.accent_text};
}}
QLineEdit:focus, QSpinBox:focus, QComboBox:focus, QPlainTextEdit:focus, QTextEdit:focus {{
    border: 3px solid {c.accent};
}}
QPushButton {{
    background-color: {c.surface_alt};
    border: 2px solid {c.border};
    border-radius: 6px;
    padding: 10px 18px;
    min-height: 40px;
    font-size: {s.large}px;
    font-weight: bold;
}}
QPushButton:focus {{ border: 3px solid {c.accent}; }}
QPushButton:pressed, QPushButton:checked {{ background-color: {c.accent}; color: {c.accent_text}; }}
QPushButton:disabled, QLineEdit:disabled {{ color: {c.disabled}; border-color: {c.surface_alt}; }}
QTableView, QListView, QTreeView {{
    background-color: {c.surface};
    alternate-background-color: {c.surface_alt};
    gridline-color: {c.border};
    border: 2px solid {c.border};
    selection-background-color: {c.accent};
    selection-color: {c.accent_text};
}}
QTableView:focus, QListView:focus, QTreeView:focus {{ border: 3px solid {c.accent}; }}
QHeaderView, QTableCornerButton::section {{ background-color: {c.surface_alt}; border: 1px solid {c.border}; }}
QHeaderView::section {{
    background-color: {c.surface_alt};
    color: {c.text};
    font-weight: bold;
    padding: 6px;
    border: 1px solid {c.border};
}}
QStatusBar {{ background-color: {c.surface}; color: {c.muted}; font-size: {s.small}px; }}
QStatusBar QLabel {{ font-size: {s.small}px; }}
QToolTip {{ background-color: {c.surface_alt}; color: {c.text}; border: 2px solid {c.accent}; }}
*[role="heading"] {{ font-size: {s.heading}px; font-weight: bold; }}
*[role="total"] {{ font-family: "{theme.mono_family}"; font-size: {s.total}px; font-weight: bold; }}
*[role="amount"] {{ font-family: "{theme.mono_family}"; font-size: {s.large}px; }}
*[role="muted"] {{ color: {c.muted}; font-size: {s.small}px; }}
*[role="success"] {{ color: {c.success}; font-weight: bold; }}
*[role="danger"] {{ color: {c.danger}; font-weight: bold; }}
*[role="warning"] {{ color: {c.warning}; font-size: {s.small}px; font-weight: bold; }}
*[role="banner"] {{
    background-color: {c.banner};
    color: {c.banner_text};
    font-size: {s.large}px;
    font-weight: bold;
    padding: 8px;
}}
*[role="shortcut"] {{ color: {c.accent}; font-family: "{theme.mono_family}"; font-weight: bold; }}
*[role="subheading"] {{ color: {c.muted}; font-size: {s.small}px; font-weight: bold; }}
QLabel[role="badge"], QLabel[role="badge-gold"], QLabel[role="badge-silver"], QLabel[role="badge-bronze"],
QLabel[role="badge-birthday"], QFrame#panel QLabel[role="badge"], QFrame#panel QLabel[role="badge-gold"],
QFrame#panel QLabel[role="badge-silver"], QFrame#panel QLabel[role="badge-bronze"],
QFrame#panel QLabel[role="badge-birthday"] {{
    color: {c.accent_text};
    background-color: {c.silver};
    border-radius: 6px;
    padding: 2px 10px;
    font-size: {s.small}px;
    font-weight: bold;
}}
QFrame#panel QLabel[role="badge-gold"] {{ background-color: {c.gold}; }}
QFrame#panel QLabel[role="badge-bronze"] {{ background-color: {c.bronze}; }}
QFrame#panel QLabel[role="badge-birthday"] {{ background-color: {c.birthday}; }}
QFrame#panel {{ background-color: {c.surface}; border: 1px solid {c.border}; border-radius: 8px; }}
QFrame#panel QLabel, QFrame#panel QCheckBox, QWidget#customer-card {{ background-color: transparent; }}
QFrame#panel QPushButton {{ font-size: {s.small}px; padding: 6px 10px; min-height: 34px; }}
QTableView#cart-table {{ font-size: 18px; }}
QTableWidget QSpinBox {{ min-height: 26px; padding: 0px 4px; margin: 2px; border-width: 1px; font-size: 18px; }}
QTableWidget QSpinBox QLineEdit {{ padding: 0px; min-height: 0px; border: none; background: transparent; }}
QSpinBox[buttons="none"]::up-button, QSpinBox[buttons="none"]::down-button {{ width: 0px; border: none; }}
QTableView#cart-table::item {{ padding: 2px 6px; }}
QLabel#customer-hint {{ font-size: {s.small}px; }}
QLabel#panel-title {{ font-size: {s.large}px; font-weight: bold; }}
QWidget#promotion-lists QLabel {{ font-size: 18px; }}
QWidget#promotion-lists QLabel[role="muted"] {{ font-size: {s.small}px; }}
QWidget#promotion-lists QLabel[role="danger-detail"] {{ color: {c.danger}; font-size: {s.small}px; padding-left: 24px; }}
QTableView#cart-table QHeaderView::section {{ font-size: {s.small}px; }}
QScrollArea#promotion-scroll, QWidget#promotion-lists, QWidget#promotion-lists QWidget {{
    background-color: transparent;
    border: none;
}}
QFrame#fkeys QPushButton, QFrame#session-keys QPushButton {{ font-size: {s.small}px; padding: 4px 8px; min-height: 30px; }}
QLabel#offline-banner {{ font-size: {s.body}px; padding: 4px 10px; }}
*[role="identity"] {{ color: {c.muted}; font-size: {s.small}px; font-weight: bold; }}
QScrollArea#customer-card-scroll, QScrollArea#customer-card-scroll > QWidget > QWidget {{ background-color: transparent; border: none; }}
QTabWidget#sale-tabs::pane {{ border: none; }}
QPushButton#button-pay {{ background-color: {c.accent}; color: {c.accent_text}; font-size: {s.heading}px; }}
QPushButton#button-pay:disabled {{ background-color: {c.surface_alt}; color: {c.disabled}; }}
QTabBar::tab {{ background-color: {c.surface_alt}; color: {c.text}; padding: 8px 16px; border: 1px solid {c.border}; }}
QTabBar::tab:selected {{ background-color: {c.accent}; color: {c.accent_text}; }}
QCheckBox {{ spacing: 10px; }}
QCheckBox::indicator {{
    width: 20px;
    height: 20px;
    border: 2px solid {c.border};
    border-radius: 4px;
    background-color: {c.surface};
}}
QCheckBox::indicator:checked {{ background-color: {c.accent}; border-color: {c.accent}; }}
QCheckBox:focus {{ color: {c.accent}; }}
QDateEdit {{ background-color: {c.surface}; border: 2px solid {c.border}; border-radius: 4px; padding: 4px 8px; }}
QDateEdit:disabled {{ color: {c.disabled}; border-color: {c.surface_alt}; }}
"""


def palette(theme: Theme = REGISTER_THEME) -> QPalette:
    """A palette matching the style sheet, for widgets the sheet does not reach."""
    c = theme.colors
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.surface,
        QPalette.ColorRole.AlternateBase: c.surface_alt,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.Button: c.surface_alt,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: c.accent_text,
        QPalette.ColorRole.ToolTipBase: c.surface_alt,
        QPalette.ColorRole.ToolTipText: c.text,
        QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.BrightText: c.danger,
        QPalette.ColorRole.Link: c.accent,
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.disabled))
    return pal


def base_font(theme: Theme = REGISTER_THEME) -> QFont:
    font = QFont(theme.font_family)
    font.setPixelSize(theme.sizes.body)
    return font


def apply_theme(app: QApplication, theme: Theme = REGISTER_THEME) -> None:
    """Install the theme on the whole application."""
    app.setStyle("Fusion")  # the one built-in style that honours palettes and sheets everywhere
    app.setPalette(palette(theme))
    app.setFont(base_font(theme))
    app.setStyleSheet(style_sheet(theme))


__all__ = [
    "REGISTER_THEME",
    "Colors",
    "FontSizes",
    "Theme",
    "apply_theme",
    "base_font",
    "contrast_ratio",
    "palette",
    "relative_luminance",
    "style_sheet",
]
