"""What service orders do when other things happen.

An org unit moved (``OrgUnitMoved``): the orders of its subtree keep their places by path (a
grid's list is a range scan): they follow it in the move's own transaction (as the issues do,
domain.issues.handlers)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.kernel.events import handlers
from domain.kernel.unit_of_work import UnitOfWork
from domain.org.events import OrgUnitMoved


@handlers.in_transaction(OrgUnitMoved)
def follow_org_moves(events: Sequence[OrgUnitMoved], uow: UnitOfWork) -> None:
    for moved in events:
        if moved.left_path and moved.org_path and moved.left_path != moved.org_path:
            uow.service_orders.follow_move(moved.left_path, moved.org_path)
