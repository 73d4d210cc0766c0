"""The unit of work's batch mode (offline sync): a unit that fails undoes only its own writes;
on PostgreSQL the batch is one transaction, so a batch that fails as a whole writes nothing."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from persistence.unit_of_work import SqlAlchemyUnitOfWork


def categories(app: FastAPI) -> set[str]:
    with SqlAlchemyUnitOfWork(app.state.session_factory) as uow:
        return set(uow.households.known_categories())


def test_a_failed_unit_in_a_batch_undoes_only_its_own_writes(app: FastAPI) -> None:
    uow = SqlAlchemyUnitOfWork(app.state.session_factory)
    with uow.batch():
        with uow:
            uow.households.add_category("kept_one", "保留一")
            uow.commit()
        with pytest.raises(RuntimeError), uow:
            uow.households.add_category("undone", "撤销")  # written, then the unit fails
            raise RuntimeError("a rule refused it")
        with uow:
            uow.households.add_category("never_committed", "未提交")  # no commit: undone
        with uow:
            uow.households.add_category("kept_two", "保留二")
            uow.commit()
    assert {"kept_one", "kept_two"} <= categories(app)
    assert not {"undone", "never_committed"} & categories(app)


def test_a_batch_that_fails_as_a_whole_writes_nothing(app: FastAPI) -> None:
    if app.state.engine.dialect.name == "sqlite":
        pytest.skip("on SQLite a batch is a sequence of transactions (see SqlAlchemyUnitOfWork)")
    uow = SqlAlchemyUnitOfWork(app.state.session_factory)
    with pytest.raises(RuntimeError), uow.batch():
        with uow:
            uow.households.add_category("lost", "丢失")
            uow.commit()
        raise RuntimeError("the connection dropped before the commit")
    assert "lost" not in categories(app)


def test_stores_are_built_on_first_use_on_the_session_of_their_unit(app: FastAPI) -> None:
    """A use case pays only for the stores it asks for, and a store never outlives its unit's
    session (the next ``with uow:`` has a session, and stores, of its own)."""
    uow = SqlAlchemyUnitOfWork(app.state.session_factory)
    with uow:
        assert not [k for k in vars(uow) if k.startswith("_store_")]
        first = uow.households
        assert uow.households is first
        assert first.session is uow.session
    with uow:
        assert uow.households is not first
        assert uow.households.session is uow.session
