"""The `pos-companion` command: the register app, and `evaluate` for the engine."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "evaluate":
        from pos_app.evaluate_cli import run_evaluate

        return run_evaluate(args[1:])
    print("usage: pos-companion evaluate FILE|-", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
