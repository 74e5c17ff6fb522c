"""Files the app ships with: fonts, the app icon, the style sheet, demo data.

They live in the project's top-level `resources/` folder, one folder that every
way of running the register finds the same way, beside the `pos_app` package:
a checkout (the README's editable install), the PyInstaller bundle (whose spec
copies the folder next to the bundled package) and a wheel (which installs it
as data under `<prefix>/share/pos-companion/resources`). `resource_file`
answers a real file path, which Pillow and Qt need.

- `fonts/`: DejaVu Sans and DejaVu Sans Mono (regular, bold), licence in `fonts/LICENSE.txt`.
- `icons/`: the app icon as SVG, and the PNG, ICO and ICNS rendered from it
  (`packaging/make_icons.py`).
- `style/`: the register's Qt style sheet, a template the theme fills (`pos_app/qt/theme.py`).
- `demo/`: the self-test's sample sale (a FORMAT.md scenario with its expected
  result) and example import files for the central service.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")
RECEIPT_FONT = "DejaVuSansMono.ttf"
APP_ICON = "pos-companion-256.png"
_MARKER = Path("icons") / "pos-companion.svg"  # a file every complete resources folder holds


@cache
def resources_folder() -> Path:
    """The shipped `resources/` folder: beside the package (checkout, bundle), else a wheel's data files."""
    candidates = (
        Path(__file__).resolve().parent.parent / "resources",
        Path(sys.prefix) / "share" / "pos-companion" / "resources",
    )
    for folder in candidates:
        if (folder / _MARKER).is_file():
            return folder
    raise FileNotFoundError(
        "the shipped resources folder is missing (looked in " + ", ".join(str(c) for c in candidates) + ")"
    )


def resource_file(*parts: str) -> Path:
    """The path of a shipped file, e.g. `resource_file("fonts", "DejaVuSansMono.ttf")`."""
    path = resources_folder().joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"{'/'.join(parts)}: missing from the installed resources ({path})")
    return path


def font_files() -> list[Path]:
    return [resource_file("fonts", name) for name in FONT_FILES]


__all__ = ["APP_ICON", "FONT_FILES", "RECEIPT_FONT", "font_files", "resource_file", "resources_folder"]
