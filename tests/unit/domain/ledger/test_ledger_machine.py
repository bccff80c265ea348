"""The ledger's stateful model (tests/support/ledger_machine.py) on the in-memory store, with many examples."""

from shared.adapters.memory.ledger import MemoryLedgerStore
from tests.support.ledger_machine import machine_test

TestLedgerInMemory = machine_test(lambda: (MemoryLedgerStore(), lambda: None), max_examples=300, steps=25)
