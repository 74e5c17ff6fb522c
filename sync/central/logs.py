"""The central service's log: members' personal data masked in every line, tracebacks included.

`pos-central serve` and every `pos-central` command log through
`pos_app.domain.personal_data.MaskingFormatter`, the register's own rule, so
an email, a phone or a card number in an error (a database's duplicate-key
message, a refused import line) never reaches the log or the terminal whole.
"""

from __future__ import annotations

import logging
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_config(level: str = "INFO") -> dict[str, Any]:
    """uvicorn's `log_config` (and `logging.config.dictConfig`): every logger through the masking formatter."""
    formatter = {"()": "pos_app.domain.personal_data.MaskingFormatter", "fmt": FORMAT}
    handler = {"class": "logging.StreamHandler", "formatter": "masked", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"masked": formatter},
        "handlers": {"stderr": handler},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {name: {"handlers": ["stderr"], "level": level, "propagate": False}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "sync")},
    }


def log_unexpected(exc: BaseException) -> None:
    """A command's unexpected failure on standard error, masked (the traceback a database error would print)."""
    from pos_app.domain.personal_data import MaskingFormatter

    logger = logging.getLogger("sync.central.command")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(MaskingFormatter(FORMAT))
        logger.addHandler(handler)
        logger.propagate = False
    logger.error("unexpected error", exc_info=exc)


__all__ = ["FORMAT", "log_config", "log_unexpected"]
