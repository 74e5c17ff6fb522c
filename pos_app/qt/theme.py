"""The register's look: high contrast and large type, readable at arm's length under shop lights.

A `Theme` is a plain value (colours as `#rrggbb`, named font sizes in pixels);
`style_sheet(theme)` fills the shipped template `resources/style/register.qss`
with it and `palette(theme)` turns it into a palette, Qt's two styling
mechanisms; `apply_theme(app)` installs both plus the base font. Widgets
pick a role with `setProperty("role", ...)` (`total`, `heading`, `muted`,
`danger`, `success`, `banner`) instead of hard-coding colours or sizes, so the
whole screen changes from one place. Every text colour is checked against its
background for a WCAG contrast ratio of at least 7:1 (level AAA).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from string import Template

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from pos_app.resources import resource_file

STYLE_SHEET = "register.qss"  # in resources/style: a template with ${colour}, ${size_...} and the two fonts


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
    """The Qt style sheet for the whole application: the shipped template filled with the theme's values."""
    values = {**asdict(theme.colors), **{f"size_{k}": v for k, v in asdict(theme.sizes).items()},
              "font_family": theme.font_family, "mono_family": theme.mono_family}
    return Template(resource_file("style", STYLE_SHEET).read_text(encoding="utf-8")).substitute(values)



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
