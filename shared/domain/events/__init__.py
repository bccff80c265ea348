"""Domain events: what changed, for whom, stored with the change (outbox) and published after it."""
