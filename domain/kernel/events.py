"""Domain events: what happened, said once by the service that made it happen.

An event is a frozen dataclass naming the org path it concerns, the actor and the time. The
unit of work collects the events of a transaction, writes each to the outbox in that same
transaction (a platform never hears of a change that rolled back, and never misses one that
committed) and, once committed, hands them to the handlers subscribed here. Reactions (the
audit trail, later points, notifications, webhooks) subscribe to events; a service never calls
another feature to tell it something happened.

Two moments to react:
- ``in_transaction``: inside the transaction, before the commit, for what must be as complete
  as the change itself (the audit trail); a failure there undoes the change. The handler gets
  the transaction's events of its type together (500 visits of a group commit: one insert).
- ``after_commit``: once the change is committed; a failure there is logged and changes nothing
  (the change stands).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeAlias, TypeVar

if TYPE_CHECKING:
    from domain.kernel.unit_of_work import UnitOfWork

log = logging.getLogger("lianhu.events")

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened to one record (``entity`` ``entity_id``), or to an area.

    ``version`` is the record's version after the change (``None``: the unit of work reads it
    from the record when it writes the event). ``left_path``: the org path the record left
    (moved to another village): for the subtree it left, the change is a removal."""

    entity: ClassVar[str]  # the record's kind, as the audit log and the change feed name it
    action: ClassVar[str]  # what happened to it: an audit action code (create, update …)
    tombstone: ClassVar[bool] = False  # the record is gone (deleted): only its id remains

    org_path: str | None
    actor: str
    at: datetime
    entity_id: int | str | None = None
    version: int | None = None
    left_path: str | None = None
    request_id: str | None = None  # the request that caused it (None: the unit of work's)

    def record_kind(self) -> str:
        """The record's kind (``entity``), where an event names it by a field instead."""
        return self.entity

    @classmethod
    def type_name(cls) -> str:
        """The event's stable name in the outbox and the change feed (``HouseholdMoved``)."""
        return cls.__name__

    def payload(self) -> dict[str, JsonValue]:
        """The event's own fields as JSON (the base fields are the outbox row's columns).
        Made once per event: the outbox and the audit trail both read it (a group commit of 500
        visits would otherwise turn each visit into JSON twice)."""
        made = self.__dict__.get("_payload")
        if made is None:
            made = {name: plain(getattr(self, name)) for name in _own_fields(type(self))}
            object.__setattr__(self, "_payload", made)  # a cache, not a field: still frozen
        return made


_BASE_FIELDS = frozenset(f.name for f in dataclasses.fields(Event))


_OWN_FIELDS: dict[type, tuple[str, ...]] = {}
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _own_fields(event_type: type[Event]) -> tuple[str, ...]:
    names = _OWN_FIELDS.get(event_type)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(event_type) if f.name not in _BASE_FIELDS)
        _OWN_FIELDS[event_type] = names
    return names


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: object) -> JsonValue:
    """A JSON-ready copy of a domain value: dataclasses as objects, enums as their codes, times
    in ISO 8601, sets sorted. Each type is looked at once, then converted by its own function
    (``_converter``): a sweep turns tens of thousands of issues' changes into JSON."""
    kind = type(value)
    if kind in _SCALARS:  # most values: answered before any slower test
        return value  # type: ignore[return-value]
    convert = _CONVERTERS.get(kind)
    if convert is None:
        convert = _CONVERTERS[kind] = _converter(kind)
    return convert(value)


_CONVERTERS: dict[type, Callable[[Any], JsonValue]] = {}


def _converter(kind: type) -> Callable[[Any], JsonValue]:
    if hasattr(kind, "__dataclass_fields__") and not issubclass(kind, type):
        names = _field_names(kind)
        return lambda v: {name: plain(getattr(v, name)) for name in names}
    if issubclass(kind, Enum):
        return lambda v: plain(v._value_)
    if issubclass(kind, datetime | date):
        return lambda v: v.isoformat()
    if issubclass(kind, frozenset | set):
        return _sorted
    if issubclass(kind, tuple | list):
        return lambda v: [plain(x) for x in v]
    if issubclass(kind, Mapping):
        return lambda v: {str(k): plain(x) for k, x in v.items()}
    if issubclass(kind, str | int | float | bool):  # a subclass of a scalar
        return lambda v: v
    return str


def _sorted(value: Any) -> JsonValue:
    items = [plain(v) for v in value]
    try:
        return sorted(items)  # type: ignore[type-var]
    except TypeError:  # of mixed types: in the order of their text
        return sorted(items, key=str)


E = TypeVar("E", bound=Event)
Tx = TypeVar("Tx")


class Handlers(Generic[Tx]):
    """Who reacts to which event. A handler subscribed to a class receives its subclasses'
    events too (``Event``: every event)."""

    def __init__(self) -> None:
        self._within: list[tuple[type[Event], Callable[[Sequence[Event], Tx], None]]] = []
        self._after: list[tuple[type[Event], Callable[[Event], None]]] = []

    def in_transaction(
        self, event_type: type[E]
    ) -> Callable[[Callable[[Sequence[E], Tx], None]], Callable[[Sequence[E], Tx], None]]:
        def subscribe(
            handler: Callable[[Sequence[E], Tx], None],
        ) -> Callable[[Sequence[E], Tx], None]:
            self._within.append((event_type, handler))  # type: ignore[arg-type]
            return handler

        return subscribe

    def after_commit(
        self, event_type: type[E]
    ) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
        def subscribe(handler: Callable[[E], None]) -> Callable[[E], None]:
            self._after.append((event_type, handler))  # type: ignore[arg-type]
            return handler

        return subscribe

    def unsubscribe(self, handler: object) -> None:
        self._within = [(t, h) for t, h in self._within if h is not handler]
        self._after = [(t, h) for t, h in self._after if h is not handler]

    def run_in_transaction(self, events: Sequence[Event], tx: Tx) -> None:
        """Run inside the transaction; an error propagates and the transaction rolls back."""
        for event_type, handler in self._within:
            mine = [e for e in events if isinstance(e, event_type)]
            if mine:
                handler(mine, tx)

    def run_after_commit(self, events: Iterable[Event]) -> None:
        """Run once committed; an error is logged, the others still run."""
        for event in events:
            for event_type, handler in self._after:
                if isinstance(event, event_type):
                    try:
                        handler(event)
                    except Exception:
                        log.exception(
                            "handler %s failed on %s", handler.__name__, event.type_name()
                        )


# The one registry: features subscribe at import (domain.audit.trail: the audit log).
handlers: Handlers[UnitOfWork] = Handlers()


@dataclass(frozen=True, kw_only=True)
class Change(Event):
    """A record created, changed or deleted. ``before``/``after``: the record (a domain object
    or a plain mapping) as it was and as it is; ``household_id``: the household the record
    belongs to, by which an ordinary member's narrower view (their own households) is cut."""

    before: object | None = None
    after: object | None = None
    household_id: int | None = None
