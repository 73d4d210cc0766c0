"""An issue's events: one per timeline entry, on the record kind ``issue``, at the place of the
matter, carrying no personal field beyond what a visit's events carry."""

from __future__ import annotations

import json
from dataclasses import replace

from domain.audit.model import AuditAction
from domain.audit.trail import entry_of
from domain.issues.events import (
    EVENT_OF,
    IssueChange,
    IssueEscalated,
    IssueRaised,
    IssueRated,
    IssueReopened,
    changes,
)
from domain.issues.model import Issue, IssueAction, Rating
from domain.kernel.events import JsonValue, plain
from domain.registers.masking import mask_snapshot
from tests.unit.issue_world import (
    COUNTY_CADRE,
    GRID,
    HOUSEHOLD_ID,
    TIMETABLE,
    VILLAGE_CADRE,
    fed_back,
    in_progress,
    later,
    raised,
    rated,
)


def replace_id(issue: Issue, issue_id: int) -> Issue:
    """The issue as the store gives it back (with its id)."""
    return replace(issue, id=issue_id)


def test_every_action_has_its_event_on_the_issue_record_kind() -> None:
    assert set(EVENT_OF) == set(IssueAction)
    assert len(set(EVENT_OF.values())) == len(IssueAction)
    for event_type in EVENT_OF.values():
        assert issubclass(event_type, IssueChange) and event_type.entity == "issue"
        AuditAction(event_type.action)  # the audit trail knows its action


def test_raising_is_one_creation_at_the_place_of_the_matter() -> None:
    issue = replace_id(raised(), 42)
    (event,) = changes(None, issue)
    assert isinstance(event, IssueRaised) and event.action == AuditAction.CREATE
    assert (event.entity_id, event.org_path, event.household_id) == (42, GRID.path, HOUSEHOLD_ID)
    assert (event.actor, event.at, event.before) == ("card:7", issue.raised_at, None)
    assert event.entry == issue.timeline[0]


def test_each_transition_is_one_event_with_its_entry_actor_and_time() -> None:
    before = replace_id(in_progress(), 42)
    after = before.escalate(reason="需乡镇协调", by=VILLAGE_CADRE, at=later(5), timetable=TIMETABLE)
    (event,) = changes(before, after)
    assert isinstance(event, IssueEscalated) and event.action == AuditAction.UPDATE
    assert (event.actor, event.at, event.entry) == ("user:village", later(5), after.timeline[-1])
    payload = event.payload()
    assert isinstance(payload["before"], dict) and isinstance(payload["after"], dict)
    assert payload["before"]["handler"] != payload["after"]["handler"]
    assert "timeline" not in payload["after"]  # the entries are the timeline


def test_a_dissatisfied_rating_is_two_events_rated_and_reopened() -> None:
    before = replace_id(fed_back(), 42)
    after = rated(Rating.DISSATISFIED, before, at=later(6), reason="没修好")
    assert [type(e) for e in changes(before, after)] == [IssueRated, IssueReopened]


def _keys(value: JsonValue) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_issue_events_carry_nothing_the_masking_would_hide() -> None:
    """PIPL, minimum necessary: the household by id only, as a visit's events; no phone,
    address, location or category of the household (domain/registers/masking.py)."""
    before = replace_id(fed_back(), 42)
    after = rated(Rating.DISSATISFIED, before, at=later(6), reason="没修好")
    for event in (*changes(None, before), *changes(before, after)):
        payload = event.payload()
        json.dumps(payload)
        assert mask_snapshot(payload) == payload
        assert not _keys(payload) & {"phone", "address", "location", "lat", "lng", "categories"}


def test_the_audit_trail_writes_an_issue_event_as_any_change() -> None:
    before = replace_id(in_progress(), 42)
    after = before.urge(by=COUNTY_CADRE, at=later(5))
    (event,) = changes(before, after)
    entry = entry_of(event)
    assert (entry.entity, entry.entity_id, entry.action) == ("issue", "42", AuditAction.UPDATE)


def test_an_events_payload_is_the_generic_one_with_shared_snapshots_made_once() -> None:
    """The sweep writes thousands of events: the two of one action (rated, reopened) make
    their shared before and after JSON once, and say exactly what ``Event.payload`` says."""
    before = replace_id(fed_back(), 42)
    after = rated(Rating.DISSATISFIED, before, at=later(6), reason="没修好")
    first, second = changes(before, after)
    for event in (first, second):
        generic = {
            name: plain(getattr(event, name))
            for name in ("before", "after", "household_id", "entry")
        }
        assert event.payload() == generic
    assert first.payload()["after"] is second.payload()["after"]
