"""HTTP plumbing: a threading server that reads request bodies and writes (or breaks) answers.

What to answer is decided elsewhere: the server hands each request and its body to ``serve``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class HttpServer(ThreadingHTTPServer):
    """Keeps track of open sockets so ``close_all`` can end keep-alive connections on stop."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        serve: Callable[[RequestHandler, bytes], None],
        log_requests: Callable[[], bool],
    ) -> None:
        self.serve = serve
        self.log_requests = log_requests
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        """Stop serving and shut every open connection down."""
        self.shutdown()
        self.server_close()
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server_version = "GongEmulator"
    sys_version = ""
    server: HttpServer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests():
            super().log_message(format, *args)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        self.server.serve(self, body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    def send(self, status: int, payload: bytes, headers: Iterable[tuple[str, str]], truncate: bool) -> None:
        """Write the response; with ``truncate``, promise the full length but stop halfway."""
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            if truncate:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2] if truncate else payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
            return
        if truncate:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def drop(self) -> None:
        """Close the connection without writing a byte."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
