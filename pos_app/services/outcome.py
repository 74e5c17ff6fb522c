"""The refusal value every use case may return instead of its result."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refused:
    """A business refusal: `reason` is a stable code for programs, `message` is for the cashier."""

    reason: str
    message: str


__all__ = ["Refused"]
