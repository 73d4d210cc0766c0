"""The event base and the handler registry (domain.kernel.events), without a database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from domain.kernel.events import Change, Event, Handlers
from domain.registers.events import HouseholdMoved, MemberCreated, MemberDeleted
from domain.registers.household import Household

AT = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def moved() -> HouseholdMoved:
    household = Household(
        id=7, org_id=3, head_name="赵一", categories=frozenset({"wubao", "dibao"})
    )
    return HouseholdMoved(
        actor="user:county",
        at=AT,
        org_path="/1/2/3/",
        left_path="/1/4/5/",
        entity_id=7,
        household_id=7,
        after=household,
    )


def test_an_event_names_its_type_record_and_action() -> None:
    event = moved()
    assert (event.type_name(), event.record_kind(), event.action) == (
        "HouseholdMoved",
        "household",
        "update",
    )
    assert not event.tombstone and MemberDeleted.tombstone


def test_the_payload_is_json_of_the_events_own_fields_not_the_outbox_columns() -> None:
    payload = moved().payload()
    assert set(payload) == {"before", "after", "household_id"}
    after = payload["after"]
    assert isinstance(after, dict)
    assert after["head_name"] == "赵一" and after["categories"] == ["dibao", "wubao"]


def test_a_handler_of_a_base_class_hears_every_subclass_in_one_batch() -> None:
    registry: Handlers[None] = Handlers()
    batches: list[list[str]] = []

    @registry.in_transaction(Change)
    def every(events: Sequence[Change], _tx: None) -> None:
        batches.append([e.type_name() for e in events])

    @registry.in_transaction(MemberCreated)
    def members(events: Sequence[MemberCreated], _tx: None) -> None:
        batches.append([f"member {e.entity_id}" for e in events])

    created = MemberCreated(actor="x", at=AT, org_path="/1/", entity_id=1)
    registry.run_in_transaction([created, moved()], None)
    assert batches == [["MemberCreated", "HouseholdMoved"], ["member 1"]]


def test_a_failing_after_commit_handler_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry: Handlers[None] = Handlers()
    heard: list[Event] = []

    @registry.after_commit(Event)
    def broken(event: Event) -> None:
        raise RuntimeError("the SMS gateway is down")

    @registry.after_commit(Event)
    def listening(event: Event) -> None:
        heard.append(event)

    registry.run_after_commit([moved()])
    assert [e.type_name() for e in heard] == ["HouseholdMoved"]
    assert "handler broken failed on HouseholdMoved" in caplog.text
    registry.unsubscribe(listening)
    registry.run_after_commit([moved()])
    assert len(heard) == 1
