"""Which promotions could concern a cart, found through the values their item filters name.

A store runs hundreds of promotions and most name a few SKUs, a category or a
brand; a 20-line cart touches a handful of them. The engine refuses every
other one `no_eligible_items` (or an earlier static reason), which changes
nothing the customer pays or earns, so the register evaluates a cart against
the promotions this index returns: those whose `conditions.items` includes
every item, or names a SKU, category, brand or tag of a cart line. It is a
superset of the promotions that can apply (exclusions and `no_discount` lines
are left to the engine), so prices, points, nudges and applied promotions
are those of an evaluation against all promotions; only refusals of
promotions about other items are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pos_app.domain.cart import CartLine
from pos_app.domain.promotion import Promotion


class PromotionIndex:
    """Promotion ids by the SKUs, categories, brands and tags of their item filters."""

    def __init__(self, promotions: Iterable[Promotion]) -> None:
        self.always: frozenset[str]
        always: set[str] = set()
        self._by_sku: dict[str, set[str]] = defaultdict(set)
        self._by_category: dict[str, set[str]] = defaultdict(set)
        self._by_brand: dict[str, set[str]] = defaultdict(set)
        self._by_tag: dict[str, set[str]] = defaultdict(set)
        for promotion in promotions:
            items = promotion.conditions.items
            if items.includes_everything:
                always.add(promotion.id)
                continue
            for values, index in (
                (items.skus, self._by_sku),
                (items.categories, self._by_category),
                (items.brands, self._by_brand),
                (items.tags, self._by_tag),
            ):
                for value in values:
                    index[value].add(promotion.id)
        self.always = frozenset(always)

    def relevant(self, lines: Iterable[CartLine]) -> frozenset[str]:
        """Ids of the promotions whose item filter may select a line of the cart."""
        found: set[str] = set(self.always)
        for line in lines:
            found.update(self._by_sku.get(line.sku, ()))
            if line.brand is not None:
                found.update(self._by_brand.get(line.brand, ()))
            for category in line.categories:
                found.update(self._by_category.get(category, ()))
            for tag in line.tags:
                found.update(self._by_tag.get(tag, ()))
        return frozenset(found)


__all__ = ["PromotionIndex"]
