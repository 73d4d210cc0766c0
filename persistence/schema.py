"""The whole schema: every feature's tables on the one ``MetaData`` of ``persistence.base``.

Whatever needs all tables at once (Alembic, the tests that empty a database) imports ``metadata``
from here, so a feature's tables are known as soon as its module is listed in ``FEATURE_TABLES``."""

from __future__ import annotations

import importlib

from persistence.base import metadata

__all__ = ["FEATURE_TABLES", "metadata"]

# One line per feature: adding a feature's tables is adding its module here.
FEATURE_TABLES = (
    "org",
    "registers",
    "schemes",
    "accounts",
    "assignment",
    "disclosure",
    "visits",
    "must_attend",
    "photos",
    "issue_drafts",
    "issues",
    "service_orders",
    "meetings",
    "policies",
    "audit",
    "outbox",
)

for _feature in FEATURE_TABLES:
    importlib.import_module(f"persistence.{_feature}.tables")

# Ids are never reused. SQLite gives a new row the largest rowid + 1, so the id of the newest
# row, once deleted, went to the next one (a deleted household's id given to a new household:
# an integrator's mirror merged the two); AUTOINCREMENT keeps the largest id ever given
# (sqlite_sequence). PostgreSQL's sequences never go back. Every table keyed by an integer id
# (an id the API shows) is so marked, a table added later too; migration 0012 rebuilt them.
for _table in metadata.tables.values():
    if [c.name for c in _table.primary_key.columns] == ["id"]:
        _table.dialect_options["sqlite"]["autoincrement"] = True
