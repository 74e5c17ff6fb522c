"""The register's log: rotating files in the platform's log folder, personal data masked.

`configure_logging(folder, level)` sends the program's log records to
`pos-companion.log` in `folder` (5 MB per file, the last 10 files kept, each
readable by its owner only) and warnings and errors to standard error too.
Every line goes through `pos_app.domain.personal_data.mask_personal_data`
after formatting, tracebacks included, so no code path can write a member's
e-mail, phone, card number or named field in clear.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from pos_app.domain.personal_data import MaskingFormatter

LOG_FILE_NAME = "pos-companion.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 10
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class BriefFormatter(MaskingFormatter):
    """For the terminal: the message without its traceback (the log file keeps the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files are created 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        descriptor = os.open(self.baseFilename, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        return os.fdopen(descriptor, self.mode, encoding=self.encoding, errors=self.errors)


class CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record comes (a test or a tool may have replaced it)."""

    @property
    def stream(self):  # type: ignore[no-untyped-def, override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # type: ignore[no-untyped-def]
        pass


def configure_logging(folder: Path, level: str = "INFO", *, stderr_level: int = logging.WARNING) -> Path:
    """Install the file and stderr handlers on the root logger (once); returns the log file's path.

    Tracebacks go to the file only: the terminal gets one line per problem."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    remove_logging()
    root = logging.getLogger()
    formatter = MaskingFormatter(FORMAT)
    to_file = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    to_stderr = CurrentStderrHandler()
    to_stderr.setLevel(stderr_level)
    to_file.setFormatter(formatter)
    to_stderr.setFormatter(BriefFormatter("%(levelname)s %(name)s: %(message)s"))
    for handler in (to_file, to_stderr):
        handler.pos_companion = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plug-in at every start
    return path


def remove_logging() -> None:
    """Take the handlers `configure_logging` installed off the root logger again."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "pos_companion", False):
            root.removeHandler(handler)
            handler.close()


__all__ = ["LOG_FILE_NAME", "MaskingFormatter", "configure_logging", "remove_logging"]
