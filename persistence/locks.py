"""One writer at a time, for the few writes whose rule reads what a concurrent one could be
changing (a tree move re-checking for a cycle, a daily limit counted before an insert, a roster
published after its staleness check)."""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session


class Lock(IntEnum):
    """The first key of PostgreSQL's two-key advisory locks: what is serialized."""

    ORG_TREE = 1  # creating or moving org units: their paths
    PUBLISHING = 2  # publishing rosters
    CARD_REPORTS = 3  # a household's reports through its contact card, per household
    CARD_ISSUES = 4  # a household's issues raised through its contact card, per household
    CARD_SERVICE_ORDERS = 6  # a household's service orders placed through its card, per household


def serialize(session: Session, lock: Lock, key: int = 0) -> None:
    """Wait until no other transaction holds ``lock`` on ``key``, and hold it until this one
    ends. Call it before reading what the rule is judged on. PostgreSQL: a transaction-scoped
    advisory lock. SQLite: the database's single write lock, taken by a write that matches no
    row (SQLite has one writer at a time; reads made after it see every commit before it)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(int(lock), key)))
    else:
        connection.execute(text("UPDATE org_units SET id = id WHERE 0"))
