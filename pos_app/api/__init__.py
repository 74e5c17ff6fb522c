"""The till's HTTP API: the store's till asks the register about members and checks (shared/POS-API.md).

A way in, like the window: it parses, calls the use cases of
`pos_app.services`, and presents. `app` builds the FastAPI application,
`server` serves it on its own socket; no Qt is imported here, so a register
without a screen (`pos-companion --headless`) serves it too.
"""
