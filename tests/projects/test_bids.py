"""Implementers' bids through the services: who bids, what a bid needs, withdrawing, the council's choice with
public reasons, and the residents' single-choice ballot that chooses the implementer when it closes."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.models import Notification
from neighbourhood.projects import bids, services
from neighbourhood.projects.models import BidStatus, ImplementerKind, ProjectStatus
from neighbourhood.voting import services as voting
from neighbourhood.voting.models import BallotStatus, Secrecy
from tests import factories
from tests.projects.helpers import project
from tests.voting.helpers import KEYS


@pytest.fixture(autouse=True)
def in_english(app):
    """Refusals are read in English here, so `match=` can name them."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


def bid(session, world, obj, *, by="enterprise", kind=ImplementerKind.ENTERPRISE, name="锦江社区服务社",
        quote="4800.00", plan="两周内安装两盏太阳能路灯，保修一年。"):
    return bids.submit_bid(session, project=obj, by=world.users[by], bidder_kind=kind, bidder_name=name,
                           quote=quote, plan=plan)


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def notified(session, kind: str) -> set[int]:
    return set(session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def two_bids(session, world):
    obj = project(session, world)
    first = bid(session, world, obj)
    second = bid(session, world, obj, by="council", kind=ImplementerKind.OTHER, name="明亮照明公司", quote="5200.00",
                 plan="一周内安装市电路灯。")
    return obj, first, second


# --- submitting ------------------------------------------------------------------------------------------------

def test_an_enterprise_operator_bids_and_the_council_is_told(session, world):
    obj = project(session, world)
    made = bid(session, world, obj)
    assert made.status is BidStatus.SUBMITTED and made.quote == Decimal("4800.00")
    assert made.submitted_by_id == world.users["enterprise"].id and made.compound_id == obj.compound_id
    assert "bid.submitted" in actions(session)
    assert notified(session, "project.bid") == {world.users["council"].id}


def test_a_council_member_records_a_paper_bid_of_any_implementer(session, world):
    obj = project(session, world)
    made = bid(session, world, obj, by="council", kind=ImplementerKind.OTHER, name="王师傅装修队")
    assert made.bidder_kind is ImplementerKind.OTHER and made.submitted_by_id == world.users["council"].id


def test_an_operator_bids_only_for_a_social_enterprise(session, world):
    obj = project(session, world)
    with pytest.raises(DomainError, match="An enterprise operator bids for their social enterprise"):
        bid(session, world, obj, kind=ImplementerKind.OTHER)
    with pytest.raises(DomainError, match="A bid comes from a social enterprise or another implementer"):
        bid(session, world, obj, by="council", kind=ImplementerKind.COUNCIL)


@pytest.mark.parametrize("who", ["resident", "supervisor", "other_council"])
def test_others_do_not_bid(session, world, who):
    obj = project(session, world)
    with pytest.raises(DomainError, match="Only an enterprise operator of this compound bids"):
        bid(session, world, obj, by=who)


@pytest.mark.parametrize("quote, message", [
    ("0", "more than zero"), ("-5", "more than zero"), ("12.345", "at most two decimals"),
    ("abc", "at most two decimals"),
])
def test_a_quote_is_yuan_to_the_fen_and_more_than_zero(session, world, quote, message):
    obj = project(session, world)
    with pytest.raises(DomainError, match=message):
        bid(session, world, obj, quote=quote)


def test_a_bid_needs_a_name_and_a_plan(session, world):
    obj = project(session, world)
    with pytest.raises(DomainError, match="Name the bidder"):
        bid(session, world, obj, name="  ")
    with pytest.raises(DomainError, match="Describe the plan"):
        bid(session, world, obj, plan="")


def test_a_quote_over_the_budget_is_taken(session, world):
    obj = project(session, world, budget=Decimal("3000.00"))
    assert bid(session, world, obj, quote="3500.00").quote > obj.budget


def test_bids_only_while_planning(session, world):
    obj = project(session, world)
    services.start(session, project=obj, by=world.users["council"])
    with pytest.raises(DomainError, match="while the project is being planned"):
        bid(session, world, obj)


# --- withdrawing -------------------------------------------------------------------------------------------------

def test_the_submitter_or_the_council_withdraws(session, world):
    obj, first, second = two_bids(session, world)
    bids.withdraw_bid(session, bid=first, by=world.users["enterprise"])
    bids.withdraw_bid(session, bid=second, by=world.users["council"])
    assert first.status is BidStatus.WITHDRAWN and second.status is BidStatus.WITHDRAWN
    assert actions(session).count("bid.withdrawn") == 2
    with pytest.raises(DomainError, match="Only a bid still waiting"):
        bids.withdraw_bid(session, bid=first, by=world.users["enterprise"])


def test_nobody_else_withdraws(session, world):
    obj, first, second = two_bids(session, world)
    with pytest.raises(DomainError, match="Only whoever submitted the bid, or the council"):
        bids.withdraw_bid(session, bid=first, by=world.users["resident"])
    with pytest.raises(DomainError, match="Only whoever submitted the bid, or the council"):
        bids.withdraw_bid(session, bid=second, by=world.users["enterprise"])


# --- the council's choice ----------------------------------------------------------------------------------------

def test_the_council_chooses_with_public_reasons(session, world):
    obj, first, second = two_bids(session, world)
    bids.choose_bid(session, bid=first, by=world.users["council"], reason="报价更低，且有保修。")
    assert first.status is BidStatus.CHOSEN and second.status is BidStatus.NOT_CHOSEN
    assert (obj.implementer_kind, obj.implementer_name, obj.implementer_reason) == (
        ImplementerKind.ENTERPRISE, "锦江社区服务社", "报价更低，且有保修。")
    assert obj.implementer_chosen_at is not None and "bid.chosen" in actions(session)
    # The bidder who submitted is told; the council member who chose (and recorded the other bid) is not.
    assert notified(session, "project.implementer") == {world.users["enterprise"].id}
    with pytest.raises(DomainError, match="already been chosen"):
        bids.choose_bid(session, bid=second, by=world.users["council"], reason="改选")
    with pytest.raises(DomainError, match="already been chosen"):
        bid(session, world, obj)
    with pytest.raises(DomainError, match="Only a bid still waiting for a choice can be withdrawn"):
        bids.withdraw_bid(session, bid=first, by=world.users["council"])


def test_a_choice_needs_reasons_and_a_council_member(session, world):
    obj, first, _second = two_bids(session, world)
    with pytest.raises(DomainError, match="Give the reasons"):
        bids.choose_bid(session, bid=first, by=world.users["council"], reason=" ")
    for who in ("enterprise", "supervisor", "other_council"):
        with pytest.raises(DomainError, match="The council of this compound chooses"):
            bids.choose_bid(session, bid=first, by=world.users[who], reason="便宜")
    assert obj.implementer_chosen_at is None


def test_a_withdrawn_bid_is_not_chosen(session, world):
    obj, first, _second = two_bids(session, world)
    bids.withdraw_bid(session, bid=first, by=world.users["enterprise"])
    with pytest.raises(DomainError, match="Only a bid still waiting for a choice can be chosen"):
        bids.choose_bid(session, bid=first, by=world.users["council"], reason="便宜")


# --- the residents' ballot ---------------------------------------------------------------------------------------

def test_putting_bids_to_a_ballot_drafts_one_option_per_bid(session, world):
    obj, first, second = two_bids(session, world)
    withdrawn = bid(session, world, obj, name="撤回的投标")
    bids.withdraw_bid(session, bid=withdrawn, by=world.users["enterprise"])
    ballot = bids.put_to_ballot(session, project=obj, by=world.users["council"],
                                closes_at=utcnow() + timedelta(days=5))
    assert ballot.status is BallotStatus.DRAFT and ballot.method == "single" and ballot.secrecy is Secrecy.SECRET
    assert obj.title in ballot.title and obj.implementer_ballot_id == ballot.id
    assert [o.label for o in ballot.options] == ["锦江社区服务社 · ¥4800.00", "明亮照明公司 · ¥5200.00"]
    assert [o.cost for o in ballot.options] == [Decimal("4800.00"), Decimal("5200.00")]
    assert ballot.options[0].description == first.plan
    assert (first.option_id, second.option_id, withdrawn.option_id) == (ballot.options[0].id, ballot.options[1].id,
                                                                         None)
    assert "bid.to_ballot" in actions(session)
    # While the residents choose, nobody bids, withdraws, chooses, or drafts a second ballot.
    with pytest.raises(DomainError, match="let the ballot run"):
        bid(session, world, obj)
    with pytest.raises(DomainError, match="let the ballot run"):
        bids.withdraw_bid(session, bid=first, by=world.users["enterprise"])
    with pytest.raises(DomainError, match="let the ballot run"):
        bids.choose_bid(session, bid=first, by=world.users["council"], reason="便宜")
    with pytest.raises(DomainError, match="let the ballot run"):
        bids.put_to_ballot(session, project=obj, by=world.users["council"], closes_at=utcnow() + timedelta(days=5))


def test_a_ballot_needs_two_bids_and_a_convenor(session, world):
    obj = project(session, world)
    bid(session, world, obj)
    with pytest.raises(DomainError, match="at least two bids"):
        bids.put_to_ballot(session, project=obj, by=world.users["council"], closes_at=utcnow() + timedelta(days=5))
    bid(session, world, obj, name="第二家")
    with pytest.raises(DomainError, match="Only the council or the station"):
        bids.put_to_ballot(session, project=obj, by=world.users["enterprise"],
                           closes_at=utcnow() + timedelta(days=5))
    ballot = bids.put_to_ballot(session, project=obj, by=world.users["station"],
                                closes_at=utcnow() + timedelta(days=5))
    assert ballot.created_by_id == world.users["station"].id


def test_a_cancelled_ballot_gives_the_choice_back_to_the_council(session, world):
    obj, first, _second = two_bids(session, world)
    ballot = bids.put_to_ballot(session, project=obj, by=world.users["council"],
                                closes_at=utcnow() + timedelta(days=5))
    voting.cancel(session, ballot=ballot, by=world.users["council"], reason="改由议事会决定")
    bids.choose_bid(session, bid=first, by=world.users["council"], reason="议事会讨论后选定")
    assert obj.implementer_name == "锦江社区服务社"


def vote_and_close(session, world, obj, choices: dict[str, int]):
    """Open the project's implementer ballot, cast `choices` (voter role → option index), close it on time."""
    council = world.users["council"]
    ballot = bids.put_to_ballot(session, project=obj, by=council, closes_at=utcnow() + timedelta(days=5))
    voting.open_ballot(session, ballot=ballot, by=council)
    for role, index in choices.items():
        voting.cast(session, ballot=ballot, user=world.users[role], choice=ballot.options[index].key, keys=KEYS)
    result = voting.close_ballot(session, ballot=ballot, keys=KEYS, now=ballot.closes_at)
    session.flush()
    return ballot, result


def test_the_ballot_winner_becomes_the_implementer_when_it_closes(session, world):
    obj, first, second = two_bids(session, world)
    ballot, result = vote_and_close(session, world, obj, {"resident": 1, "owner": 1, "supervisor": 0})
    assert result.winners == [ballot.options[1].key]
    assert second.status is BidStatus.CHOSEN and first.status is BidStatus.NOT_CHOSEN
    assert obj.implementer_name == "明亮照明公司" and obj.implementer_kind is ImplementerKind.OTHER
    assert ballot.title in obj.implementer_reason and obj.implementer_chosen_at == ballot.closed_at
    assert world.users["enterprise"].id in notified(session, "project.implementer")
    assert actions(session)[-3:].count("bid.chosen") == 1


def test_a_tie_leaves_the_choice_to_the_council(session, world):
    obj, first, second = two_bids(session, world)
    council_before = notified(session, "project.implementer_undecided")
    ballot, result = vote_and_close(session, world, obj, {"resident": 0, "owner": 1})
    assert result.tie and obj.implementer_chosen_at is None
    assert first.status is BidStatus.SUBMITTED and second.status is BidStatus.SUBMITTED
    assert "bid.ballot_undecided" in actions(session)
    assert world.users["council"].id in notified(session, "project.implementer_undecided") - council_before
    bids.choose_bid(session, bid=first, by=world.users["council"], reason="票数相同，议事会按报价选定")
    assert obj.implementer_name == "锦江社区服务社"


def test_other_ballots_closing_leave_projects_alone(session, world):
    from tests.voting.helpers import opened

    obj, _first, _second = two_bids(session, world)
    ballot = opened(session, world.compound, world.users["council"])
    voting.cast(session, ballot=ballot, user=world.users["owner"], choice="yes", keys=KEYS)
    voting.close_ballot(session, ballot=ballot, keys=KEYS, now=ballot.closes_at)
    assert obj.implementer_chosen_at is None and obj.status is ProjectStatus.PLANNING


def test_on_page_lists_bids_with_who_recorded_them(session, world):
    obj, first, second = two_bids(session, world)
    factories.project(session, world.compound, world.users["council"], title="别的项目")
    shown = bids.on_page(session, obj)
    assert [b.id for b in shown] == [first.id, second.id]
    assert [b.submitter.id for b in shown] == [world.users["enterprise"].id, world.users["council"].id]
    assert [b.ballot_status for b in shown] == [None, None]


def test_the_project_does_not_start_while_the_residents_are_choosing_its_implementer(session, world, in_english):
    obj, _first, _second = two_bids(session, world)
    ballot = bids.put_to_ballot(session, project=obj, by=world.users["council"],
                                closes_at=utcnow() + timedelta(days=5))
    with pytest.raises(DomainError, match="still choosing the implementer"):
        services.start(session, project=obj, by=world.users["council"])
    voting.cancel(session, ballot=ballot, by=world.users["council"], reason="改由议事会选定")
    services.start(session, project=obj, by=world.users["council"])
    assert obj.status is ProjectStatus.UNDER_WAY
