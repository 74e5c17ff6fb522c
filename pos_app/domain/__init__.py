"""The loyalty domain: money, carts, customers, promotions and points.

Standard library only: no Qt, no SQL, no HTTP. Everything above depends on it.
"""
