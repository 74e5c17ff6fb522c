"""pos-companion: the register-side loyalty companion."""

__version__ = "0.1.0"
