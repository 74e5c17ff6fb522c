"""Claiming a catalogue reward with points (a free coffee for 150 points, a partner's cinema ticket).

A discount or free-product reward names a code-gated promotion that gives it
(e.g. 100% off the cheapest coffee). Claiming it for the sale being built
puts a `ClaimedReward` in the draft with a fresh single-use code bound to
this customer; `price_sale` lets the engine see that code, so the reward
shows on the screen at once, and the points it costs are no longer
spendable in this sale. Nothing is written until checkout, which in the
sale's one transaction issues the personal code (one use, published to the
chain so its use is legitimate everywhere), debits the points (a
`redemption` entry with reason `reward:<id>` and the code) and spends the
code (a `code_use` entry). Voiding the draft therefore leaves no trace, and
a register killed mid-sale never leaves points debited for a sale that did
not happen.

A partner reward hands out one of the partner's codes the central service
reserved for this register, so a claim needs no network: the claim takes an
available code (none left: `reward_unavailable` until the next sync brings
more), and checkout marks it issued to the member and debits the points (a
`redemption` entry carrying the code, from which the central service learns
the code is the member's and reserves another).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from pos_app.services.outcome import Refused
from pos_app.services.sale import ClaimedReward, SaleDraft
from pos_app.storage.rewards import Reward
from pos_app.storage.unit_of_work import UnitOfWork

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the till


def reward_code_text() -> str:
    return "R" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(9))


def list_rewards(uow: UnitOfWork) -> list[Reward]:
    """The rewards on offer, cheapest first."""
    with uow:
        return uow.rewards.active()


def claim_reward(uow: UnitOfWork, draft: SaleDraft, reward_id: str, *, now: datetime) -> SaleDraft | Refused:
    """Claim a reward for the draft's customer; the draft comes back with the claim and its code.

    Refused: `customer_required`, `unknown_reward`, `reward_unavailable`,
    `unknown_customer`, `insufficient_points` (counting rewards already
    claimed and a numeric points request in this sale). Uses (and closes)
    `uow`; writes nothing (checkout does).
    """
    if draft.customer_id is None:
        return Refused("customer_required", "identify the customer before claiming a reward")
    with uow:
        reward = uow.rewards.get(reward_id)
        if reward is None:
            return Refused("unknown_reward", f"no reward {reward_id!r}")
        if not reward.active or (reward.promotion_id is not None and uow.promotions.get(reward.promotion_id) is None):
            return Refused("reward_unavailable", f"reward {reward.name!r} is not offered now")
        code = reward_code_text()
        if reward.is_partner:
            claimed = {claim.code for claim in draft.rewards if claim.reward_id == reward.id}
            partner_code = uow.rewards.available_code(reward.id, excluding=claimed)
            if partner_code is None:
                return Refused("reward_unavailable", f"{reward.name}: no codes left at this register; "
                                                     "more come with the next sync")
            code = partner_code
        customer = uow.customers.get(draft.customer_id)
        if customer is None:
            return Refused(
                "unknown_customer", f"customer {draft.customer_id!r} is not in this register's cache"
            )
        balance = uow.ledger.balance(customer.id, now.date())
        assert balance is not None
    asked = draft.redeem if isinstance(draft.redeem, int) else 0
    left = balance.spendable - draft.reward_points - asked
    if reward.points > left:
        return Refused(
            "insufficient_points",
            f"{reward.name} costs {reward.points} points; {customer.name} has {max(0, left)} left to spend",
        )
    claim = ClaimedReward(reward.id, reward.name, reward.points, reward.promotion_id, code)
    return replace(draft, rewards=(*draft.rewards, claim))


def cancel_reward(draft: SaleDraft, reward_id: str) -> SaleDraft | Refused:
    """Take back the last claim of this reward from the draft (nothing was written for it)."""
    for index in range(len(draft.rewards) - 1, -1, -1):
        if draft.rewards[index].reward_id == reward_id:
            return replace(draft, rewards=draft.rewards[:index] + draft.rewards[index + 1 :])
    return Refused("unknown_reward", f"reward {reward_id!r} is not claimed in this sale")


__all__ = ["cancel_reward", "claim_reward", "list_rewards", "reward_code_text"]
