"""The public card's plumbing: its unit of work (the registers and the cards) and the headers
every answer to a card token carries."""

from __future__ import annotations

from fastapi import Request, Response

from persistence.disclosure.store import SqlDisclosureUnitOfWork


def card_uow(request: Request) -> SqlDisclosureUnitOfWork:
    return SqlDisclosureUnitOfWork(
        request.app.state.session_factory,
        request_id=getattr(request.state, "request_id", None),
    )


def no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
