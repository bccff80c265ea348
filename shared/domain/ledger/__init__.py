"""ledger capability."""
