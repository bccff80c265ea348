"""Minimal clients of Hamlib's network daemons (``rotctld``, ``rigctld``) over their text protocol.

Each command is one line; a set command answers ``RPRT 0`` (or ``RPRT -n`` on error), a get command answers its
values one per line (or ``RPRT -n``). A lost connection is re-opened once per command (a restarted daemon is
reconnected transparently); a daemon that stays away or answers an error raises ``HamlibError``.
"""

from __future__ import annotations

import socket
import threading

# Hamlib's rig_errcode_e, as RPRT carries them (negated)
ERRORS = {1: "invalid parameter", 2: "invalid configuration", 3: "memory shortage", 4: "not implemented",
          5: "communication timed out", 6: "IO error", 7: "internal Hamlib error", 8: "protocol error",
          9: "command rejected by the rig", 10: "argument truncated", 11: "function not available",
          12: "VFO not targetable", 13: "bus error", 14: "bus collision", 15: "NULL argument",
          16: "invalid VFO", 17: "argument out of domain", 18: "deprecated", 19: "security", 20: "power off"}


class HamlibError(Exception):
    """A daemon answered an error or could not be reached."""


class HamlibClient:
    def __init__(self, name: str, host: str, port: int, timeout_s: float = 2.0) -> None:
        self.name, self.host, self.port, self.timeout_s = name, host, port, timeout_s
        self._sock: socket.socket | None = None
        self._buf = b""
        self._lock = threading.Lock()
        self.reconnects = 0

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
                self._buf = b""

    def _connect(self) -> socket.socket:
        if self._sock is None:
            try:
                self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
            except OSError as exc:
                raise HamlibError(f"{self.name} at {self.host}:{self.port} unreachable: {exc}") from exc
        return self._sock

    def _readline(self, sock: socket.socket) -> str:
        while b"\n" not in self._buf:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("connection closed by the daemon")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode(errors="replace").strip()

    def _exchange(self, line: str, n_values: int) -> list[str]:
        sock = self._connect()
        sock.sendall((line + "\n").encode())
        first = self._readline(sock)
        if first.startswith("RPRT"):
            code = int(first.split()[1])
            if code != 0:
                raise HamlibError(f"{self.name} answered '{line}' with RPRT {code} "
                                  f"({ERRORS.get(-code, 'error')})")
            return []
        values = [first] + [self._readline(sock) for _ in range(n_values - 1)]
        return values

    def command(self, line: str, n_values: int = 0) -> list[str]:
        """Send one command; its values (get commands) or [] (set commands answered ``RPRT 0``)."""
        with self._lock:
            for attempt in (0, 1):
                try:
                    return self._exchange(line, n_values)
                except (OSError, ConnectionError, ValueError) as exc:
                    self.close()
                    if attempt:
                        raise HamlibError(f"{self.name} at {self.host}:{self.port}: {exc}") from exc
                    self.reconnects += 1
            raise AssertionError("unreachable")


class Rotator(HamlibClient):
    def __init__(self, host: str, port: int, timeout_s: float = 2.0) -> None:
        super().__init__("rotctld", host, port, timeout_s)

    def set_position(self, az_deg: float, el_deg: float) -> None:
        self.command(f"P {az_deg:.2f} {el_deg:.2f}")

    def position(self) -> tuple[float, float]:
        az, el = self.command("p", 2)
        return float(az), float(el)


class Radio(HamlibClient):
    def __init__(self, host: str, port: int, timeout_s: float = 2.0) -> None:
        super().__init__("rigctld", host, port, timeout_s)

    def set_frequency(self, hz: float) -> None:
        self.command(f"F {hz:.0f}")

    def frequency(self) -> float:
        return float(self.command("f", 1)[0])

    def set_mode(self, mode: str, passband_hz: int) -> None:
        self.command(f"M {mode} {passband_hz}")

    def set_split(self, on: bool) -> None:
        self.command(f"S {1 if on else 0} VFOB")

    def set_tx_frequency(self, hz: float) -> None:
        self.command(f"I {hz:.0f}")

    def tx_frequency(self) -> float:
        return float(self.command("i", 1)[0])
