"""The board's figures agree with the services they stand in for: the fund as the funding pages count it, and
the chain's head as the audit chain knows it."""
from __future__ import annotations

from decimal import Decimal

from neighbourhood.audit import chain
from neighbourhood.audit.services import head_hash
from neighbourhood.db import utcnow
from neighbourhood.disclosure import services as disclosure
from neighbourhood.projects import services
from tests import factories
from tests.projects.helpers import fund


def _request(session, world, amount: str, title: str):
    project = factories.project(session, world.compound, world.users["council"], title=title)
    entry = factories.four_list_entry(session, world.community, name=f"{title}事项")
    return services.request_funding(session, project=project, by=world.users["council"], amount=Decimal(amount),
                                    year=utcnow().year, list_entry=entry)


def test_the_fund_is_counted_as_the_funding_pages_count_it(session, world):
    year = utcnow().year
    empty = disclosure.board(session, world.compound, year=year).fund
    assert empty == services.fund_status(session, world.community.id, year) and not empty.is_set
    fund(session, world, residents=3250)
    approved = _request(session, world, "12000.50", "路灯")
    services.decide_funding(session, request=approved, by=world.users["station"], approve=True, reason="")
    _request(session, world, "3000.00", "凉亭")
    session.flush()
    shown = disclosure.board(session, world.compound, year=year).fund
    assert shown == services.fund_status(session, world.community.id, year)
    assert (shown.amount, shown.allocated, shown.requested, shown.remaining) == (
        Decimal("148750.00"), Decimal("12000.50"), Decimal("3000.00"), Decimal("136749.50"))


def test_the_head_is_the_chains_head(session, world):
    factories.project(session, world.compound, world.users["council"], title="路灯")
    session.flush()
    head = disclosure.board(session, world.compound, year=utcnow().year).head
    assert head.hash == head_hash(session) and head.seq > 0 and head.occurred_at is not None
    factories.project(session, world.compound, world.users["council"], title="凉亭")
    session.flush()
    moved = disclosure.board(session, world.compound, year=utcnow().year).head
    assert moved.seq > head.seq and moved.hash == head_hash(session) != head.hash


def test_an_empty_chain_shows_the_genesis_hash(app, session):
    community = factories.community(session)
    compound = factories.compound(session, community)
    session.flush()
    head = disclosure.board(session, compound, year=utcnow().year).head
    assert (head.seq, head.hash, head.occurred_at) == (0, chain.GENESIS_HASH, None)
