"""Render the app icon's raster formats from `resources/icons/pos-companion.svg`.

    .venv/bin/python packaging/make_icons.py

writes `pos-companion-256.png` (window icon, Linux desktop entry), `pos-companion.ico`
(Windows: executable and installer) and `pos-companion.icns` (macOS bundle) next to the
SVG. Run it after changing the SVG and commit the results: the builds use the files as
they are. Qt draws the SVG (QtSvg), Pillow writes the multi-size containers.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from PIL import Image

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render_png(svg: Path, size: int) -> bytes:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    svg = ICONS / "pos-companion.svg"
    big = Image.open(io.BytesIO(render_png(svg, 1024))).convert("RGBA")
    Image.open(io.BytesIO(render_png(svg, 256))).save(ICONS / "pos-companion-256.png", optimize=True)
    big.save(ICONS / "pos-companion.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128),
                                                 (256, 256)])
    big.save(ICONS / "pos-companion.icns")
    for name in ("pos-companion-256.png", "pos-companion.ico", "pos-companion.icns"):
        print(f"{ICONS / name}: {(ICONS / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
