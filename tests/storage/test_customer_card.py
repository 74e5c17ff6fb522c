"""The customer card: what the cashier learns about a customer the moment they are identified."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pos_app.domain.ledger import EntryKind
from pos_app.domain.sale_record import SaleRecord
from pos_app.services.customer_card import PersonalOffer, card_in, customer_by_id, customer_card
from pos_app.services.outcome import Refused
from pos_app.services.pricing import PricingEngineCache
from pos_app.storage.ledger import NewLot, new_entry_id

from .conftest import NOW

TODAY = NOW.date()  # Monday 23 November 2026; the `settings` fixture has silver from $500, gold from $2,000


def sell(uow, customer_id: str, total_minor: int, when: datetime) -> None:
    with uow() as work:
        work.orders.add(SaleRecord(id=new_entry_id(), register_id="R1", created_at=when, currency="USD",
                                   subtotal_minor=total_minor, discount_minor=0, points_value_minor=0,
                                   total_minor=total_minor, customer_id=customer_id))
        work.commit()


def promotion(promotion_id: str, name: str, audience: object = "public", **fields: object) -> dict:
    return {"id": promotion_id, "name": name, "audience": audience,
            "reward": {"type": "percent", "value": "5", "target": "order"}, **fields}


def store_promotions(uow, *promotions: dict) -> None:
    with uow() as work:
        work.promotions.upsert_many(promotions)
        work.commit()


def card_of(uow, customer_id: str, now: datetime = NOW):
    return customer_card(uow(read_only=True), customer_id, now)


# -- tier progress ----------------------------------------------------------------------------------------------


def test_the_card_says_how_much_more_spend_reaches_the_next_tier(uow, settings, add_customer) -> None:
    ana = add_customer("C1", "Ana Pérez")
    sell(uow, "C1", 30_000, NOW - timedelta(days=20))
    sell(uow, "C1", 90_000, NOW - timedelta(days=400))  # older than twelve months: does not count

    card = card_of(uow, "C1")

    assert card.customer == ana
    assert (card.next_tier, card.to_next_tier, card.currency) == ("silver", 20_000, "USD")  # $500 - $300


def test_a_tier_held_from_the_central_service_counts_from_the_tier_above_it(uow, settings, add_customer) -> None:
    add_customer("C1", "Ana Pérez", tier="silver")  # earned at other stores; $100 spent here
    sell(uow, "C1", 10_000, NOW - timedelta(days=3))

    card = card_of(uow, "C1")

    assert (card.next_tier, card.to_next_tier) == ("gold", 190_000)  # $2,000 - $100 spent here


def test_a_gold_customer_has_no_next_tier(uow, settings, add_customer) -> None:
    add_customer("C1", "Ana Pérez", tier="gold")
    sell(uow, "C1", 250_000, NOW - timedelta(days=3))

    card = card_of(uow, "C1")

    assert (card.next_tier, card.to_next_tier) == (None, 0)


# -- points -----------------------------------------------------------------------------------------------------


def test_points_show_confirmed_pending_held_and_what_expires_within_thirty_days(uow, settings, add_customer) -> None:
    add_customer("C1", "Ana Pérez", confirmed_points=1_000)
    with uow() as work:
        work.ledger.append(EntryKind.ACCRUAL, "C1", 100, at=NOW, lots=[NewLot(100, TODAY + timedelta(days=10))])
        work.ledger.append(EntryKind.ACCRUAL, "C1", 40, at=NOW, lots=[NewLot(40, TODAY + timedelta(days=30))])
        work.ledger.append(EntryKind.ACCRUAL, "C1", 50, at=NOW, lots=[NewLot(50, TODAY + timedelta(days=31))])
        work.ledger.append(EntryKind.ACCRUAL, "C1", 20, at=NOW,  # held until its return window closes
                           lots=[NewLot(20, TODAY + timedelta(days=365), available_on=TODAY + timedelta(days=14))])
        work.commit()

    card = card_of(uow, "C1")

    assert (card.confirmed, card.pending, card.held) == (1_000, 210, 20)
    assert (card.expiring_soon, card.expiring_on) == (140, TODAY + timedelta(days=10))
    assert card.expiring == ((100, TODAY + timedelta(days=10)), (40, TODAY + timedelta(days=30)))


def test_nothing_expires_soon_without_lots_near_their_end(uow, settings, add_customer) -> None:
    add_customer("C1", "Ana Pérez", confirmed_points=500)

    card = card_of(uow, "C1")

    assert (card.confirmed, card.pending, card.held) == (500, 0, 0)
    assert (card.expiring_soon, card.expiring_on, card.expiring) == (0, None, ())


# -- personal offers --------------------------------------------------------------------------------------------


def test_offers_are_the_customers_codes_and_the_promotions_of_their_tier_segment_or_id(
    uow, settings, add_customer
) -> None:
    add_customer("C1", "Ana Pérez", tier="gold", segments=("students",))
    add_customer("C2", "José Müller")
    store_promotions(
        uow,
        promotion("P-GOLD", "Gold members: 5% off", {"tiers": ["gold"]}),
        promotion("P-STUDENT", "Students: 5% off", {"segments": ["students", "teachers"]}),
        promotion("P-ANA", "Just for Ana", {"customers": ["C1"]}),
        promotion("P-SILVER", "Silver members only", {"tiers": ["silver"]}),
        promotion("P-PUBLIC", "Everyone: 5% off"),  # public offers are for everyone: not listed
        promotion("P-OVER", "Gold, last month", {"tiers": ["gold"]}, valid={"from": "2026-10-01", "to": "2026-10-31"}),
        promotion("P-CODED", "Gold with a code", {"tiers": ["gold"]},
                  codes=[{"code": "GOLD-NOW", "customer": None, "uses_left": None}]),  # needs its code
        promotion("P-VIP", "VIP thank-you", codes=[{"code": "vip-ana ", "customer": "C1", "uses_left": 2},
                                                   {"code": "VIP-JOSE", "customer": "C2", "uses_left": 1}]),
        promotion("P-USED", "Welcome gift", codes=[{"code": "WELCOME-ANA", "customer": "C1", "uses_left": 0}]),
    )

    assert card_of(uow, "C1").offers == (
        PersonalOffer("vip-ana", "VIP thank-you", 2, "P-VIP"),  # her own code first, as printed
        PersonalOffer("", "Just for Ana", None, "P-ANA"),  # then the audience offers, by priority and id
        PersonalOffer("", "Gold members: 5% off", None, "P-GOLD"),
        PersonalOffer("", "Students: 5% off", None, "P-STUDENT"),
    )
    assert card_of(uow, "C2").offers == (PersonalOffer("VIP-JOSE", "VIP thank-you", 1, "P-VIP"),)


def test_a_promotion_with_a_personal_code_is_listed_once_by_its_code(uow, settings, add_customer) -> None:
    add_customer("C1", "Ana Pérez", tier="gold")
    store_promotions(uow, promotion("P-GOLD", "Gold members: 5% off", {"tiers": ["gold"]}),
                     promotion("P-GOLD-CODE", "Gold members: 5% off",
                               codes=[{"code": "G-ANA", "customer": "C1", "uses_left": None}]))

    assert card_of(uow, "C1").offers == (PersonalOffer("G-ANA", "Gold members: 5% off", None, "P-GOLD-CODE"),)


def test_a_customer_outside_every_audience_has_no_offers(uow, settings, add_customer) -> None:
    add_customer("C1", "Ana Pérez")
    store_promotions(uow, promotion("P-GOLD", "Gold members: 5% off", {"tiers": ["gold"]}),
                     promotion("P-PUBLIC", "Everyone: 5% off"))

    assert card_of(uow, "C1").offers == ()


def test_the_tills_card_lists_the_same_offers_from_the_pricing_cache_at_any_moment(uow, settings,
                                                                                    add_customer) -> None:
    add_customer("C1", "Ana Pérez", tier="gold")
    store_promotions(
        uow,
        promotion("P-GOLD", "Gold members: 5% off", {"tiers": ["gold"]}),
        promotion("P-NOV", "Gold, this November", {"tiers": ["gold"]},
                  valid={"from": "2026-11-01", "to": "2026-11-23T14:00:00"}),
        promotion("P-LATER", "Gold, from tonight", {"tiers": ["gold"]}, valid={"from": "2026-11-23T18:00:00"}),
        promotion("P-CODED", "Gold with a code", {"tiers": ["gold"]},
                  codes=[{"code": "GOLD-NOW", "customer": None, "uses_left": None}]),
    )
    cache = PricingEngineCache()

    def both(now: datetime) -> tuple[tuple[str, ...], tuple[str, ...]]:
        with uow(read_only=True) as work:
            kept = card_in(work, "C1", now, cache=cache)
            read = card_in(work, "C1", now)
        return tuple(o.promotion_id for o in kept.offers), tuple(o.promotion_id for o in read.offers)

    morning, evening = NOW.replace(hour=9), NOW.replace(hour=19)
    assert both(morning) == (("P-GOLD", "P-NOV"),) * 2
    assert both(NOW) == (("P-GOLD",),) * 2  # P-NOV ended at 14:00, P-LATER starts at 18:00
    assert both(evening) == (("P-GOLD", "P-LATER"),) * 2
    store_promotions(uow, promotion("P-ANA", "Just for Ana", {"customers": ["C1"]}))  # a new revision
    with uow() as work:
        work.promotions.upsert(promotion("P-GOLD", "Gold members: 5% off", {"tiers": ["silver"]}))
        work.commit()
    assert both(evening) == (("P-ANA", "P-LATER"),) * 2


# -- birthday badge ---------------------------------------------------------------------------------------------


def test_the_birthday_badge_shows_within_a_week_of_the_birthday(uow, settings, add_customer) -> None:
    add_customer("C1", "Ana Pérez", birthday=date(1990, 11, 30))  # in 7 days
    add_customer("C2", "José Müller", birthday=date(1985, 12, 1))  # in 8 days
    add_customer("C3", "María Müller")  # no birthday given

    assert card_of(uow, "C1").birthday_week
    assert not card_of(uow, "C2").birthday_week
    assert not card_of(uow, "C3").birthday_week


def test_the_birthday_week_runs_across_new_year(uow, settings, add_customer) -> None:
    add_customer("C1", "Ana Pérez", birthday=date(1990, 1, 2))

    assert card_of(uow, "C1", now=datetime(2026, 12, 28, 10, 0, tzinfo=NOW.tzinfo)).birthday_week


# -- refusals ---------------------------------------------------------------------------------------------------


def test_an_unknown_customer_is_refused(uow, settings) -> None:
    assert card_of(uow, "NOPE") == Refused("unknown_customer", "no customer 'NOPE'")


def test_a_manager_may_name_a_customer_by_id(uow, settings, add_customer) -> None:
    ana = add_customer("C1", "Ana Pérez")

    assert customer_by_id(uow(read_only=True), "C1") == ana
    assert customer_by_id(uow(read_only=True), "C9") == Refused("unknown_customer", "no customer 'C9'")
