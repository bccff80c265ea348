"""The SSA backend (seed 002): errors ``{"detail", "status_code"}``, validation 422 lists."""
