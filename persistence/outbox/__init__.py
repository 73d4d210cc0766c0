"""The outbox: every domain event, written in the transaction of its change (append-only)."""
