"""The bundle's entry point: the same `pos-companion` command as the installed package's script."""

import sys

from pos_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
