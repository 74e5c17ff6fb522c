#!/bin/sh
# Install the one-folder bundle built by packaging/pos-companion.spec system-wide (run as root):
#     sudo packaging/linux/install.sh dist/pos-companion
# The program goes to /opt/pos-companion, the command to /usr/local/bin, the menu entry and icon
# to the freedesktop locations; DESTDIR=/some/root stages the same tree elsewhere (for a package).
# Each cashier account keeps its own settings and database (~/.config/pos-companion,
# ~/.local/share/pos-companion). Uninstall: packaging/linux/uninstall.sh.
set -eu
bundle="${1:-dist/pos-companion}"
root="${DESTDIR:-}"
here="$(cd "$(dirname "$0")" && pwd)"
icons="$here/../../pos_app/resources/icons"
[ -x "$bundle/pos-companion" ] || { echo "no bundle at $bundle (build it first: packaging/README.md)" >&2; exit 1; }

mkdir -p "$root/opt" "$root/usr/local/bin"
rm -rf "$root/opt/pos-companion.new"
cp -a "$bundle" "$root/opt/pos-companion.new"
rm -rf "$root/opt/pos-companion"
mv "$root/opt/pos-companion.new" "$root/opt/pos-companion"
ln -sf /opt/pos-companion/pos-companion "$root/usr/local/bin/pos-companion"
install -Dm644 "$here/pos-companion.desktop" "$root/usr/share/applications/pos-companion.desktop"
install -Dm644 "$icons/pos-companion-256.png" "$root/usr/share/icons/hicolor/256x256/apps/pos-companion.png"
install -Dm644 "$icons/pos-companion.svg" "$root/usr/share/icons/hicolor/scalable/apps/pos-companion.svg"
if [ -z "$root" ]; then
    command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q /usr/share/icons/hicolor || true
fi
HOME="$(mktemp -d)" "$root/opt/pos-companion/pos-companion" --self-test
