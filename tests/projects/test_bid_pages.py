"""The bids on the project page: an operator's bid (a bad quote comes back with the form filled in), the council's
choice with reasons, the residents' ballot on the bids, and a page whose query count does not grow with bids."""
from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from neighbourhood.db import utcnow
from neighbourhood.projects import bids
from neighbourhood.projects.models import Bid, BidStatus, ImplementerKind
from neighbourhood.voting import services as voting
from neighbourhood.voting.models import Ballot, BallotStatus
from neighbourhood.voting.manage_forms import to_local
from tests import factories
from tests.accounts.helpers import english, text as _text
from tests.projects.helpers import measure
from tests.projects.test_pages import CEILING
from tests.voting.helpers import KEYS


def text(response) -> str:
    return html.unescape(_text(response))


def planning(session, world, **kwargs):
    obj = factories.project(session, world.compound, world.users["council"], **kwargs)
    session.commit()
    return obj


def add_bid(session, world, obj, *, by="enterprise", name="锦江社区服务社", quote="4800.00",
            kind=ImplementerKind.ENTERPRISE, plan="两周内安装两盏太阳能路灯。"):
    made = bids.submit_bid(session, project=obj, by=world.users[by], bidder_kind=kind, bidder_name=name,
                           quote=Decimal(quote), plan=plan)
    session.commit()
    return made


def count_bids(session) -> int:
    return session.scalar(select(func.count(Bid.id)))


def test_an_operator_bids_and_a_bad_quote_keeps_the_form(session, world, client_as):
    obj = planning(session, world, budget=Decimal("3000.00"))
    client = english(client_as("enterprise"))
    page = text(client.get(f"/projects/{obj.id}"))
    assert "Submit a bid" in page and "You bid for your community social enterprise." in page
    # An operator is not offered the kinds only the council records.
    assert 'name="bidder_kind"' not in page

    response = client.post(f"/projects/{obj.id}/bids", data={
        "bidder_name": "锦江社区服务社", "quote": "12.345", "plan": "两周内安装两盏太阳能路灯。"})
    failed = text(response)
    assert response.status_code == 200 and count_bids(session) == 0
    assert "Nothing was saved" in failed and "at most two decimals" in failed
    assert 'value="锦江社区服务社"' in failed and "两周内安装两盏太阳能路灯。" in failed and "<details open>" in failed

    response = client.post(f"/projects/{obj.id}/bids", data={
        "bidder_name": "锦江社区服务社", "quote": "3,500.00", "plan": "两周内安装两盏太阳能路灯。"})
    assert response.status_code == 302
    made = session.scalar(select(Bid))
    assert made.quote == Decimal("3500.00") and made.bidder_kind is ImplementerKind.ENTERPRISE
    page = text(client.get(f"/projects/{obj.id}"))
    assert "锦江社区服务社" in page and "over the budget of ¥3000.00" in page and "Recorded by 刘师傅" in page
    # A forged kind is refused: an operator bids for a social enterprise only.
    forged = client.post(f"/projects/{obj.id}/bids", data={
        "bidder_kind": "other", "bidder_name": "别家", "quote": "100", "plan": "计划"})
    assert forged.status_code == 200 and count_bids(session) == 1


def test_a_resident_reads_bids_but_has_no_forms(session, world, client_as):
    obj = planning(session, world)
    resident = english(client_as("resident"))
    assert 'id="bids"' not in resident.get(f"/projects/{obj.id}").get_data(as_text=True)
    add_bid(session, world, obj)
    page = text(resident.get(f"/projects/{obj.id}"))
    assert 'id="bids"' in page and "锦江社区服务社" in page
    assert "Submit a bid" not in page and "Choose this bid" not in page and "Withdraw the bid" not in page


def test_the_council_chooses_a_bid_with_reasons(session, world, client_as):
    obj = planning(session, world, budget=Decimal("3000.00"))
    cheap = add_bid(session, world, obj, quote="2800.00")
    dear = add_bid(session, world, obj, by="council", name="明亮照明公司", quote="3600.00",
                   kind=ImplementerKind.OTHER)
    client = english(client_as("council"))
    page = text(client.get(f"/projects/{obj.id}"))
    assert "Record a bid" in page and "Let the residents choose by ballot" in page
    assert "This quote is over the budget. The council may still choose it" in page

    response = client.post(f"/projects/{obj.id}/bids/{dear.id}/choose", data={"text": "   "})
    assert response.status_code == 200 and dear.status is BidStatus.SUBMITTED
    assert f'id="form-choose-{dear.id}"' in text(response) and "<details open>" in text(response)

    response = client.post(f"/projects/{obj.id}/bids/{dear.id}/choose", data={"text": "本地施工，工期短。"})
    assert response.status_code == 302
    session.refresh(obj)
    session.refresh(cheap)
    assert obj.implementer_name == "明亮照明公司" and obj.implementer_reason == "本地施工，工期短。"
    assert cheap.status is BidStatus.NOT_CHOSEN
    page = text(client.get(f"/projects/{obj.id}"))
    assert f'id="bid-{dear.id}"' in page and "bid-chosen" in page and "本地施工，工期短。" in page
    assert "Choose this bid" not in page and "Record a bid" not in page


def test_the_council_puts_the_bids_to_the_residents(session, world, client_as):
    obj = planning(session, world)
    first = add_bid(session, world, obj)
    second = add_bid(session, world, obj, by="council", name="明亮照明公司", quote="5200.00",
                     kind=ImplementerKind.OTHER)
    client = english(client_as("council"))
    bad = client.post(f"/projects/{obj.id}/bids/ballot", data={"closes_at": "next week"})
    assert bad.status_code == 200 and "Enter a date and time." in text(bad)
    assert 'value="next week"' in text(bad) and session.scalar(select(func.count(Ballot.id))) == 0

    closes = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    response = client.post(f"/projects/{obj.id}/bids/ballot",
                           data={"closes_at": to_local(closes).strftime("%Y-%m-%dT%H:%M")})
    ballot = session.scalar(select(Ballot))
    assert response.status_code == 302 and response.location.endswith(f"/ballots/{ballot.id}")
    assert ballot.closes_at == closes and len(ballot.options) == 2
    page = text(client.get(f"/projects/{obj.id}"))
    assert "The residents are choosing the implementer from these bids by ballot." in page
    assert "Check the draft ballot" in page and "Choose this bid" not in page and "Record a bid" not in page
    # The draft is not shown to residents; once open, they follow the link.
    assert "See the ballot" not in text(english(client_as("resident")).get(f"/projects/{obj.id}"))

    voting.open_ballot(session, ballot=ballot, by=world.users["council"])
    voting.cast(session, ballot=ballot, user=world.users["owner"], choice=ballot.options[0].key, keys=KEYS)
    session.commit()
    assert "See the ballot" in text(english(client_as("resident")).get(f"/projects/{obj.id}"))
    voting.close_ballot(session, ballot=ballot, keys=KEYS, now=ballot.closes_at)
    session.commit()
    session.refresh(first)
    session.refresh(second)
    assert first.status is BidStatus.CHOSEN and second.status is BidStatus.NOT_CHOSEN
    assert ballot.status is BallotStatus.CLOSED
    page = text(client.get(f"/projects/{obj.id}"))
    assert "The residents chose the implementer by ballot." in page and ballot.title in page


def test_the_submitter_withdraws_a_bid(session, world, client_as):
    obj = planning(session, world)
    made = add_bid(session, world, obj)
    client = english(client_as("enterprise"))
    assert "Withdraw the bid" in text(client.get(f"/projects/{obj.id}"))
    response = client.post(f"/projects/{obj.id}/bids/{made.id}/withdraw")
    assert response.status_code == 302
    session.refresh(made)
    assert made.status is BidStatus.WITHDRAWN
    # A second click (another tab) is told why, and nothing changes.
    again = client.post(f"/projects/{obj.id}/bids/{made.id}/withdraw", follow_redirects=True)
    assert "Only a bid still waiting for a choice can be withdrawn." in text(again)


def test_the_project_page_queries_do_not_grow_with_bids(app, session, world, client_as, count_queries):
    def build(n: int, title: str):
        obj = planning(session, world, title=title)
        for i in range(n):
            add_bid(session, world, obj, name=f"投标{i}")
            add_bid(session, world, obj, by="council", name=f"纸质投标{i}", kind=ImplementerKind.OTHER)
        return obj

    roles = ("resident", "council", "enterprise")
    clients = {role: client_as(role) for role in roles}
    small = build(1, "小项目")
    large = build(8, "大项目")
    before = {role: measure(count_queries, c, f"/projects/{small.id}") for role, c in clients.items()}
    for role, c in clients.items():
        assert before[role] <= CEILING, (role, before[role])
        assert measure(count_queries, c, f"/projects/{large.id}") == before[role], role
    bids.put_to_ballot(session, project=large, by=world.users["council"], closes_at=utcnow() + timedelta(days=5))
    session.commit()
    for role, c in clients.items():
        assert measure(count_queries, c, f"/projects/{large.id}") <= CEILING, role


def test_a_project_with_many_bids_keeps_the_page_budget(session, world, client_as):
    from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

    obj = planning(session, world)
    for i in range(10):
        add_bid(session, world, obj, name=f"投标单位{i}", quote=f"{4000 + 100 * i}.00",
                plan="进场勘察、采购材料、安装调试，两周内完工，保修一年。" * 3)
    for role in ("council", "enterprise", "resident"):
        html_size, total, _page = page_weight(client_as(role), f"/projects/{obj.id}")
        assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET, (role, html_size, total)
