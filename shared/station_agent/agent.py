"""The station agent's loop: poll the broker (the heartbeat) and prepare each listed contact; fly the next one
when it is due (in a thread, so the heartbeat goes on); upload its recording and report it, retrying while the
broker is away. The schedule survives a broker outage (the contacts already prepared are flown) and results
wait until the broker answers again."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.station_agent.broker import BrokerClient, BrokerRefused, BrokerUnavailable, put_file
from shared.station_agent.config import AgentConfig
from shared.station_agent.contact import Flight, Prepared, fly, prepare
from shared.station_agent.hamlib import Radio, Rotator
from shared.station_agent.report import build_result

log = logging.getLogger("groundlink.station")


@dataclass
class Pending:
    """A flown contact whose recording and result have not reached the broker yet."""

    flight: Flight
    uploaded: dict[str, Any] | None = None
    upload_error: str | None = None
    upload_done: bool = False
    result: dict[str, Any] | None = None


class StationAgent:
    def __init__(self, config: AgentConfig, broker: BrokerClient | None = None, rotator: Rotator | None = None,
                 radio: Radio | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 upload: Callable[[str, bytes], None] = put_file) -> None:
        self.config = config
        self.upload = upload
        self.broker = broker or BrokerClient(config.broker_url, config.token)
        self.rotator = rotator or Rotator(config.rotctld.host, config.rotctld.port)
        self.radio = radio or Radio(config.rigctld.host, config.rigctld.port)
        self.clock, self.sleep = clock, sleep
        self.station: dict[str, Any] | None = None
        self.schedule: dict[tuple[int, int], Prepared] = {}
        self.flown: set[tuple[int, int]] = set()
        self.pending: list[Pending] = []
        self.reported: list[dict[str, Any]] = []  # the broker's answers, in order
        self.flights: list[Flight] = []
        self.polls_ok = 0
        self.polls_failed = 0
        self._flying: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- broker side ----------------------------------------------------------------------------------
    def poll(self) -> bool:
        """One heartbeat: True if the broker answered. Contacts it lists are prepared once (element set,
        transmitters, track); contacts it no longer lists and not yet begun are dropped (cancelled)."""
        try:
            answer = self.broker.commands()
            if self.station is None:
                self.station = self.broker.station(self.config.station_id)
            listed = set()
            for cmd in answer.get("commands", []):
                key = (int(cmd["bookingId"]), int(cmd["slotId"]))
                listed.add(key)
                if key in self.flown:
                    continue
                if key in self.schedule:
                    self.schedule[key].uplink_files = list(cmd.get("uplinkFiles") or [])  # fresh URLs
                    continue
                norad = int(cmd["satellite"]["noradId"])
                try:
                    p = prepare(cmd, self.station, self.broker.element_set(norad), self.broker.transmitters(norad),
                                self.config)
                except (BrokerRefused, KeyError, ValueError, TypeError) as exc:  # tried again at the next poll
                    log.error("contact %s/%s cannot be prepared: %s", *key, exc)
                    continue
                self.schedule[key] = p
                log.info("contact %s/%s of NORAD %s scheduled %s..%s, mount %s, downlink %s Hz", *key, norad,
                         cmd["start"], cmd["end"], p.plan.mode, p.downlink_hz)
        except BrokerUnavailable as exc:
            self.polls_failed += 1
            log.warning("broker unavailable (%s): keeping %d scheduled contact(s)", exc, len(self.schedule))
            return False
        except BrokerRefused as exc:
            self.polls_failed += 1
            log.error("broker refused the poll: %s", exc)
            return False
        now = self.clock()
        for key in [k for k, p in self.schedule.items() if k not in listed and p.start > now]:
            log.info("contact %s/%s is no longer listed: dropped", *key)
            del self.schedule[key]
        self.polls_ok += 1
        return True

    def flush(self) -> None:
        """Upload recordings and send results that are waiting; stop at the first sign of an outage."""
        with self._lock:
            pending = list(self.pending)
        for item in pending:
            p = item.flight.prepared
            try:
                if not item.upload_done:
                    self._upload(item)
                if item.result is None:
                    item.result = build_result(item.flight, item.uploaded, item.upload_error)
                answer = self.broker.report(p.booking_id, item.result)
                log.info("contact %s/%s reported %s: %s", *p.key, item.result["status"], answer.get("bookingStatus"))
                self.reported.append({"key": p.key, "result": item.result, "answer": answer})
            except BrokerUnavailable as exc:
                log.warning("broker unavailable (%s): contact %s/%s will be reported later", exc, *p.key)
                return
            except BrokerRefused as exc:
                log.error("broker refused the result of contact %s/%s: %s", *p.key, exc)
                self.reported.append({"key": p.key, "result": item.result, "refused": exc.body})
            with self._lock:
                self.pending.remove(item)

    def _upload(self, item: Pending) -> None:
        f = item.flight
        if f.recording is None or not f.recording.is_file() or f.recording.stat().st_size == 0:
            item.upload_error = "the recorder produced no data" + (f" ({f.recording})" if f.recording else "")
            item.upload_done = True
            return
        try:
            target = self.broker.downlink_url(f.prepared.booking_id, f.recording.name)
        except BrokerRefused as exc:
            item.upload_error, item.upload_done = f"no upload URL: {exc}", True
            return
        data = f.recording.read_bytes()
        try:
            self.upload(target["url"], data)
        except BrokerRefused as exc:  # the storage refused it: retrying the same upload will not help
            item.upload_error, item.upload_done = f"upload refused: {exc}", True
            return
        item.uploaded, item.upload_done = {"s3Key": target["s3Key"], "size": len(data)}, True
        log.info("recording of contact %s/%s uploaded to %s (%d bytes)", *f.prepared.key, target["s3Key"], len(data))

    # -- flying ----------------------------------------------------------------------------------------
    def _fly(self, prepared: Prepared) -> None:
        try:
            flight = fly(prepared, self.config, self.rotator, self.radio, self.clock, self.sleep)
        except Exception as exc:  # noqa: BLE001 (a failed contact is reported, never lost)
            log.exception("contact %s/%s failed", *prepared.key)
            flight = Flight(prepared)
            flight.error("agent", repr(exc))
        self.flights.append(flight)
        with self._lock:
            self.pending.append(Pending(flight))
        log.info("contact %s/%s flown: %d updates, errors %s", *prepared.key, len(flight.samples),
                 flight.error_counts or "none")

    def due(self) -> Prepared | None:
        now = self.clock()
        ready = [p for p in self.schedule.values() if p.start - self.config.prepare_lead_s <= now and p.end > now]
        return min(ready, key=lambda p: p.start) if ready else None

    def step(self) -> None:
        """One turn of the loop: fly what is due (one contact at a time: one antenna), then flush."""
        if self._flying is None or not self._flying.is_alive():
            self._flying = None
            nxt = self.due()
            if nxt is not None:
                del self.schedule[nxt.key]
                self.flown.add(nxt.key)
                self._flying = threading.Thread(target=self._fly, args=(nxt,), name=f"contact-{nxt.booking_id}",
                                                daemon=True)
                self._flying.start()
        if self.pending:
            self.flush()

    def run(self, stop: threading.Event | None = None, max_contacts: int | None = None) -> None:
        stop = stop or threading.Event()
        next_poll = 0.0
        while not stop.is_set():
            if self.clock() >= next_poll:
                self.poll()
                next_poll = self.clock() + self.config.poll_interval_s
            self.step()
            if max_contacts is not None and len(self.reported) >= max_contacts and not self.pending:
                return
            stop.wait(0.2)
        if self._flying is not None:
            self._flying.join(timeout=5)
