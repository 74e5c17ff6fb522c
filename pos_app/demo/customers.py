"""The demo store's loyalty members: 5,000 people across tiers and segments.

A `DemoCustomer` is what the register identifies by card, phone, e-mail or
name: an EAN-13 card number with the in-store prefix 2, an E.164 phone from
the ranges the North American numbering plan reserves for fiction
(NXX-555-01XX), an address at the reserved example.com / .org / .net
domains, a birthday, consents, a tier (bronze, silver, gold), segments
(`lapsed_60d`, `top_spenders`, `new`) and a points balance. Names come from
many languages, accents included, because the search box must find "Zoë"
when the cashier types "zoe".

The first few customers are fixed personas the README's walkthrough uses
(`FEATURED`); the rest are drawn from a seeded generator.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pos_app.demo.barcodes import card_number
from pos_app.domain.customer_profile import Consents, CustomerProfile

TIERS = ("bronze", "silver", "gold")
SEGMENTS = ("lapsed_60d", "top_spenders", "new")

FIRST_NAMES = (
    "Zoë", "José", "Chloé", "Renée", "Björn", "Søren", "Łukasz", "François", "Mónica", "Noémie",
    "Jürgen", "Siobhán", "Aoife", "İpek", "Ana", "Maria", "James", "Olivia", "Liam", "Emma",
    "Noah", "Ava", "Mateo", "Sofía", "Lucas", "Mia", "Ethan", "Amara", "Kwame", "Ngozi",
    "Hiroshi", "Yuki", "Min-jun", "Seo-yeon", "Wei", "Mei", "Arjun", "Priya", "Omar", "Layla",
    "Dmitri", "Katarzyna", "Giulia", "Matteo", "Élodie", "Thiago", "Inês", "Hana", "Tomás", "Zsófia",
)
LAST_NAMES = (
    "Martin", "García", "Müller", "Øvergaard", "Nowak", "Dubois", "Smith", "Johnson", "Kim", "Nguyen",
    "Okafor", "Rossi", "Łęcka", "Sørensen", "Núñez", "Brontë", "O'Brien", "Fernández", "Schröder", "Lefèvre",
    "Williams", "Brown", "Jones", "Taylor", "Wilson", "Anderson", "Thomas", "Moore", "Jackson", "White",
    "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "Allen", "King", "Wright", "Scott",
    "Tanaka", "Suzuki", "Park", "Chen", "Wang", "Patel", "Singh", "Haddad", "Ivanova", "Kowalski",
    "Bianchi", "Costa", "Silva", "Pereira", "Novák", "Horváth", "Yılmaz", "Papadopoulos", "Mensah", "Dlamini",
)
# Area codes of real North American regions; 555-0100..0199 in each is reserved for fiction.
AREA_CODES = (
    "201", "202", "203", "205", "206", "207", "208", "212", "213", "214",
    "215", "216", "217", "301", "302", "303", "304", "305", "307", "308",
    "309", "310", "312", "313", "314", "315", "316", "317", "318", "319",
    "401", "402", "404", "405", "406", "407", "408", "409", "410", "412",
    "413", "414", "415", "416", "417", "418", "419", "503", "504", "505",
    "506", "507", "508", "509", "510", "512", "513", "514", "515", "516",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    """A loyalty member of the demo store (field names as `CustomerProfile` where they overlap)."""

    id: str
    name: str
    card_number: str
    phone: str | None
    email: str | None
    birthday: date | None
    tier: str
    segments: tuple[str, ...]
    points: int
    first_order: bool
    enrolled_on: date
    email_consent: bool = False
    sms_consent: bool = False

    def to_scenario(self) -> dict[str, Any]:
        """The FORMAT.md 1.2 customer object."""
        return {
            "id": self.id,
            "tier": self.tier,
            "segments": list(self.segments),
            "points": self.points,
            "first_order": self.first_order,
            "birthday": self.birthday.isoformat() if self.birthday else None,
            "promo_uses": {},
        }

    def to_profile(self) -> CustomerProfile:
        """The register's customer value, with the demo balance as confirmed points."""
        return CustomerProfile(
            id=self.id,
            name=self.name,
            card_number=self.card_number,
            phone=self.phone,
            email=self.email,
            birthday=self.birthday,
            tier=self.tier,
            segments=self.segments,
            consents=Consents(email=self.email_consent, sms=self.sms_consent),
            confirmed_points=self.points,
            first_order=self.first_order,
        )

    def to_json(self) -> dict[str, Any]:
        """Everything, as JSON-ready plain data (dates as ISO strings)."""
        return {
            "id": self.id,
            "name": self.name,
            "card_number": self.card_number,
            "phone": self.phone,
            "email": self.email,
            "birthday": self.birthday.isoformat() if self.birthday else None,
            "tier": self.tier,
            "segments": list(self.segments),
            "points": self.points,
            "first_order": self.first_order,
            "enrolled_on": self.enrolled_on.isoformat(),
            "email_consent": self.email_consent,
            "sms_consent": self.sms_consent,
        }


@dataclass(frozen=True, slots=True)
class Persona:
    """A fixed customer for the walkthrough: who they are and what they show."""

    name: str
    tier: str
    segments: tuple[str, ...]
    points: int
    shows: str
    birthday_offset_days: int | None = None  # birthday this many days from today
    first_order: bool = False


FEATURED: tuple[Persona, ...] = (
    Persona("Zoë Martin", "gold", ("top_spenders",), 4820, "gold tier, birthday this week, a VIP code",
            birthday_offset_days=2),
    Persona("José García", "silver", ("lapsed_60d",), 1350, "lapsed: a personal win-back code"),
    Persona("Aoife O'Brien", "bronze", ("new",), 0, "first order: the welcome offer", first_order=True),
    Persona("Łukasz Nowak", "bronze", (), 90, "too few points to redeem (minimum 100)"),
    Persona("Mónica Núñez", "silver", (), 2600, "points redemption capped at half the order"),
)


def ascii_fold(text: str) -> str:
    """"Zoë Łęcka" -> "Zoe Lecka": what an e-mail address or a cashier's search may contain."""
    special = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ı": "i", "ß": "ss", "'": ""})
    decomposed = unicodedata.normalize("NFKD", text.translate(special))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _birthday(rng: random.Random) -> date:
    year = rng.randint(1945, 2006)
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def _email(name: str, serial: int, rng: random.Random) -> str:
    first, _, last = ascii_fold(name).lower().partition(" ")
    local = f"{first}.{last}".replace(" ", "").replace("-", "")
    return f"{local}{serial}@{rng.choice(EMAIL_DOMAINS)}"


def _phone(serial: int) -> str:
    area = AREA_CODES[serial // 100 % len(AREA_CODES)]
    return f"+1{area}5550{100 + serial % 100:03d}"


def generate_customers(rng: random.Random, count: int, today: date) -> tuple[DemoCustomer, ...]:
    """`count` customers: the featured personas first, then seeded random members."""
    if count > len(AREA_CODES) * 100:
        raise ValueError(f"at most {len(AREA_CODES) * 100} demo customers have distinct fictional phones")
    customers: list[DemoCustomer] = []
    for serial in range(count):
        customer_id = f"C{serial + 1:05d}"
        if serial < len(FEATURED):
            persona = FEATURED[serial]
            birthday = (
                _birthday_near(today, persona.birthday_offset_days, 1988)
                if persona.birthday_offset_days is not None
                else date(1979 + serial, (serial * 5) % 12 + 1, 14)
            )
            customers.append(
                DemoCustomer(
                    id=customer_id,
                    name=persona.name,
                    card_number=card_number(serial + 1),
                    phone=_phone(serial),
                    email=_email(persona.name, serial + 1, rng),
                    birthday=birthday,
                    tier=persona.tier,
                    segments=persona.segments,
                    points=persona.points,
                    first_order=persona.first_order,
                    enrolled_on=today - timedelta(days=0 if persona.first_order else 400 + 30 * serial),
                    email_consent=True,
                    sms_consent=serial % 2 == 0,
                )
            )
            continue
        customers.append(_random_customer(rng, serial, customer_id, today))
    return tuple(customers)


def _birthday_near(today: date, offset_days: int, year: int) -> date:
    day = today + timedelta(days=offset_days)
    if (day.month, day.day) == (2, 29):
        day -= timedelta(days=1)
    return date(year, day.month, day.day)


def _random_customer(rng: random.Random, serial: int, customer_id: str, today: date) -> DemoCustomer:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    roll = rng.random()
    tier = "gold" if roll < 0.08 else "silver" if roll < 0.33 else "bronze"
    segments: list[str] = []
    is_new = tier == "bronze" and rng.random() < 0.12
    if is_new:
        segments.append("new")
    elif rng.random() < 0.15:
        segments.append("lapsed_60d")
    if tier == "gold" and rng.random() < 0.6 or tier == "silver" and rng.random() < 0.08:
        segments.append("top_spenders")
    low, high = {"bronze": (0, 1500), "silver": (500, 5000), "gold": (2000, 20000)}[tier]
    points = 0 if is_new else rng.randint(low, high)
    enrolled_on = today - timedelta(days=rng.randint(0, 20) if is_new else rng.randint(60, 3000))
    return DemoCustomer(
        id=customer_id,
        name=name,
        card_number=card_number(serial + 1),
        phone=_phone(serial) if rng.random() < 0.95 else None,
        email=_email(name, serial + 1, rng) if rng.random() < 0.9 else None,
        birthday=_birthday(rng) if rng.random() < 0.85 else None,
        tier=tier,
        segments=tuple(segments),
        points=points,
        first_order=is_new,
        enrolled_on=enrolled_on,
        email_consent=rng.random() < 0.6,
        sms_consent=rng.random() < 0.3,
    )


__all__ = [
    "FEATURED",
    "SEGMENTS",
    "TIERS",
    "DemoCustomer",
    "Persona",
    "ascii_fold",
    "generate_customers",
]
