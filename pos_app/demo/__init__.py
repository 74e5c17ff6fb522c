"""A believable demo store, generated from a seed: products, loyalty members, promotions.

`pos-companion --demo` loads it so a newcomer can sell to a loyalty customer
within a minute. Plain data only (frozen dataclasses and FORMAT.md-shaped
dicts): no Qt, no SQL, no network.
"""

from pos_app.demo.catalog import DemoProduct
from pos_app.demo.customers import DemoCustomer
from pos_app.demo.store import DEFAULT_SEED, DEMO_DAY, DemoStore, DemoStoreInfo, generate_demo_store

__all__ = [
    "DEFAULT_SEED",
    "DEMO_DAY",
    "DemoCustomer",
    "DemoProduct",
    "DemoStore",
    "DemoStoreInfo",
    "generate_demo_store",
]
