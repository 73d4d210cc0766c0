"""Scheme bindings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domain.kernel.org import ancestor_ids
from domain.schemes.model import SchemeBinding, SchemeCode
from persistence.org.tables import OrgUnitRow
from persistence.schemes.tables import SchemeBindingRow
from persistence.scoping import in_subtree


def _scheme_code(value: str | None) -> SchemeCode | None:
    return SchemeCode(value) if value else None


class SqlSchemeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def bindings_on_path(self, path: str) -> Sequence[SchemeBinding]:
        return self.bindings_on_paths([path])[path]

    def bindings_on_paths(self, paths: Iterable[str]) -> dict[str, Sequence[SchemeBinding]]:
        """Each path's bindings, root first, in one statement for all of them (a batch of
        visits with ticks checks each against its household's scheme)."""
        # Columns, not ORM rows: a visit with ticks reads this on every request.
        chains = {path: ancestor_ids(path) for path in paths}
        if not chains:
            return {}
        rows = {
            org_id: (scheme, overrides)
            for org_id, scheme, overrides in self.session.execute(
                select(
                    SchemeBindingRow.org_id, SchemeBindingRow.scheme, SchemeBindingRow.overrides
                ).where(SchemeBindingRow.org_id.in_({i for ids in chains.values() for i in ids}))
            )
        }
        return {
            path: [
                SchemeBinding.stored(i, _scheme_code(rows[i][0]), rows[i][1] or {})
                for i in ids
                if i in rows
            ]
            for path, ids in chains.items()
        }

    def bound_below(self, path: str) -> Sequence[tuple[int, str, str]]:
        """Id, path and name of each org unit under ``path`` (not itself) with a binding of its
        own: the levels a change here could put at odds with their own figures."""
        rows = self.session.execute(
            select(OrgUnitRow.id, OrgUnitRow.path, OrgUnitRow.name)
            .join(SchemeBindingRow, SchemeBindingRow.org_id == OrgUnitRow.id)
            .where(in_subtree(OrgUnitRow.path, path), OrgUnitRow.path != path)
            .order_by(OrgUnitRow.path)
        )
        return [(i, p, n) for i, p, n in rows]

    def put(self, binding: SchemeBinding, *, at: datetime) -> None:
        row = self.session.get(SchemeBindingRow, binding.org_id)
        if row is None:
            row = SchemeBindingRow(org_id=binding.org_id)
            self.session.add(row)
        row.scheme = binding.scheme.value if binding.scheme else None
        row.overrides = dict(binding.overrides)
        row.updated_at = at
        self.session.flush()

    def remove(self, org_id: int) -> None:
        self.session.execute(delete(SchemeBindingRow).where(SchemeBindingRow.org_id == org_id))
