"""Per-evaluation facts about a sale, computed once and shared by every rule.

Line subtotals, unit counts and floors, an index of lines by sku, category,
brand and tag (so that a promotion's item filter is resolved from the index,
not by scanning every line), and the codes entered, normalised.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from pos_app.domain.engine.sale import Sale
from pos_app.domain.promotion import ItemFilter, normalize_code
from pos_app.domain.settings import ProgramSettings


class SaleContext:
    """What every promotion check needs to know about one sale."""

    def __init__(self, sale: Sale, settings: ProgramSettings) -> None:
        self.sale = sale
        self.settings = settings
        self.lines = sale.cart
        self.subtotals = [line.subtotal(settings.rounding) for line in sale.cart]
        self.order_subtotal = sum(self.subtotals)
        self.units = [line.units for line in sale.cart]
        # Lowest each line may go, in minor units (exact; may be fractional for weighted lines).
        self.floors: list[Fraction | int] = [
            max(Fraction(0), line.floor_exact) if line.min_unit_price is not None else 0 for line in sale.cart
        ]
        self.discountable = [i for i, line in enumerate(sale.cart) if not line.no_discount]
        self._by_sku: dict[str, list[int]] = defaultdict(list)
        self._by_category: dict[str, list[int]] = defaultdict(list)
        self._by_brand: dict[str, list[int]] = defaultdict(list)
        self._by_tag: dict[str, list[int]] = defaultdict(list)
        for i in self.discountable:
            line = sale.cart[i]
            self._by_sku[line.sku].append(i)
            if line.brand is not None:
                self._by_brand[line.brand].append(i)
            for c in line.categories:
                self._by_category[c].append(i)
            for t in line.tags:
                self._by_tag[t].append(i)
        self._filter_cache: dict[int, tuple[int, ...]] = {}
        entered: dict[str, str] = {}
        for text in sale.codes:
            key = normalize_code(text)
            if key and key not in entered:
                entered[key] = text.strip()
        self.entered_codes = entered  # key -> as entered, trimmed; in entry order

    def lines_matching(self, item_filter: ItemFilter) -> tuple[int, ...]:
        """Indexes (cart order) of the lines an item filter selects."""
        key = id(item_filter)  # filters live as long as their promotions: identity is enough and cheap
        found = self._filter_cache.get(key)
        if found is not None:
            return found
        if item_filter.includes_everything:
            candidates = self.discountable
        elif (
            item_filter.skus.isdisjoint(self._by_sku)
            and item_filter.categories.isdisjoint(self._by_category)
            and item_filter.brands.isdisjoint(self._by_brand)
            and item_filter.tags.isdisjoint(self._by_tag)
        ):
            candidates = []  # nothing in the cart carries any value it asks for
        else:
            picked: set[int] = set()
            for values, index in (
                (item_filter.skus, self._by_sku),
                (item_filter.categories, self._by_category),
                (item_filter.brands, self._by_brand),
                (item_filter.tags, self._by_tag),
            ):
                for v in values:
                    picked.update(index.get(v, ()))
            candidates = sorted(picked)
        lines = self.lines
        found = tuple(i for i in candidates if item_filter.matches(lines[i])) if candidates else ()
        self._filter_cache[key] = found
        return found

    def room_above_floor(self, i: int, running: int) -> int:
        """How far line i may still be discounted, rounded down to minor units."""
        floor = self.floors[i]
        if isinstance(floor, int):
            return max(0, running - floor)
        room = running - floor
        return max(0, room.numerator // room.denominator)
