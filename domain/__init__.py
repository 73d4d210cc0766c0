"""Lianhu's rules as plain Python: no web framework, no ORM, testable without a database."""
