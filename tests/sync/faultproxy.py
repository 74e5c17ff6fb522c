"""A small HTTP-aware TCP fault proxy on loopback.

Each request coming from the client is read whole, then `policy(request)`
decides its fate:

- "pass": forwarded, the answer sent back;
- "drop_request": the connection is closed before anything reaches the server;
- "drop_response": forwarded (the server commits), the answer thrown away, the connection closed;
- "stall": nothing is forwarded and nothing answered until the client gives up (its read timeout);
- "stall_response": forwarded (the server commits), then silence until the client gives up;
- "cut": forwarded, then only half of the answer is sent before the connection is closed;
- "corrupt": forwarded, the answer's last body byte changed;
- "500" / "503": answered by the proxy itself (503 with `Retry-After: <proxy.retry_after>`).
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProxiedRequest:
    number: int
    method: str
    path: str


Policy = Callable[[ProxiedRequest], str]


def _read_message(sock: socket.socket, buffer: bytearray) -> bytes | None:
    """One HTTP/1.1 message (head + Content-Length or chunked body) from `sock`; None on EOF."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head_end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:head_end]).decode("latin-1").lower()
    length = 0
    chunked = False
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip() == "content-length":
            length = int(value.strip())
        elif name.strip() == "transfer-encoding" and "chunked" in value:
            chunked = True
    if chunked:
        while b"0\r\n\r\n" not in buffer[head_end:]:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buffer += chunk
        end = buffer.index(b"0\r\n\r\n", head_end) + 5
    else:
        end = head_end + length
        while len(buffer) < end:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buffer += chunk
    message = bytes(buffer[:end])
    del buffer[:end]
    return message


class FaultProxy:
    def __init__(self, upstream_port: int, policy: Policy | None = None, *, stall_seconds: float = 30.0) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.policy: Policy = policy or (lambda _r: "pass")
        self.stall_seconds = stall_seconds
        self.retry_after = "0"  # what an injected 503 asks the client to wait
        self.counts: Counter[str] = Counter()
        self.push_bodies: list[bytes] = []  # the body of every push request received, in order
        self._number = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = threading.Event()
        self._sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        for sock in list(self._sockets):
            _close(sock)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._sockets.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _decide(self, message: bytes) -> tuple[ProxiedRequest, str]:
        method, path = message.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[:2]
        if path == "/v1/push":
            self.push_bodies.append(message.split(b"\r\n\r\n", 1)[1])
        with self._lock:
            self._number += 1
            request = ProxiedRequest(self._number, method, path)
        action = self.policy(request)
        with self._lock:
            self.counts[action] += 1
        return request, action

    def _serve(self, client: socket.socket) -> None:
        buffer = bytearray()
        try:
            while True:
                message = _read_message(client, buffer)
                if message is None:
                    return
                _request, action = self._decide(message)
                if action == "drop_request":
                    return
                if action == "stall":
                    client.settimeout(self.stall_seconds)
                    try:
                        while client.recv(65536):
                            pass
                    except OSError:
                        pass
                    return
                if action in ("500", "503"):
                    body = b'{"detail":"injected failure","code":"injected"}'
                    extra = f"Retry-After: {self.retry_after}\r\n".encode() if action == "503" else b""
                    client.sendall(b"HTTP/1.1 " + action.encode() + b" Injected\r\nContent-Type: application/json\r\n"
                                   + extra + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                    continue
                response = self._forward(message)
                if response is None or action == "drop_response":
                    return
                if action == "stall_response":  # the server committed; its answer never comes
                    client.settimeout(self.stall_seconds)
                    try:
                        while client.recv(65536):
                            pass
                    except OSError:
                        pass
                    return
                if action == "cut":
                    client.sendall(response[: len(response) // 2])
                    return
                if action == "corrupt":
                    response = response[:-1] + bytes([response[-1] ^ 0x01])
                client.sendall(response)
        except OSError:
            return
        finally:
            self._sockets.discard(client)
            _close(client)

    def _forward(self, message: bytes) -> bytes | None:
        upstream = socket.create_connection(self.upstream, timeout=60)
        try:
            upstream.sendall(message)
            return _read_message(upstream, bytearray())
        except OSError:
            return None
        finally:
            _close(upstream)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
