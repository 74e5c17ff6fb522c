"""The reference central service: authoritative ledger, balances, change feed, credentials."""
