"""The program runs itself: each daily job on a small chain, against figures worked out by hand.

The chain of `test_chain`: a real central service on 127.0.0.1 (SQLite, and
PostgreSQL in a schema of its own) and three real register stores, S1.R1,
S1.R2 and S2.R1, syncing through the real `SyncLoop`. Jobs run as the
scheduler runs them (`sync.central.jobs.run_job`), for the day named.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import test_chain
from test_chain import CARD_MARIA, Till, sync_all

from pos_app.domain.ledger import EntryKind
from pos_app.services.customer_card import CustomerCard, customer_card
from pos_app.services.outcome import Refused
from pos_app.services.tiers import recompute_tiers
from sync.central import imports
from sync.central.jobs import run_job
from sync.central.settings import set_setting

central, chain = test_chain.central, test_chain.chain  # the chain's fixtures: a central service, three registers

SILVER_GOLD = [{"name": "silver", "threshold_minor": 5000, "multiplier": "1"},
               {"name": "gold", "threshold_minor": 20000, "multiplier": "2"}]


def configure(central, **settings: object) -> None:
    with central.session() as s, s.begin():
        for key, value in settings.items():
            set_setting(s, key.replace("__", "."), value)


def card(till: Till, member: str, now: datetime | None = None) -> CustomerCard:
    shown = customer_card(till.uow(read_only=True), member, now or datetime.now(UTC))
    assert isinstance(shown, CustomerCard), shown
    return shown


def tier_history(central, member: str) -> list[tuple[str | None, str | None, str]]:
    return [tuple(r) for r in central.rows(
        "SELECT from_tier, to_tier, reason FROM tier_changes WHERE customer_id = :c AND reason <> 'import' "
        "ORDER BY id", c=member)]


def test_spend_across_two_stores_moves_a_member_up_a_tier_and_every_register_shows_it(chain, central):
    configure(central, tiers=SILVER_GOLD)
    s1, s2 = chain["S1.R1"], chain["S2.R1"]
    member = s1.enroll("Bea Ruiz", card_number=CARD_MARIA).customer.id
    sync_all(chain)
    at_s1 = s1.paid("BAG", "MUG", member=member)
    at_s2 = s2.paid("BAG", "MUG", member=member)
    assert at_s1.order.total_minor == at_s2.order.total_minor == 3700  # each store alone: below silver (50.00)
    sync_all(chain)

    tomorrow = datetime.now(UTC).date() + timedelta(days=1)  # orders before the start of the run's day count
    run = run_job(central.engine, "tiers", tomorrow)
    sync_all(chain)

    assert run.status == "ran" and run.result["progressions"] == 1
    assert tier_history(central, member) == [(None, "silver", "progression")]
    for till in chain.values():
        shown = card(till, member)
        assert (shown.customer.tier, shown.next_tier, shown.to_next_tier) == ("silver", "gold", 20000 - 7400), till.name
        assert shown.chain_figures
    # A sale after the run counts at once at the register that made it, on top of the chain's figure.
    s1.paid("COF", member=member)
    assert card(s1, member).to_next_tier == 20000 - 7400 - 350
    assert card(s2, member).to_next_tier == 20000 - 7400
    # A register never decides a tier from its own sales once it follows the central service.
    refused = recompute_tiers(s1.uow(), now=datetime.now(UTC))
    assert isinstance(refused, Refused) and refused.reason == "central_decides_tiers"
    # The day's run happened; running it again changes nothing.
    assert run_job(central.engine, "tiers", tomorrow).status == "skipped"
    again = run_job(central.engine, "tiers", tomorrow, again=True)
    assert again.status == "ran" and again.result["progressions"] == 0
    assert tier_history(central, member) == [(None, "silver", "progression")]


def test_retention_keeps_a_tier_until_its_date_then_steps_down_once(chain, central, tmp_path):
    configure(central, tiers=SILVER_GOLD, tiers__retention_months=2)
    gold = tmp_path / "gold.csv"
    gold.write_text("id,tier\nC1,gold\n", encoding="utf-8")
    with central.session() as s, s.begin():
        assert imports.import_customers(s, gold).errors == []

    assert run_job(central.engine, "tiers", date(2027, 1, 10)).status == "ran"  # C1 spent nothing: below gold
    sync_all(chain)
    for till in chain.values():
        shown = card(till, "C1")
        assert (shown.customer.tier, shown.tier_kept_until) == ("gold", date(2027, 3, 9)), till.name

    assert run_job(central.engine, "tiers", date(2027, 3, 9)).status == "ran"  # the last day it is kept
    assert central.scalar("SELECT tier FROM customers WHERE id = 'C1'") == "gold"
    assert run_job(central.engine, "tiers", date(2027, 3, 10)).status == "ran"
    sync_all(chain)

    assert tier_history(central, "C1") == [("gold", "silver", "retention_ended")]  # one step, not two
    for till in chain.values():
        shown = card(till, "C1")
        # Still below silver: silver is kept two months in its turn.
        assert (shown.customer.tier, shown.tier_kept_until) == ("silver", date(2027, 5, 9)), till.name
    assert run_job(central.engine, "tiers", date(2027, 3, 10), again=True).status == "ran"
    assert tier_history(central, "C1") == [("gold", "silver", "retention_ended")]


def test_an_expiry_run_expires_exactly_the_oldest_lot_everywhere_and_again_changes_nothing(chain, central):
    configure(central, points__expiry_months=12)
    s1 = chain["S1.R1"]
    with s1.uow() as uow:  # three moments of the member's history at S1, written then, pushed now
        uow.ledger.append(EntryKind.ADJUSTMENT, "C1", 100, at=datetime(2025, 1, 10, 12, tzinfo=UTC), reason="t")
        uow.ledger.append(EntryKind.ADJUSTMENT, "C1", 200, at=datetime(2025, 3, 5, 12, tzinfo=UTC), reason="t")
        uow.ledger.append(EntryKind.REDEMPTION, "C1", -30, at=datetime(2025, 6, 1, 12, tzinfo=UTC), reason="t")
        uow.commit()
    sync_all(chain)
    assert central.balance("C1") == 270

    # The first lot (100, earned 10 Jan 2025) lasts through 10 Jan 2026; the 30 spent came from it.
    run = run_job(central.engine, "expiry", date(2026, 1, 11))
    sync_all(chain)

    assert run.status == "ran"
    assert (run.result["members_expired"], run.result["points_expired"]) == (1, 70)
    assert central.rows("SELECT register_id, points FROM ledger_entries WHERE kind = 'expiry'") == [("central", -70)]
    assert central.balance("C1") == 200
    for till in chain.values():
        assert till.points("C1") == 200, till.name
        shown = card(till, "C1", datetime(2026, 2, 10, 12, tzinfo=UTC))
        assert (shown.expiring_soon, shown.expiring_on) == (200, date(2026, 3, 5)), till.name

    assert run_job(central.engine, "expiry", date(2026, 1, 11)).status == "skipped"
    again = run_job(central.engine, "expiry", date(2026, 1, 11), again=True)
    assert again.status == "ran" and again.result["points_expired"] == 0
    assert central.scalar("SELECT COUNT(*) FROM ledger_entries WHERE kind = 'expiry'") == 1
    assert central.balance("C1") == 200
    assert central.scalar("SELECT COUNT(*) FROM conflicts") == 0


def test_a_custom_segment_imported_from_csv_reaches_a_personal_promotion_at_a_register(chain, central, tmp_path,
                                                                                        capsys):
    from sync.central.cli import main as pos_central

    vip_only = tmp_path / "vip.json"
    vip_only.write_text(json.dumps([{"id": "VIP20", "name": "20% for VIPs", "priority": 5,
                                     "audience": {"segments": ["VIP"], "tiers": [], "customers": []},
                                     "reward": {"type": "percent", "value": "20", "target": "order"}}]))
    s1, s2 = chain["S1.R1"], chain["S2.R1"]
    other = s1.enroll("Carl Diaz").customer.id
    sync_all(chain)
    segment = tmp_path / "vip.csv"
    segment.write_text("card,email\n2000000000015,\n2900000009999,\n,ana@example.com\n,not-an-email\n",
                       encoding="utf-8")
    db = ["--db", central.db_url]
    assert pos_central(["import-promotions", str(vip_only), *db]) == 0
    assert pos_central(["import-segment", "VIP", str(segment), *db]) == 0
    out, err = capsys.readouterr()
    assert "segment VIP: 1 members (1 added, 0 removed), 3 errors" in out
    assert "vip.csv: line 3: card" in err  # a card that is not one (check digit)
    assert "vip.csv: line 4: member C1 is already on line 2" in err
    assert "vip.csv: line 5: email" in err
    assert run_job(central.engine, "segments", datetime.now(UTC).date()).status == "ran"  # keeps custom ones
    sync_all(chain)

    vip = s2.paid("MUG", member="C1")
    plain = s2.paid("MUG", member=other)

    assert [a.id for a in vip.priced.result.applied] == ["VIP20"] and vip.order.total_minor == 960
    assert [a.id for a in plain.priced.result.applied] == [] and plain.order.total_minor == 1200
    assert "VIP" in card(s1, "C1").customer.segments
    assert pos_central(["segments", *db]) == 0
    assert "VIP" in capsys.readouterr().out


REWARDS = [
    {"id": "CINEMA", "name": "Cinema ticket", "kind": "partner", "points": 800, "partner": "Cinema City",
     "codes_file": "cinema.csv"},
    {"id": "COFFEE", "name": "Free coffee", "kind": "free_product", "points": 150,
     "promotion": {"reward": {"type": "percent", "value": "100", "target": "cheapest"},
                   "conditions": {"items": {"skus": ["COF"]}}}},
]


def test_a_partner_reward_claimed_offline_uses_a_reserved_code_and_no_claim_is_leakage(chain, central, tmp_path,
                                                                                       capsys):
    from pos_app.services import sale
    from pos_app.services.checkout import CompletedSale, Connectivity, pay
    from pos_app.services.rewards import claim_reward
    from sync.central import grants, operations
    from sync.central.cli import main as pos_central
    from sync.protocol import EntryKind as Kind

    (tmp_path / "cinema.csv").write_text("code\n" + "".join(f"CC-{n:04d}\n" for n in range(1, 11)), encoding="utf-8")
    (tmp_path / "rewards.json").write_text(json.dumps({"rewards": REWARDS}), encoding="utf-8")
    configure(central, rewards__partner_reserve=3)
    assert pos_central(["import-rewards", str(tmp_path / "rewards.json"), "--db", central.db_url]) == 0
    assert "2 imported, 0 updated, 10 partner codes added, 0 errors" in capsys.readouterr().out
    with central.session() as s, s.begin():
        grants.book_central_entries(s, [("C1", Kind.ADJUSTMENT, 2000, "test-opening")])
    sync_all(chain)
    s1 = chain["S1.R1"]
    with s1.uow(read_only=True) as uow:  # registers in id order: S1.R1 holds the first three codes
        assert [uow.rewards.available_code("CINEMA", excluding=e) for e in ((), ("CC-0001",))] == ["CC-0001",
                                                                                                    "CC-0002"]
        assert uow.rewards.available_count("CINEMA") == 3
        assert {r.id: r.kind for r in uow.rewards.active()} == {"COFFEE": "free_product", "CINEMA": "partner"}

    # The network is gone: both rewards are claimed and paid at S1 all the same.
    now = datetime.now(UTC)
    draft = sale.attach_customer(sale.add_item(s1.uow(read_only=True), sale.new_sale("S1"), "COF"), "C1")
    draft = claim_reward(s1.uow(read_only=True), draft, "CINEMA", now=now)
    draft = claim_reward(s1.uow(read_only=True), draft, "COFFEE", now=now)
    done = pay(s1.uow, draft, now=now, cashier_id="K1", connectivity=Connectivity(online=False, offline_since=now))

    assert isinstance(done, CompletedSale), done
    assert done.partner_codes == (("Cinema ticket", "CC-0001"),)
    assert done.order.total_minor == 0 and done.order.points_redeemed == 950  # the coffee is free
    with s1.uow(read_only=True) as uow:
        assert uow.rewards.code_state("CC-0001") == ("issued", "C1")
        assert uow.rewards.available_count("CINEMA") == 2
    sync_all(chain)  # back online

    assert central.rows("SELECT state, customer_id, register_id FROM reward_pool_codes WHERE code = 'CC-0001'") == [
        ("issued", "C1", "S1.R1")]
    with s1.uow(read_only=True) as uow:  # the reserve is topped up from the pool: the one code left free
        assert uow.rewards.available_code("CINEMA", excluding=("CC-0002", "CC-0003")) == "CC-0010"
        assert uow.rewards.available_count("CINEMA") == 3
    with central.session() as s:
        assert operations.leakage_total(s) == 0  # neither claim is promotion leakage
    assert central.scalar("SELECT COUNT(*) FROM conflicts") == 0
    assert central.balance("C1") == 2000 - 950 == s1.points("C1")
    used = central.rows("SELECT c.promotion_id, c.used FROM codes c WHERE c.customer_id = 'C1' AND c.issued_by = 'S1.R1'"
                        " AND c.promotion_id = 'REWARD-COFFEE'")
    assert used == [("REWARD-COFFEE", 1)]  # the coffee's personal code, used once where it was issued
    # The reward's promotion gives nothing by itself: a coffee without a claim costs its price.
    assert s1.paid("COF", member="C1").order.total_minor == 350


def test_welcome_birthday_and_winback_offers_reach_members_enrolled_anywhere_with_consent(chain, central):
    from pos_app.domain.customer_profile import Consents
    from sync.central.offers import CONTROL, TARGET

    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    configure(central,
              offers__welcome={"reward": {"type": "percent", "value": "10", "target": "order"}, "within_days": 7,
                               "control_share": 0.5},
              offers__birthday={"points": 500},
              offers__winback={"days": 10, "reward": {"type": "amount", "value": "5.00", "target": "order"},
                               "require_consent": False})
    s1, s2 = chain["S1.R1"], chain["S2.R1"]
    told = [s1.enroll(f"Member {n}", email=f"m{n}@example.com", consents=Consents(email=True)).customer.id
            for n in range(12)]
    silent = s2.enroll("No Contact", email="quiet@example.com").customer.id  # no consent: never in an audience
    born = s2.enroll("Born Tomorrow", phone="+14155550199", birthday=date(1992, tomorrow.month, tomorrow.day),
                     consents=Consents(sms=True)).customer.id
    sync_all(chain)
    with central.engine.begin() as conn:  # C1 was imported a month ago and never bought
        conn.exec_driver_sql("UPDATE customers SET enrolled_at = enrolled_at - INTERVAL '30 days' WHERE id = 'C1'"
                             if central.engine.dialect.name == "postgresql" else
                             "UPDATE customers SET enrolled_at = datetime(enrolled_at, '-30 days') WHERE id = 'C1'")

    run = run_job(central.engine, "offers", tomorrow)

    def audience(campaign: str) -> dict[str, str]:
        return dict(central.rows('SELECT customer_id, "group" FROM offer_audiences WHERE promotion_id = :p',
                                 p=campaign))

    welcome = f"WELCOME-{tomorrow:%Y-%m}"
    groups = audience(welcome)
    assert run.status == "ran" and set(groups) == set(told) | {born}  # consented members enrolled anywhere
    assert silent not in groups
    targets = {c for c, g in groups.items() if g == TARGET}
    controls = {c for c, g in groups.items() if g == CONTROL}
    assert targets and controls  # half held out, by a stable hash: both groups exist among 13
    assert run.result["welcome"] == {"campaign": welcome, TARGET: len(targets), CONTROL: len(controls), "points": 0}
    coded = dict(central.rows("SELECT customer_id, code FROM codes WHERE promotion_id = :p AND customer_id IS NOT NULL",
                              p=welcome))
    assert set(coded) == targets  # one personal code per target, none for the control group
    assert audience(f"BIRTHDAY-{tomorrow:%Y-%m}") == {born: TARGET} and central.balance(born) == 500
    assert audience(f"WINBACK-{tomorrow:%Y-%m}") == {"C1": TARGET}  # the only member lapsed 10 days
    sync_all(chain)

    # A target's code works at the other store; the member's card lists it.
    target = sorted(targets)[0]
    offer = next(o for o in card(s2, target).offers if o.code)
    assert offer.name == "Welcome: 10% off" and offer.code == coded[target]
    used = s2.paid("BAG", member=target, codes=(coded[target],))
    assert [a.id for a in used.priced.result.applied] == [welcome] and used.order.total_minor == 2250
    assert s2.points(born) == 500

    # Run again for the same day, and the next day: nothing more is given (once; once a year; once per lapse).
    again = run_job(central.engine, "offers", tomorrow, again=True).result
    after = run_job(central.engine, "offers", tomorrow + timedelta(days=1)).result
    for result in (again, after):
        assert all(result[offer][TARGET] == result[offer][CONTROL] == 0 for offer in ("welcome", "birthday", "winback"))
    assert central.balance(born) == 500
    assert central.scalar("SELECT COUNT(*) FROM offer_audiences") == len(groups) + 2


def test_a_snapshot_brings_the_catalogue_and_only_this_registers_reserve(chain, central, tmp_path):
    from pos_app.storage.rewards import Reward
    from sync.central import feed, rewards

    (tmp_path / "cinema.csv").write_text("".join(f"CC-{n:04d}\n" for n in range(1, 11)), encoding="utf-8")
    configure(central, rewards__partner_reserve=2)
    (tmp_path / "rewards.json").write_text(json.dumps(REWARDS), encoding="utf-8")
    with central.session() as s, s.begin():
        assert rewards.import_rewards(s, tmp_path / "rewards.json").errors == []
    s1 = chain["S1.R1"]
    with s1.uow() as uow:  # what a demo store had before it was paired
        uow.rewards.upsert_many([Reward("DEMO", "Demo mug", 50, "DEMO-PROMO")])
        uow.rewards.hold_codes("CINEMA", ["LOCAL-1"])
        uow.commit()
    with central.session() as s, s.begin():
        head = feed.assign_sequence(s)
    with central.session() as s, s.begin():
        feed.compact(s, head)  # S1.R1's cursor is older than the feed now: it downloads a snapshot

    s1.sync()

    held = dict(central.rows("SELECT code, register_id FROM reward_pool_codes WHERE state = 'reserved'"))
    assert sorted(held.values()) == ["S1.R1", "S1.R1", "S1.R2", "S1.R2", "S2.R1", "S2.R1"]
    with s1.uow(read_only=True) as uow:
        assert {r.id for r in uow.rewards.active()} == {"CINEMA", "COFFEE"}  # the demo's reward is gone
        mine = []
        while (code := uow.rewards.available_code("CINEMA", excluding=mine)) is not None:
            mine.append(code)
    assert sorted(mine) == sorted(code for code, register in held.items() if register == "S1.R1")


def test_a_revoked_registers_reserve_goes_back_to_the_pool_on_the_operators_word(chain, central, tmp_path, capsys):
    from pos_app.services import sale
    from pos_app.services.checkout import CompletedSale, Connectivity, pay
    from pos_app.services.rewards import claim_reward
    from sync.central import grants
    from sync.central.cli import main as pos_central
    from sync.protocol import EntryKind as Kind

    def cli(*args: str) -> tuple[int, str, str]:
        code = pos_central([*args, "--db", central.db_url])
        out, err = capsys.readouterr()
        return code, out, err

    def claim_cinema_offline(till: Till) -> str:
        now = datetime.now(UTC)
        draft = sale.attach_customer(sale.add_item(till.uow(read_only=True), sale.new_sale(till.uow.store_id), "COF"),
                                     "C1")
        draft = claim_reward(till.uow(read_only=True), draft, "CINEMA", now=now)
        done = pay(till.uow, draft, now=now, cashier_id="K1",
                   connectivity=Connectivity(online=False, offline_since=now))
        assert isinstance(done, CompletedSale), done
        return done.partner_codes[0][1]

    def pool() -> dict[str, tuple[str, str | None, str | None]]:
        return {code: (state, register, customer) for code, state, register, customer in central.rows(
            "SELECT code, state, register_id, customer_id FROM reward_pool_codes")}

    (tmp_path / "cinema.csv").write_text("".join(f"CC-{n:04d}\n" for n in range(1, 11)), encoding="utf-8")
    (tmp_path / "rewards.json").write_text(json.dumps(REWARDS), encoding="utf-8")
    configure(central, rewards__partner_reserve=3)
    assert cli("import-rewards", str(tmp_path / "rewards.json"))[0] == 0
    with central.session() as s, s.begin():
        grants.book_central_entries(s, [("C1", Kind.ADJUSTMENT, 5000, "test-opening")])
    sync_all(chain)  # S1.R1 holds CC-0001..3, S1.R2 CC-0004..6, S2.R1 CC-0007..9; CC-0010 is free
    s1, s2 = chain["S1.R1"], chain["S1.R2"]

    code, _, err = cli("release-reserve", "S1.R1")  # in use: its codes are its claims offline
    assert code == 1 and "register S1.R1 is active" in err and "revoke it first" in err
    code, _, err = cli("release-reserve", "S9.R9")
    assert code == 1 and "no register S9.R9" in err

    assert claim_cinema_offline(s1) == "CC-0001"
    s1.sync()  # settled: the member's; the reserve takes the last free code, CC-0010
    assert claim_cinema_offline(s1) == "CC-0002"
    s1.sync()  # settled; the pool has nothing left to refill with
    assert claim_cinema_offline(s2) == "CC-0004"
    s2.sync()  # S1.R2 is left with two codes: CC-0005, CC-0006
    with central.engine.begin() as conn:  # as if settling after CC-0002's push had failed (the daily job's work)
        conn.exec_driver_sql("UPDATE reward_pool_codes SET state = 'reserved', customer_id = NULL, issued_at = NULL "
                             "WHERE code = 'CC-0002'")
    assert cli("revoke-register", "S1.R1")[0] == 0
    before = pool()

    code, out, _ = cli("release-reserve", "S1.R1", "--dry-run")
    assert code == 0
    assert "S1.R1" in out and "2 partner codes still reserved to it" in out
    assert "CINEMA              2 codes: CC-0003, CC-0010" in out
    assert "CC-0002: reported handed out by a claim it pushed" in out  # reported: never back in the pool
    assert "dry run: nothing released" in out and "did not hand them out" in out
    assert pool() == before
    assert central.scalar("SELECT COUNT(*) FROM alerts") == 0

    code, out, _ = cli("release-reserve", "S1.R1")
    assert code == 0 and "released 2 partner codes to the pool (1 reserved at once" in out
    after = pool()
    assert after["CC-0001"] == after["CC-0002"] == ("issued", "S1.R1", "C1")  # handed out by S1.R1: the member's
    assert after["CC-0003"] == ("reserved", "S1.R2", None)  # S1.R2 was short of one
    assert after["CC-0010"] == ("free", None, None)
    assert not any(register == "S1.R1" and state == "reserved" for state, register, _ in after.values())
    alerts = central.rows("SELECT kind, register_id, detail FROM alerts")
    assert [(kind, register) for kind, register, _ in alerts] == [("reserve_released", "S1.R1")]
    assert "CINEMA 2: CC-0003, CC-0010" in alerts[0][2]
    assert "reserve_released" in cli("conflicts")[1]
    assert "codes: 1 free, 6 reserved, 3 issued" in cli("rewards")[1]

    s2.sync()  # S1.R2's next reserve holds the released code
    with s2.uow(read_only=True) as uow:
        assert uow.rewards.available_count("CINEMA") == 3
        assert uow.rewards.available_code("CINEMA", excluding=("CC-0005", "CC-0006")) == "CC-0003"

    code, out, _ = cli("release-reserve", "S1.R1")  # again: nothing left to release
    assert code == 0 and "holds no partner codes in reserve: nothing to release" in out
    assert pool() == after
    assert central.scalar("SELECT COUNT(*) FROM alerts") == 1

    # Paired again after all, S1.R1 no longer offers the codes released from it (its reserve came back empty).
    with s1.uow(read_only=True) as uow:
        assert uow.rewards.available_code("CINEMA") == "CC-0003"  # what it held while revoked
    s1.client.pair(central.pairing_code("S1", "R1"))
    s1.sync()
    with s1.uow(read_only=True) as uow:
        assert uow.rewards.available_count("CINEMA") == 0
        assert uow.rewards.code_state("CC-0001") == ("issued", "C1")
