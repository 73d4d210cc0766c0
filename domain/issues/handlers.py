"""What the issue flow does when other things happen.

An org unit moved (``OrgUnitMoved``): its subtree's paths change, and the issues whose matter
lives there, or which are handled there, keep their places by path (the inbox lists a subtree
by range): they follow it in the move's own transaction, so no inbox ever misses them."""

from __future__ import annotations

from collections.abc import Sequence

from domain.kernel.events import handlers
from domain.kernel.unit_of_work import UnitOfWork
from domain.org.events import OrgUnitMoved


@handlers.in_transaction(OrgUnitMoved)
def follow_org_moves(events: Sequence[OrgUnitMoved], uow: UnitOfWork) -> None:
    for moved in events:
        if moved.left_path and moved.org_path and moved.left_path != moved.org_path:
            uow.issues.follow_move(moved.left_path, moved.org_path)
