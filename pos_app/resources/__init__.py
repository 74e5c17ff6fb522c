"""Files the app ships with: the fonts the screen and the receipt use, the app icon, demo data.

They live inside the package so that every way of installing it finds them the
same way, through `importlib.resources`: a wheel, an editable install and the
PyInstaller bundle (whose spec collects this folder). `resource_file` answers
a real file path, which Pillow and Qt need.

- `fonts/`: DejaVu Sans and DejaVu Sans Mono (regular, bold), licence in `fonts/LICENSE.txt`.
- `icons/`: the app icon as SVG, and the PNG, ICO and ICNS rendered from it
  (`packaging/make_icons.py`).
- `demo/`: the self-test's sample sale (a FORMAT.md scenario with its expected
  result) and example import files for the central service.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")
RECEIPT_FONT = "DejaVuSansMono.ttf"
APP_ICON = "pos-companion-256.png"


def resource_file(*parts: str) -> Path:
    """The path of a shipped file, e.g. `resource_file("fonts", "DejaVuSansMono.ttf")`."""
    path = Path(str(files(__name__).joinpath(*parts)))
    if not path.is_file():
        raise FileNotFoundError(f"{'/'.join(parts)}: missing from the installed resources ({path})")
    return path


def font_files() -> list[Path]:
    return [resource_file("fonts", name) for name in FONT_FILES]


__all__ = ["APP_ICON", "FONT_FILES", "RECEIPT_FONT", "font_files", "resource_file"]
