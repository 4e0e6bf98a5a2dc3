"""A TCP relay on 127.0.0.1 to a real server, which a test can break the way a network path to a database breaks:
refused (the host is down) or silent (connections accepted and never answered)."""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpRelay:
    """Relays every connection to `upstream` until `refuse()` or `silence()`; `close()` ends it."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.silent = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def refuse(self) -> None:
        """The host is gone: open connections are cut and new ones refused."""
        self._stop.set()
        self._accepting.join(timeout=5)
        self._listener.close()
        self._cut()

    def silence(self) -> None:
        """The host hangs: open connections are cut; new ones are accepted and never answered."""
        self.silent = True
        self._cut()

    def close(self) -> None:
        if not self._stop.is_set():
            self.refuse()
        self._cut()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._open.append(client)
            if self.silent:
                continue  # held open, never read, never answered
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._open.append(server)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def _cut(self) -> None:
        with self._lock:
            cut, self._open = self._open, []
        for s in cut:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
