"""Faults injected into DynamoDB under hundreds of concurrent book/cancel operations, through the real use cases
(``LedgerService`` on ``DynamoLedgerStore`` under moto, the SDK configuration of an HTTP function), then the
ledger is checked: no overlapping reservations, no partial, orphan or ghost bookings, every success stored,
every failure a clean retryable error (``Unavailable``) or a refused window (``SlotTaken``) — never a raw
botocore error. The figures (tried/held per mode) are in README.md's ledger section: run with ``-s`` to print
them."""

from __future__ import annotations

import os
import random
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from botocore.retries.standard import ExponentialBackoff
from moto import mock_aws

from infra.local.emulation import create_resources
from shared.adapters.dynamo.base import deserialize, query_all, table_name, value
from shared.adapters.dynamo.ledger import DynamoLedgerStore
from shared.aws import SdkBudget, client
from shared.domain.catalog.models import Satellite, Station
from shared.domain.errors import Unavailable
from shared.domain.identity import Principal
from shared.domain.ledger.errors import SlotTaken
from shared.domain.ledger.models import Booking
from shared.domain.ledger.policy import ORBAPI_CANCEL
from shared.domain.ledger.service import BookingRequest, LedgerService, SlotRequest
from shared.domain.scheduling import PassWindow
from tests.integration.conftest import _reset_caches
from tests.support.faults import FaultInjector

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
T0 = NOW + timedelta(hours=1)
STATIONS = ("A", "B", "C")
# 80 operations per mode keep the module under a minute (moto copies the table for every transaction item);
# README's figures come from GROUNDLINK_FAULT_OPERATIONS=300.
OPERATIONS = int(os.environ.get("GROUNDLINK_FAULT_OPERATIONS", "80"))
WORKERS = 8


class Catalog:
    def get_satellite(self, norad_id: int) -> Satellite | None:
        return Satellite(norad_id=norad_id, name="SAT")

    def get_station(self, gs_id: str) -> Station | None:
        return Station(id=gs_id, name=gs_id, acronym=gs_id, latitude=0, longitude=0, altitude=0)

    def get_spacecraft(self, spacecraft_id: str) -> None:
        return None


class Passes:
    """One pass around every asked window: the store, not pass prediction, is under test."""

    def passes_over(self, satellite: Satellite, station: Station, start: datetime, end: datetime) -> list[PassWindow]:
        return [PassWindow(start.timestamp() - 3600, end.timestamp() + 3600, 45.0)]


class RecordingStore(DynamoLedgerStore):
    """Remembers every booking a reservation was attempted for, to look for ghosts afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.attempted: dict[int, Booking] = {}
        self._lock = threading.Lock()

    def reserve(self, booking, files=(), events=()):  # type: ignore[no-untyped-def]
        with self._lock:
            self.attempted[booking.id] = booking
        return super().reserve(booking, files, events)


@dataclass
class Outcomes:
    booked: dict[int, Booking] = field(default_factory=dict)
    failed_books: list[tuple[str, int | None]] = field(default_factory=list)  # (kind, booking id if allocated)
    cancelled: set[int] = field(default_factory=set)
    failed_cancels: set[int] = field(default_factory=set)
    unclean: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _worker(k: int, service: LedgerService, store: RecordingStore, out: Outcomes, ops: int) -> None:
    rnd = random.Random(1000 + k)
    me = Principal(f"user-{k}")
    mine: list[int] = []
    for _ in range(ops):
        if mine and rnd.random() < 0.35:
            bid = mine.pop(rnd.randrange(len(mine)))
            try:
                service.cancel(bid, me, ORBAPI_CANCEL)
                with out.lock:
                    out.cancelled.add(bid)
                    out.counts["cancel ok"] += 1
            except Unavailable:
                with out.lock:
                    out.failed_cancels.add(bid)
                    out.counts["cancel unavailable"] += 1
            except Exception as exc:  # noqa: BLE001 — anything else is a finding
                with out.lock:
                    out.unclean.append(f"cancel {bid}: {exc!r}")
            continue
        stations = rnd.sample(STATIONS, 2 if rnd.random() < 0.2 else 1)
        slots = []
        for gs in stations:
            start = T0 + timedelta(minutes=rnd.randrange(0, 240))
            slots.append(SlotRequest(gs, start, start + timedelta(minutes=rnd.randrange(3, 15))))
        before = set(store.attempted)
        try:
            booking, _ = service.book(BookingRequest(norad_id=25544, type="data", slots=slots), me)
            with out.lock:
                out.booked[booking.id] = booking
                out.counts["book ok"] += 1
            mine.append(booking.id)
        except (SlotTaken, Unavailable) as exc:
            kind = "book slot taken" if isinstance(exc, SlotTaken) else "book unavailable"
            mine_now = [i for i in set(store.attempted) - before if store.attempted[i].owner == me.subject]
            with out.lock:
                out.failed_books.append((kind, mine_now[0] if mine_now else None))
                out.counts[kind] += 1
        except Exception as exc:  # noqa: BLE001 — anything else is a finding
            mine_now = [i for i in set(store.attempted) - before if store.attempted[i].owner == me.subject]
            with out.lock:
                out.unclean.append(f"book: {exc!r}")
                out.failed_books.append(("book unclean", mine_now[0] if mine_now else None))


def _reservations(store: DynamoLedgerStore) -> list[dict]:
    rows = []
    for gs in STATIONS:
        rows += query_all(TableName=table_name("ledger"), KeyConditionExpression="pk = :pk AND begins_with(sk, :r)",
                          ExpressionAttributeValues={":pk": value(f"STATION#{gs}"), ":r": value("RES#")},
                          ConsistentRead=True)
    return rows


def _stored_bookings() -> dict[int, Booking]:
    items = client("dynamodb").scan(TableName=table_name("ledger"))["Items"]
    return {int(i["id"]["N"]): Booking.model_validate(deserialize(i)) for i in items
            if i["pk"]["S"].startswith("BOOKING#")}


def check(store: RecordingStore, out: Outcomes) -> dict[str, int]:
    """Every invariant, as a count of violations per kind (all must be 0)."""
    bad: Counter[str] = Counter()
    stored = _stored_bookings()
    rows = _reservations(store)
    by_station: dict[str, list[tuple[datetime, datetime]]] = {}
    live_rows = set()
    for r in rows:
        gs = r["pk"].removeprefix("STATION#")
        start, end = datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"])
        by_station.setdefault(gs, []).append((start, end))
        live_rows.add((r["booking_id"], r["slot_id"]))
        b = stored.get(r["booking_id"])
        slot = next((s for s in b.slots if s.id == r["slot_id"]), None) if b else None
        if b is None or slot is None or slot.status == "Cancelled" or b.status == "Cancelled":
            bad["orphan reservation row"] += 1
    for windows in by_station.values():
        windows.sort()
        bad["overlap"] += sum(1 for (_, e1), (s2, _) in zip(windows, windows[1:], strict=False) if s2 < e1)
    for b in stored.values():
        for s in b.slots:
            held = (b.id, s.id) in live_rows
            if held != (b.status != "Cancelled"):
                bad["partial booking"] += 1
    for bid, booking in out.booked.items():
        got = stored.get(bid)
        if got is None or got.model_copy(update={"status": booking.status, "updated_at": booking.updated_at,
                                                 "slots": booking.slots, "state_msg": booking.state_msg,
                                                 "due_at": booking.due_at}) != booking:
            bad["success not stored"] += 1
    for kind, bid in out.failed_books:
        if bid is not None and bid in stored:
            bad[f"ghost booking ({kind})"] += 1
    for bid in out.cancelled:
        if stored[bid].status != "Cancelled":
            bad["cancel not stored"] += 1
    for bid in out.failed_cancels - out.cancelled:
        if stored[bid].status == "Cancelled":
            bad["ghost cancel"] += 1
    bad["unclean error"] = len(out.unclean)
    return {k: v for k, v in bad.items() if v}


@pytest.fixture
def ledger(monkeypatch) -> Iterator[RecordingStore]:
    # The SDK's backoffs, 100x shorter: the same retry decisions, in test time.
    monkeypatch.setitem(ExponentialBackoff._DEFAULT_BACKOFF_CONFIG, "throttling_base_scale", 0.01)
    monkeypatch.setitem(ExponentialBackoff._SERVICE_BACKOFF_CONFIG, "dynamodb", {"non_throttling_base_scale": 0.001})
    with mock_aws():
        _reset_caches()
        create_resources(client("dynamodb"))
        yield RecordingStore()
    _reset_caches()


CASES = {
    # mode, share of calls, SDK attempts (3 = an HTTP function's configuration; 1 = SDK retries off)
    "throttle 20 %": ("throttle", 0.2, 3),
    "throttle 20 %, SDK retries off": ("throttle", 0.2, 1),
    "timeout after commit 20 % of writes": ("lost", 0.2, 3),
    "transaction conflict 30 %": ("conflict", 0.3, 3),
}
FIGURES: dict[str, dict[str, object]] = {}


@pytest.mark.parametrize("case", list(CASES))
def test_the_ledger_holds_under_injected_faults(case, ledger, monkeypatch, capsys):
    mode, share, attempts = CASES[case]
    if attempts != 3:
        monkeypatch.setattr("shared.aws.sdk_budget", lambda timeout_s: SdkBudget(attempts, 2.0, 4.0))
        _reset_caches()
    faults = FaultInjector(mode, share).install(client("dynamodb"))
    service = LedgerService(ledger, Catalog(), Passes(), clock=lambda: NOW)
    out = Outcomes()
    per_worker = OPERATIONS // WORKERS
    with ThreadPoolExecutor(WORKERS) as pool:
        for f in [pool.submit(_worker, k, service, ledger, out, per_worker) for k in range(WORKERS)]:
            f.result()
    faults.uninstall()

    violations = check(ledger, out)
    tried = per_worker * WORKERS
    FIGURES[case] = {"tried": tried, "held": tried - sum(violations.values()), "faults": sum(faults.injected.values()),
                     **out.counts}
    with capsys.disabled():
        print(f"\n{case}: {FIGURES[case]}")
    assert violations == {}, (violations, out.unclean[:5])
    assert sum(faults.injected.values()) > 0
