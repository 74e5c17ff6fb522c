#!/bin/sh
# Remove what install.sh put in place. Registers' databases, settings and backups stay in each
# user's folders (~/.local/share/pos-companion, ~/.config/pos-companion): remove those by hand.
set -eu
rm -rf /opt/pos-companion
rm -f /usr/local/bin/pos-companion /usr/share/applications/pos-companion.desktop \
      /usr/share/icons/hicolor/256x256/apps/pos-companion.png /usr/share/icons/hicolor/scalable/apps/pos-companion.svg
