"""An in-process stand-in for ``rotctld -m 1`` and ``rigctld -m 1`` (the subset the agent speaks), for the
local demo where Hamlib is not installed and for tests: a slewing mount within its limits and a radio.

``fail`` makes commands starting with one of its prefixes answer ``RPRT -n`` (a daemon reporting an error)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from typing import Any


class _Handler(socketserver.StreamRequestHandler):
    server: SimulatedDaemon

    def handle(self) -> None:
        self.server.connections.append(self.connection)
        for raw in self.rfile:
            line = raw.decode(errors="replace").strip()
            if not line:
                continue
            if line in ("q", "Q"):
                return
            self.wfile.write(self.server.answer(line).encode())


class SimulatedDaemon(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, kind: str, port: int = 0, slew_deg_s: float = 6.0, limits: tuple[float, ...] = (
            0.0, 450.0, 0.0, 180.0), fail: dict[str, int] | None = None) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.kind = kind
        self.slew_deg_s = slew_deg_s
        self.limits = limits
        self.fail = dict(fail or {})
        self.lock = threading.Lock()
        self.az = self.el = 0.0
        self.target = (0.0, 0.0)
        self.moved_at = time.monotonic()
        self.state: dict[str, Any] = {"freq": 145_000_000, "mode": "FM", "passband": 15000, "split": 0,
                                      "tx_freq": 145_000_000}
        self.log: list[str] = []
        self.connections: list[Any] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> SimulatedDaemon:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop like a killed daemon: the listener and every open connection closed."""
        self.shutdown()
        self.server_close()
        for conn in self.connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            except OSError:
                pass

    def _advance(self) -> None:
        now = time.monotonic()
        step = self.slew_deg_s * (now - self.moved_at)
        self.moved_at = now
        ta, te = self.target
        self.az += max(-step, min(step, ta - self.az))
        self.el += max(-step, min(step, te - self.el))

    def answer(self, line: str) -> str:
        with self.lock:
            self.log.append(line)
            cmd, *args = line.split()
            for prefix, code in self.fail.items():
                if line.startswith(prefix):
                    return f"RPRT {code}\n"
            try:
                return self._dispatch(cmd, args)
            except (ValueError, IndexError):
                return "RPRT -1\n"

    def _dispatch(self, cmd: str, args: list[str]) -> str:
        s = self.state
        if self.kind == "rotctld":
            self._advance()
            if cmd == "P":
                az, el = float(args[0]), float(args[1])
                lo_az, hi_az, lo_el, hi_el = self.limits
                if not (lo_az <= az <= hi_az and lo_el <= el <= hi_el):
                    return "RPRT -1\n"
                self.target = (az, el)
                return "RPRT 0\n"
            if cmd == "p":
                return f"{self.az:.2f}\n{self.el:.2f}\n"
        else:
            if cmd == "F":
                s["freq"] = int(float(args[0]))
                return "RPRT 0\n"
            if cmd == "f":
                return f"{s['freq']}\n"
            if cmd == "M":
                s["mode"], s["passband"] = args[0], int(args[1])
                return "RPRT 0\n"
            if cmd == "m":
                return f"{s['mode']}\n{s['passband']}\n"
            if cmd == "S":
                s["split"] = int(args[0])
                return "RPRT 0\n"
            if cmd == "I":
                s["tx_freq"] = int(float(args[0]))
                return "RPRT 0\n"
            if cmd == "i":
                return f"{s['tx_freq']}\n"
        return "RPRT -4\n"
