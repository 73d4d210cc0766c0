"""Who did something, by name: lists show the person (报告人 张建国), not the login name.

An actor is ``user:<username>``, ``card:<household id>`` (a household through its contact card),
``key:<prefix>`` (a platform's API key) or ``cli:<username>``. A user's name is their display
name, else the name of the member their account is linked to, else the username."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persistence.accounts.tables import ApiKeyRow, UserRow
from persistence.registers.tables import MemberRow

# A user's display name, else their linked member's (NULL for neither: the username is shown);
# over users outer-joined to their member.
SHOWN_NAME = func.coalesce(func.nullif(func.trim(UserRow.display_name), ""), MemberRow.name)


def user_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """The shown name of each username found (one query)."""
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    rows = session.execute(
        select(UserRow.username, SHOWN_NAME)
        .outerjoin(MemberRow, MemberRow.id == UserRow.member_id)
        .where(UserRow.username.in_(wanted))
    )
    return {username: name or username for username, name in rows}


def actor_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """The name of each actor as a list shows it: a user's name, 农户（联心卡）, 接口 <key name>;
    an actor of a kind not known here is given as it is."""
    actors = set(actors)
    users = {a: a.split(":", 1)[1] for a in actors if a.startswith(("user:", "cli:"))}
    names = user_names(session, users.values())
    prefixes = [a.split(":", 1)[1] for a in actors if a.startswith("key:")]
    keys = (
        dict(
            session.execute(
                select(ApiKeyRow.prefix, ApiKeyRow.name).where(ApiKeyRow.prefix.in_(prefixes))
            ).all()
        )
        if prefixes
        else {}
    )
    out: dict[str, str] = {}
    for actor in actors:
        kind, _, rest = actor.partition(":")
        if actor in users:
            out[actor] = names.get(rest, rest)
        elif kind == "card":
            out[actor] = "农户（联心卡）"
        elif kind == "key":
            out[actor] = f"接口 {keys.get(rest, rest)}"
        else:
            out[actor] = actor
    return out


def actor_name(session: Session, actor: str) -> str:
    return actor_names(session, [actor])[actor]
