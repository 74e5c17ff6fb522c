"""Serving the POS API: uvicorn on a socket bound before it starts, in the background or in the foreground.

`parse_listen("127.0.0.1:8766")` reads the `pos_api_listen` setting; port 0
asks the system for a free one. The socket is bound before the server
starts, so `PosApiServer.address` is the real address at once (the register
prints it) and a port already in use is a clear error, not a log line from
a background thread. `start()` serves from a daemon thread (the register with
its window: the GUI thread never waits for it); `serve()` serves on the
calling thread until interrupted (`pos-companion --headless`).

`freeze_startup_objects()` (called by the composition root once the register
is built) freezes what the process built at start-up (the store's engine, the
day's pricing engine: about 170,000 objects) out of the garbage collector's
full passes (`gc.freeze`): a full pass over them stalled one answer in a few
hundred by about 100 ms. It then makes the collector's passes rarer
(`COLLECTOR_THRESHOLDS`): with the default ones a 50-line check's few
thousand short-lived objects started a young pass on nearly every call and a
full pass (about 6 ms of CPU) on one call in 150, on the tills' p99. Objects
freed by reference counting never count; cyclic garbage still starts a pass
once 5,000 tracked objects are waiting, so memory stays bounded.
"""

from __future__ import annotations

import gc
import logging
import socket
import threading
import time
from typing import Any

log = logging.getLogger(__name__)
DEFAULT_LISTEN = "127.0.0.1:8766"


class ListenError(ValueError):
    """The address to listen on is malformed or cannot be bound; the message says which."""


def parse_listen(text: str) -> tuple[str, int]:
    """`host:port` (IPv6 in brackets: `[::1]:8766`); port 0 picks a free one."""
    host, sep, port = (text or "").strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ListenError(f"pos_api_listen {text!r}: expected host:port, e.g. {DEFAULT_LISTEN}")
    return host, int(port)


class PosApiServer:
    """The API application on its own bound socket."""

    def __init__(self, app: Any, listen: str = DEFAULT_LISTEN) -> None:
        import uvicorn

        host, port = parse_listen(listen)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP named, so asyncio sets TCP_NODELAY on each connection: without it a keep-alive till
        # waits 40 ms for every answer (Nagle's algorithm against the till's delayed ACK).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise ListenError(f"the POS API cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        sock.listen(128)
        self._socket = sock
        self.host, self.port = sock.getsockname()[:2]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=5)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Serve from a daemon thread; returns once the server accepts connections."""
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="pos-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise ListenError(f"the POS API did not start on {self.address}")
            time.sleep(0.01)

    def serve(self) -> None:
        """Serve on this thread until interrupted (Ctrl+C or SIGTERM)."""
        self._server.run(sockets=[self._socket])

    def stop(self, timeout: float = 5.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._socket.close()


# Young pass after 5,000 more tracked objects than freed (default 700), a middle one every 20 young ones
# (default 10), a full one every 100 middle ones (default 10; still only when the survivors grew by a quarter).
COLLECTOR_THRESHOLDS = (5000, 20, 100)


def freeze_startup_objects() -> None:
    """Collect once, keep everything alive now out of the collector's later passes, and make the passes
    rarer (`COLLECTOR_THRESHOLDS`; process-wide)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


__all__ = ["COLLECTOR_THRESHOLDS", "DEFAULT_LISTEN", "ListenError", "PosApiServer", "freeze_startup_objects", "parse_listen"]
