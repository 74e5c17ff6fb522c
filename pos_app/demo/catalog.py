"""The demo store's shelves: about 200 products a corner market would sell.

Each `DemoProduct` carries what the register and the promotion engine need:
an EAN-13 barcode, a SKU, a name, categories (department first, then the
aisle), a brand, tags, a price in integer minor units, and the flags that
change how promotions treat it: `weighted` (loose produce and deli sold per
kg), `no_discount` (tobacco and gift cards: never discounted, never counted
toward a promotion), `no_points` (gift cards) and a price floor
(`min_unit_price_minor`, for alcohol's minimum pricing). The field names match
`pos_app.domain.catalog_item.CatalogItem`; `to_catalog_item()` makes one.

The shelf plan below is fixed; the random generator only picks brands, sizes,
prices and tags, so a seed always gives the same store.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

from pos_app.demo.barcodes import product_barcode, weighed_item_barcode
from pos_app.domain.catalog_item import CatalogItem

# Brand -> GS1 company prefix (country prefix + company number); invented companies, real country ranges.
BRANDS: dict[str, str] = {
    "Meadowbrook": "0712345",
    "Alpenhof": "4012345",
    "Laiterie Dufour": "3012345",
    "Golden Crust": "0723456",
    "Boulangerie Élise": "3023456",
    "Fresh Farms": "0734567",
    "Casa Núñez": "8412345",
    "Fonte Chiara": "8012345",
    "Fizzco": "0745678",
    "Highland Roasters": "5012345",
    "Kyoto Leaf": "0756789",
    "Brauhaus Müller": "4023456",
    "Crunchy Bros": "0767890",
    "Chocolaterie Fèvre": "3034567",
    "Nordic Bake": "5701234",
    "Sparkle": "0778901",
    "EcoHome": "8712345",
    "Pure & Co": "0789012",
    "Dr. Weiß": "4034567",
    "Paperline": "0790123",
    "Stapleton": "5023456",
    "Mugworks": "5034567",
    "Red Leaf Tobacco": "0801234",
    "Corner Market": "0812345",
}

# (department, aisle, item, brands, (min price, max price) in cents, tags that fit, flags)
_SHELVES: list[tuple[str, str, str, tuple[str, ...], tuple[int, int], tuple[str, ...], dict[str, Any]]] = [
    ("grocery", "dairy", "Whole milk 1L", ("Meadowbrook", "Alpenhof"), (129, 219), ("organic", "local"), {}),
    ("grocery", "dairy", "Semi-skimmed milk 1L", ("Meadowbrook", "Laiterie Dufour"), (119, 199), ("local",), {}),
    ("grocery", "dairy", "Greek yogurt 500g", ("Alpenhof", "Laiterie Dufour", "Meadowbrook"), (249, 399),
     ("yogurt", "organic"), {}),
    ("grocery", "dairy", "Strawberry yogurt 4x125g", ("Alpenhof", "Meadowbrook"), (199, 329), ("yogurt",), {}),
    ("grocery", "dairy", "Salted butter 250g", ("Laiterie Dufour", "Alpenhof"), (279, 449), (), {}),
    ("grocery", "dairy", "Mature cheddar 200g", ("Meadowbrook",), (329, 499), ("local",), {}),
    ("grocery", "dairy", "Comté 18 months 200g", ("Laiterie Dufour",), (549, 799), ("new",), {}),
    ("grocery", "dairy", "Free-range eggs x12", ("Fresh Farms", "Meadowbrook"), (349, 529), ("local", "organic"), {}),
    ("grocery", "bakery", "Sourdough loaf", ("Golden Crust", "Boulangerie Élise"), (399, 599), ("bread",), {}),
    ("grocery", "bakery", "Baguette", ("Boulangerie Élise",), (129, 189), ("bread",), {}),
    ("grocery", "bakery", "Butter croissant", ("Boulangerie Élise", "Golden Crust"), (149, 249), ("pastry",), {}),
    ("grocery", "bakery", "Pain au chocolat", ("Boulangerie Élise",), (169, 269), ("pastry",), {}),
    ("grocery", "bakery", "Blueberry muffin", ("Golden Crust", "Nordic Bake"), (199, 299), ("pastry",), {}),
    ("grocery", "bakery", "Cinnamon bun", ("Nordic Bake",), (229, 319), ("pastry", "new"), {}),
    ("grocery", "bakery", "Sesame bagels x4", ("Golden Crust",), (299, 399), ("bread",), {}),
    ("grocery", "produce", "Bananas", ("Fresh Farms",), (119, 189), ("fruit",), {"weighted": True}),
    ("grocery", "produce", "Gala apples", ("Fresh Farms",), (249, 349), ("fruit", "local"), {"weighted": True}),
    ("grocery", "produce", "Vine tomatoes", ("Fresh Farms",), (349, 499), ("vegetable",), {"weighted": True}),
    ("grocery", "produce", "Potatoes", ("Fresh Farms",), (99, 179), ("vegetable", "local"), {"weighted": True}),
    ("grocery", "produce", "Navel oranges", ("Fresh Farms",), (229, 319), ("fruit",), {"weighted": True}),
    ("grocery", "produce", "Carrots", ("Fresh Farms",), (119, 179), ("vegetable",), {"weighted": True}),
    ("grocery", "produce", "Red grapes", ("Fresh Farms",), (449, 649), ("fruit", "seasonal"), {"weighted": True}),
    ("grocery", "produce", "Hass avocado", ("Fresh Farms",), (99, 169), ("fruit",), {}),
    ("grocery", "produce", "Lemons x4", ("Fresh Farms",), (199, 279), ("fruit",), {}),
    ("grocery", "deli", "Smoked ham", ("Casa Núñez", "Alpenhof"), (1599, 2299), (), {"weighted": True}),
    ("grocery", "deli", "Jamón serrano", ("Casa Núñez",), (2899, 3899), ("new",), {"weighted": True}),
    ("grocery", "deli", "Kalamata olives", ("Casa Núñez",), (1299, 1799), ("vegan",), {"weighted": True}),
    ("grocery", "pantry", "Spaghetti 500g", ("Fonte Chiara", "Corner Market"), (119, 249), ("vegan",), {}),
    ("grocery", "pantry", "Extra virgin olive oil 750ml", ("Casa Núñez", "Fonte Chiara"), (699, 1299),
     ("vegan",), {}),
    ("grocery", "pantry", "Basmati rice 1kg", ("Corner Market",), (249, 399), ("vegan",), {}),
    ("grocery", "pantry", "Chopped tomatoes 400g", ("Fonte Chiara", "Corner Market"), (79, 149), ("vegan",), {}),
    ("grocery", "pantry", "Wildflower honey 340g", ("Fresh Farms",), (549, 849), ("local",), {}),
    ("beverages", "water", "Sparkling water 1.5L", ("Fonte Chiara", "Sparkle"), (79, 149), ("sparkling",), {}),
    ("beverages", "water", "Still water 1.5L", ("Fonte Chiara",), (59, 119), (), {}),
    ("beverages", "soft drinks", "Cola 330ml", ("Fizzco",), (89, 139), (), {}),
    ("beverages", "soft drinks", "Lemon soda 330ml", ("Fizzco", "Sparkle"), (89, 139), ("new",), {}),
    ("beverages", "juice", "Orange juice 1L", ("Fresh Farms", "Sparkle"), (249, 399), (), {}),
    ("beverages", "coffee", "Coffee beans 500g", ("Highland Roasters",), (899, 1499), ("coffee",), {}),
    ("beverages", "coffee", "Ground espresso 250g", ("Highland Roasters", "Fonte Chiara"), (549, 849),
     ("coffee",), {}),
    ("beverages", "tea", "Green tea 20 bags", ("Kyoto Leaf",), (299, 549), ("vegan",), {}),
    ("beverages", "tea", "Matcha powder 30g", ("Kyoto Leaf",), (1299, 1899), ("new",), {}),
    ("beverages", "beer", "Pilsner 500ml", ("Brauhaus Müller",), (199, 299), ("alcohol",),
     {"min_unit_price_minor": 150}),
    ("beverages", "beer", "Craft IPA 440ml", ("Brauhaus Müller",), (299, 449), ("alcohol", "new"),
     {"min_unit_price_minor": 200}),
    ("snacks", "chips", "Sea salt chips 150g", ("Crunchy Bros",), (199, 299), ("chips",), {}),
    ("snacks", "chips", "Paprika chips 150g", ("Crunchy Bros",), (199, 299), ("chips",), {}),
    ("snacks", "chips", "Tortilla chips 200g", ("Crunchy Bros", "Casa Núñez"), (229, 329), ("chips", "vegan"), {}),
    ("snacks", "chocolate", "Dark chocolate 70% 100g", ("Chocolaterie Fèvre",), (249, 399), ("vegan",), {}),
    ("snacks", "chocolate", "Milk chocolate hazelnut 100g", ("Chocolaterie Fèvre", "Alpenhof"), (229, 349),
     (), {}),
    ("snacks", "biscuits", "Butter cookies 200g", ("Nordic Bake", "Golden Crust"), (279, 399), (), {}),
    ("snacks", "biscuits", "Oat crackers 250g", ("Nordic Bake",), (229, 329), ("vegan",), {}),
    ("snacks", "nuts", "Roasted almonds 200g", ("Casa Núñez", "Corner Market"), (399, 599), ("vegan",), {}),
    ("household", "cleaning", "Dish soap 500ml", ("EcoHome", "Sparkle"), (199, 349), ("eco",), {}),
    ("household", "cleaning", "Laundry liquid 1.5L", ("EcoHome", "Pure & Co"), (799, 1299), ("eco",), {}),
    ("household", "cleaning", "All-purpose spray 750ml", ("EcoHome",), (299, 449), ("eco",), {}),
    ("household", "paper", "Paper towels x4", ("Paperline", "Corner Market"), (399, 599), (), {}),
    ("household", "paper", "Toilet paper x9", ("Paperline",), (549, 899), (), {}),
    ("household", "paper", "Trash bags 30L x20", ("EcoHome", "Corner Market"), (299, 449), ("eco",), {}),
    ("household", "homeware", "Stoneware mug", ("Mugworks",), (699, 1199), ("mug",), {}),
    ("household", "homeware", "Scented candle", ("Mugworks", "Pure & Co"), (999, 1599), ("seasonal",), {}),
    ("personal care", "hair", "Shampoo 250ml", ("Pure & Co", "Dr. Weiß"), (399, 699), (), {}),
    ("personal care", "hair", "Conditioner 250ml", ("Pure & Co", "Dr. Weiß"), (399, 699), (), {}),
    ("personal care", "oral", "Whitening toothpaste 75ml", ("Dr. Weiß",), (249, 399), (), {}),
    ("personal care", "oral", "Soft toothbrush", ("Dr. Weiß", "Corner Market"), (149, 299), (), {}),
    ("personal care", "body", "Deodorant 50ml", ("Pure & Co",), (299, 499), (), {}),
    ("personal care", "body", "Hand cream 75ml", ("Pure & Co", "Dr. Weiß"), (349, 599), ("new",), {}),
    ("personal care", "body", "Shower gel 400ml", ("Pure & Co", "Sparkle"), (249, 399), (), {}),
    ("office", "writing", "Ballpoint pens x10", ("Stapleton", "Paperline"), (299, 499), (), {}),
    ("office", "writing", "Highlighters x4", ("Stapleton",), (349, 549), (), {}),
    ("office", "paper", "Notebook A5 ruled", ("Paperline",), (249, 449), ("back-to-school",), {}),
    ("office", "paper", "Sticky notes x6", ("Paperline", "Stapleton"), (399, 599), (), {}),
    ("office", "paper", "Printer paper A4 500 sheets", ("Paperline",), (599, 899), (), {}),
    ("office", "desk", "Heavy-duty stapler", ("Stapleton",), (1499, 2999), (), {}),
    ("office", "desk", "Staples 26/6 x1000", ("Stapleton",), (199, 299), (), {}),
    ("tobacco", "cigarettes", "Cigarettes 20s", ("Red Leaf Tobacco",), (1099, 1399), (), {"no_discount": True}),
    ("tobacco", "cigars", "Cigarillos x10", ("Red Leaf Tobacco",), (899, 1199), (), {"no_discount": True}),
    ("tobacco", "rolling", "Rolling tobacco 30g", ("Red Leaf Tobacco",), (1299, 1499), (), {"no_discount": True}),
]

_SIZES = ("", "", "", "Family pack", "Value pack", "Mini")
_EXTRA_TAGS = ("bestseller", "clearance", "new", "local")
_GIFT_CARDS = (1000, 2500, 5000, 10000)


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """One product on the demo store's shelves (field names as `CatalogItem`)."""

    sku: str
    name: str
    unit_price_minor: int
    barcode: str
    categories: tuple[str, ...]
    brand: str
    tags: tuple[str, ...] = ()
    no_discount: bool = False
    no_points: bool = False
    min_unit_price_minor: int | None = None
    weighted: bool = False

    def fields(self) -> dict[str, Any]:
        """The product as keyword arguments (tuples kept), e.g. for `CatalogItem(**product.fields())`."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}

    def to_catalog_item(self) -> CatalogItem:
        return CatalogItem(**self.fields())

    def to_json(self) -> dict[str, Any]:
        """The product as JSON-ready plain data (lists, integer minor units)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def cart_line(self, line_id: str, qty: int | str, format_minor) -> dict[str, Any]:
        """A FORMAT.md 1.3 cart line; `format_minor` is `Currency.format_minor`."""
        return self.to_catalog_item().to_cart_line(line_id, qty, format_minor)


def _price(rng: random.Random, low: int, high: int) -> int:
    """A shelf price: between low and high, ending in 9 as shop prices do."""
    return max(9, rng.randint(low // 10, high // 10) * 10 + 9)


def generate_products(rng: random.Random, target: int = 200) -> tuple[DemoProduct, ...]:
    """About `target` products: every shelf entry per brand, then size variants until the target."""
    products: list[DemoProduct] = []
    item_numbers: dict[str, int] = {}
    plu = 4011  # loose-produce PLUs, as the produce industry numbers them

    def add(department, aisle, item, brand, low, high, tag_pool, flags, size=""):
        nonlocal plu
        name = f"{brand} {item}" + (f" {size}" if size else "")
        scale = {"Family pack": 1.8, "Value pack": 2.5, "Mini": 0.6}.get(size, 1.0)
        # A gift card costs its face value; everything else gets a shelf price.
        price = low if low == high else _price(rng, int(low * scale), int(high * scale))
        tags = set(rng.sample(tag_pool, k=rng.randint(0, len(tag_pool)))) if tag_pool else set()
        tags |= {t for t in tag_pool if t in ("yogurt", "pastry", "bread", "chips", "coffee", "mug",
                                               "sparkling", "alcohol", "fruit", "vegetable")}
        if not flags.get("no_discount") and rng.random() < 0.08:
            tags.add(rng.choice(_EXTRA_TAGS))
        if flags.get("weighted"):
            barcode = weighed_item_barcode(plu)
            plu += 1
        else:
            prefix = BRANDS[brand]
            item_numbers[prefix] = item_numbers.get(prefix, 0) + 1
            barcode = product_barcode(prefix, item_numbers[prefix] * 7 + rng.randint(0, 6))
        sku = f"{aisle[:3].upper()}-{len(products) + 1:04d}"
        products.append(
            DemoProduct(
                sku=sku,
                name=name,
                unit_price_minor=price,
                barcode=barcode,
                categories=(department, aisle),
                brand=brand,
                tags=tuple(sorted(tags)),
                no_discount=bool(flags.get("no_discount", False)),
                no_points=bool(flags.get("no_points", False)),
                min_unit_price_minor=flags.get("min_unit_price_minor"),
                weighted=bool(flags.get("weighted", False)),
            )
        )

    for department, aisle, item, brands, (low, high), tag_pool, flags in _SHELVES:
        for brand in brands:
            add(department, aisle, item, brand, low, high, tag_pool, flags)
    for value in _GIFT_CARDS:
        add("gift cards", "gift cards", f"Gift card {value // 100}", "Corner Market", value, value, (),
            {"no_discount": True, "no_points": True})
    # Size variants of packaged goods fill the shelves up to the target, in a seeded order.
    variants = [s for s in _SHELVES if not s[6] and s[0] not in ("tobacco",)]
    rng.shuffle(variants)
    sizes = [s for s in _SIZES if s]
    index = 0
    while len(products) < target:
        department, aisle, item, brands, (low, high), tag_pool, flags = variants[index % len(variants)]
        size = sizes[(index // len(variants)) % len(sizes)]
        add(department, aisle, item, brands[index % len(brands)], low, high, tag_pool, flags, size)
        index += 1
    return tuple(products)


__all__ = ["BRANDS", "DemoProduct", "generate_products"]
