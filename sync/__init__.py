"""Register <-> central synchronisation: wire protocol, reference central service, register client."""
