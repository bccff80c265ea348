"""A function that changes reservations, files or jobs writes their events into the outbox in the same
transaction, so it must be allowed to write the events table: in AWS a missing grant fails the whole write."""

from __future__ import annotations

from shared.resources import FUNCTIONS

PRODUCERS = ("ledger", "files", "jobs")


def test_every_function_writing_a_producer_table_may_write_the_outbox() -> None:
    writers = [spec for spec in FUNCTIONS if any(spec.tables.get(key) == "write" for key in PRODUCERS)]
    assert {spec.name for spec in writers} >= {"file_events", "jobs_worker", "orbapi_bookings", "ledger_lifecycle"}
    missing = [spec.name for spec in writers if spec.tables.get("events") != "write"]
    assert missing == [], f"these functions write ledger/files/jobs without an events grant: {missing}"
