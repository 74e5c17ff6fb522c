"""The promotion engine (FORMAT.md): given promotions, customer, cart, codes and points,
decide what every line costs, which promotions apply, why the others do not, and the
points spent and earned."""

from pos_app.domain.engine.engine import PromotionEngine
from pos_app.domain.engine.result import (
    AppliedPromotion,
    CodeStatus,
    EvaluationResult,
    LineResult,
    Nudge,
    Redemption,
    Rejection,
)
from pos_app.domain.engine.sale import Sale

__all__ = [
    "AppliedPromotion",
    "CodeStatus",
    "EvaluationResult",
    "LineResult",
    "Nudge",
    "PromotionEngine",
    "Redemption",
    "Rejection",
    "Sale",
]
