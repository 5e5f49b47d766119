"""Ballots through the services: rolls frozen at opening, one vote per elector, secrecy modes, receipts,
paper ballots, extensions, the signed count, and the proposal a ballot decides."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import Relation
from neighbourhood.audit.models import AuditEntry
from neighbourhood.audit.services import verify_chain
from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.models import Notification
from neighbourhood.proposals.models import ProposalStatus
from neighbourhood.voting import services
from neighbourhood.voting.integrity import BallotKeys, verify_signature
from neighbourhood.voting.models import (
    BallotStatus, Channel, Elector, ElectorateKind, Participation, ResultsVisibility, Secrecy, Vote,
)
from tests import factories
from tests.voting.helpers import KEYS, ballot_input, draft, opened


@pytest.fixture(autouse=True)
def in_english(app):
    """Refusals are read in English here, so `match=` can name them."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


def cast(session, ballot, user, choice, **kw):
    return services.cast(session, ballot=ballot, user=user, choice=choice, keys=KEYS, **kw)


def counted_votes(session, ballot):
    return session.scalar(select(func.count()).select_from(Vote).where(Vote.ballot_id == ballot.id,
                                                                       Vote.counted.is_(True)))


# --- rolls ---------------------------------------------------------------------------------------------------

def test_residents_roll_holds_verified_adults_only_and_is_frozen_at_opening(app, session, world):
    child = factories.user(session, app.config, display_name="小明")
    factories.membership(session, child, world.household, relation=Relation.FAMILY).minor = True
    factories.membership(session, world.users["unverified"], world.free_household,
                         status=factories.MembershipStatus.PENDING)
    ballot = opened(session, world.compound, world.users["council"])
    keys = set(session.scalars(select(Elector.key).where(Elector.ballot_id == ballot.id)))
    expected = {f"u:{world.users[r].id}" for r in ("resident", "owner", "council", "supervisor")}
    assert keys == expected and ballot.roll_size == 4
    assert len(ballot.roll_hash) == 64

    with pytest.raises(DomainError, match="not on this ballot's roll"):
        cast(session, ballot, child, "yes")
    late = factories.verified_resident(session, app.config, world.compound, display_name="新邻居")
    with pytest.raises(DomainError, match="frozen"):
        cast(session, ballot, late, "yes")
    assert ballot.roll_size == 4


def test_one_vote_per_household_the_first_counts_and_the_others_are_told(app, session, world):
    ballot = opened(session, world.compound, world.users["council"], electorate=ElectorateKind.HOUSEHOLDS)
    assert ballot.roll_size == 1  # only 3栋2单元501 has verified members
    cast(session, ballot, world.users["resident"], "no")
    with pytest.raises(services.AlreadyVoted, match="household has already voted"):
        cast(session, ballot, world.users["owner"], "yes")
    assert counted_votes(session, ballot) == 1
    standing = services.standing_of(session, ballot, world.users["owner"])
    assert standing.participation(standing.electors[0]).user is world.users["resident"]


def test_owners_roll_counts_people_once_with_summed_area_and_the_developer_as_one(app, session, world):
    owner = world.users["owner"]
    parking = factories.household(session, world.building, "", "车位12", area=Decimal("12.00"))
    factories.membership(session, owner, parking)
    unsold = [factories.household(session, world.building, "3", f"60{i}", area=Decimal("100.00"))
              for i in range(3)]
    for unit in unsold:
        unit.developer_held = True
    world.free_household.area = Decimal("77.25")
    ballot = opened(session, world.compound, world.users["station"], method="statutory", statutory_item=8,
                    electorate=ElectorateKind.OWNERS)
    electors = {e.key: e for e in session.scalars(select(Elector).where(Elector.ballot_id == ballot.id))}
    # 501 (owners 王先生, 张老师, 陈姐 share it) + 王先生's parking space: one owner; 502 unclaimed: one owner
    # who votes on paper; the three unsold flats: the developer.
    assert sorted(electors) == sorted([f"h:{world.household.id}", f"h:{world.free_household.id}", "developer"])
    assert electors[f"h:{world.household.id}"].area == Decimal("101.50")
    assert electors["developer"].area == Decimal("300.00") and electors["developer"].unit_count == 3
    assert ballot.roll_size == 3 and ballot.roll_area == Decimal("478.75")


def test_a_statutory_ballot_needs_every_unit_measured(app, session, world):
    world.free_household.area = None
    ballot = draft(session, world.compound, world.users["station"], method="statutory", statutory_item=5,
                   electorate=ElectorateKind.OWNERS)
    with pytest.raises(DomainError, match="no area"):
        services.open_ballot(session, ballot=ballot, by=world.users["station"])
    assert ballot.status is BallotStatus.DRAFT


# --- secrecy and receipts ------------------------------------------------------------------------------------

def test_secret_ballot_keeps_choices_apart_and_a_changed_vote_counts_once(app, session, world):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.SECRET)
    first = cast(session, ballot, world.users["owner"], "no")
    vote = session.scalar(select(Vote).where(Vote.ballot_id == ballot.id))
    elector_id = first.participation.elector_id
    # The vote names nobody; only the app's key ties it to its elector.
    assert vote.elector_id is None and vote.link == KEYS.link(ballot.id, elector_id)
    assert vote.link != BallotKeys.from_secret("another deployment").link(ballot.id, elector_id)
    second = cast(session, ballot, world.users["owner"], "yes")
    assert second.changed and second.receipt != first.receipt
    votes = session.execute(select(Vote.choice, Vote.receipt).where(Vote.ballot_id == ballot.id)).all()
    assert votes == [("yes", second.receipt)]
    [mine] = services.my_receipts(session, world.users["owner"], KEYS)
    assert mine.receipt == second.receipt


def test_anonymous_ballot_refuses_a_change(app, session, world):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.ANONYMOUS)
    cast(session, ballot, world.users["owner"], "no")
    with pytest.raises(services.AlreadyVoted, match="cannot be changed"):
        cast(session, ballot, world.users["owner"], "yes")
    assert session.scalar(select(Vote.choice).where(Vote.ballot_id == ballot.id)) == "no"


def test_public_ballot_names_the_voter_in_the_published_list(app, session, world):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.PUBLIC)
    receipt = cast(session, ballot, world.users["owner"], "yes").receipt
    assert services.counted_ballots(session, ballot) == []  # nothing published before close
    services.close_early(session, ballot=ballot, by=world.users["council"], keys=KEYS)
    [published] = services.counted_ballots(session, ballot)
    assert (published.receipt, published.choice, published.voter) == (receipt, "yes", "3栋2单元501")


def test_secret_ballot_publishes_receipts_without_choices(app, session, world):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.SECRET)
    receipt = cast(session, ballot, world.users["owner"], "yes").receipt
    services.close_early(session, ballot=ballot, by=world.users["council"], keys=KEYS)
    [published] = services.counted_ballots(session, ballot)
    assert (published.receipt, published.choice, published.voter) == (receipt, None, None)


def test_results_stay_hidden_until_close_unless_chosen_live_before_opening(app, session, world):
    hidden = opened(session, world.compound, world.users["council"])
    live = opened(session, world.compound, world.users["council"], results_visibility=ResultsVisibility.LIVE)
    for ballot in (hidden, live):
        cast(session, ballot, world.users["owner"], "yes")
    assert services.live_result(session, hidden) is None
    assert [row.value for row in services.live_result(session, live).rows] == [1, 0, 0]
    assert services.turnout(session, hidden).voted == 1


# --- closing: the signed count ----------------------------------------------------------------------------------

def test_close_counts_signs_and_records_the_result(app, session, world):
    ballot = opened(session, world.compound, world.users["council"])
    for name, choice in (("owner", "yes"), ("resident", "yes"), ("council", "no")):
        cast(session, ballot, world.users[name], choice)
    result = services.close_early(session, ballot=ballot, by=world.users["council"], keys=KEYS)
    assert result.passed is True and [r.value for r in result.rows] == [2, 1, 0]
    assert verify_signature(KEYS.public_key_hex, ballot.result_record, ballot.result_signature)
    assert not verify_signature(KEYS.public_key_hex, ballot.result_record.replace('"yes"', '"no"'),
                                ballot.result_signature)
    assert services.verify_counted(session, ballot)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "ballot.closed"))
    assert entry.data["ballots_hash"] == ballot.ballots_hash and entry.data["roll_hash"] == ballot.roll_hash
    assert verify_chain(session).ok
    with pytest.raises(DomainError, match="not open"):
        cast(session, ballot, world.users["supervisor"], "yes")


def test_a_ballot_called_by_the_council_decides_the_proposal(app, session, world):
    decision = factories.ballot_decision(session, world.compound, world.users["resident"])
    proposal = decision.proposal
    ballot = services.draft_ballot(session, compound=world.compound, by=world.users["council"],
                                   data=ballot_input(), decision=decision)
    services.open_ballot(session, ballot=ballot, by=world.users["council"])
    assert decision.ballot_id == ballot.id and not decision.awaits_ballot
    cast(session, ballot, world.users["owner"], "no")
    services.close_early(session, ballot=ballot, by=world.users["council"], keys=KEYS)
    assert proposal.status is ProposalStatus.REJECTED


# --- statutory rules: paper ballots, voids, extension, no early close ---------------------------------------------

@pytest.fixture
def statutory(session, world):
    world.free_household.area = Decimal("90.00")
    return opened(session, world.compound, world.users["station"], method="statutory", statutory_item=8,
                  electorate=ElectorateKind.OWNERS, secrecy=Secrecy.PUBLIC)


def elector_of(session, ballot, household):
    return session.scalar(select(Elector).where(Elector.ballot_id == ballot.id,
                                                Elector.key == f"h:{household.id}"))


def test_paper_ballot_stands_first_and_the_owner_sees_it(app, session, world, statutory):
    station = world.users["station"]
    elector = elector_of(session, statutory, world.household)
    services.record_paper(session, ballot=statutory, by=station, elector=elector, choice="agree", keys=KEYS)
    with pytest.raises(services.AlreadyVoted, match="paper ballot"):
        cast(session, statutory, world.users["owner"], "disagree")
    with pytest.raises(services.AlreadyVoted, match="first recorded ballot stands"):
        services.record_paper(session, ballot=statutory, by=station, elector=elector, choice="agree", keys=KEYS)
    [mine] = services.my_receipts(session, world.users["owner"], KEYS)
    assert mine.participation.channel is Channel.PAPER and mine.receipt
    notice = session.scalar(select(Notification).where(Notification.kind == "ballot.paper_recorded",
                                                       Notification.user_id == world.users["owner"].id))
    assert notice is not None
    assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc())) != "ballot.voided"


def test_a_voided_paper_ballot_lets_the_owner_vote_online(app, session, world, statutory):
    station = world.users["station"]
    elector = elector_of(session, statutory, world.household)
    paper = services.record_paper(session, ballot=statutory, by=station, elector=elector, choice="agree",
                                  keys=KEYS).participation
    with pytest.raises(DomainError, match="why"):
        services.void(session, ballot=statutory, participation=paper, by=station, reason=" ", keys=KEYS)
    services.void(session, ballot=statutory, participation=paper, by=station, reason="业主本人已网上投票",
                  keys=KEYS)
    cast(session, statutory, world.users["owner"], "disagree")
    assert counted_votes(session, statutory) == 1
    assert session.scalar(select(Vote.choice).where(Vote.ballot_id == statutory.id, Vote.counted.is_(True))) \
        == "disagree"
    assert session.scalar(select(func.count()).select_from(Participation)
                          .where(Participation.ballot_id == statutory.id)) == 2


def test_a_written_proxy_names_its_holder(app, session, world, statutory):
    elector = elector_of(session, statutory, world.free_household)
    with pytest.raises(DomainError, match="proxy"):
        services.record_paper(session, ballot=statutory, by=world.users["station"], elector=elector,
                              choice="agree", keys=KEYS, channel=Channel.PROXY)
    made = services.record_paper(session, ballot=statutory, by=world.users["station"], elector=elector,
                                 choice="agree", keys=KEYS, channel=Channel.PROXY, proxy_name="刘建国")
    assert made.participation.proxy_name == "刘建国"


def test_statutory_ballot_extends_once_and_never_closes_early(app, session, world, statutory):
    station = world.users["station"]
    with pytest.raises(DomainError, match="cannot close early"):
        services.close_early(session, ballot=statutory, by=station, keys=KEYS)
    with pytest.raises(DomainError, match="notice"):
        services.extend(session, ballot=statutory, by=station, until=statutory.closes_at + timedelta(days=3),
                        notice="")
    services.extend(session, ballot=statutory, by=station, until=statutory.closes_at + timedelta(days=3),
                    notice="参与面积未达三分之二，延长三天。")
    with pytest.raises(DomainError, match="only once"):
        services.extend(session, ballot=statutory, by=station, until=statutory.closes_at + timedelta(days=1),
                        notice="再延长")
    assert statutory.original_closes_at is not None
    assert statutory.status is BallotStatus.OPEN


def test_statutory_count_follows_article_278(app, session, world, statutory):
    # 501 (101.50 m² incl. nothing else here: 89.50) agrees online; 502 (90.00) agrees on paper: 2 of 2 owners.
    cast(session, statutory, world.users["owner"], "agree")
    services.record_paper(session, ballot=statutory, by=world.users["station"],
                          elector=elector_of(session, statutory, world.free_household), choice="disagree",
                          keys=KEYS)
    result = services.close_ballot(session, ballot=statutory, keys=KEYS,
                                   now=statutory.closes_at + timedelta(minutes=1))
    assert result.figures["participation_met"] is True
    # item 8 needs 3/4 of participating area and owners: 1 of 2 owners agree → not passed.
    assert result.passed is False


# --- the clock: scheduled opening, closing, reminders ---------------------------------------------------------------

def test_process_due_opens_reminds_once_and_closes(app, session, world):
    now = utcnow()
    ballot = draft(session, world.compound, world.users["council"], opens_at=now + timedelta(hours=1),
                   closes_at=now + timedelta(days=2))
    services.schedule(session, ballot=ballot, by=world.users["council"], now=now)
    assert services.process_due(session, keys=KEYS, now=now) == {}
    assert services.process_due(session, keys=KEYS, now=now + timedelta(hours=2)) == {"opened": 1}
    cast(session, ballot, world.users["owner"], "yes", now=now + timedelta(hours=3))
    day_before = ballot.closes_at - timedelta(hours=20)
    assert services.process_due(session, keys=KEYS, now=day_before) == {"reminded": 1}
    assert services.process_due(session, keys=KEYS, now=day_before) == {}
    reminded = set(session.scalars(select(Notification.user_id).where(Notification.kind == "ballot.reminder")))
    assert world.users["owner"].id not in reminded
    assert world.users["resident"].id in reminded
    assert services.process_due(session, keys=KEYS, now=ballot.closes_at) == {"closed": 1}
    assert ballot.status is BallotStatus.CLOSED and ballot.result["passed"] is True


def test_a_draft_that_cannot_make_a_fair_ballot_is_refused(app, session, world):
    now = utcnow()
    with pytest.raises(DomainError, match="at least an hour"):
        draft(session, world.compound, world.users["council"], closes_at=now + timedelta(minutes=10))
    with pytest.raises(DomainError, match="owners' roll"):
        draft(session, world.compound, world.users["council"], method="statutory", statutory_item=6)
    single = draft(session, world.compound, world.users["council"], method="single", options=["只有一个"])
    with pytest.raises(DomainError):
        services.open_ballot(session, ballot=single, by=world.users["council"])
    assert single.status is BallotStatus.DRAFT


def test_my_data_export_holds_my_receipts_but_no_choice(app, session, world, client_as):
    import json

    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.SECRET)
    receipt = cast(session, ballot, world.users["owner"], "yes").receipt
    session.commit()
    document = json.loads(client_as("owner").get("/me/export").get_data(as_text=True))
    assert [(b["ballot_id"], b["receipt"], b["channel"]) for b in document["ballots"]] \
        == [(ballot.id, receipt, "online")]
    assert '"yes"' not in json.dumps(document["ballots"])


def test_the_proposal_page_links_to_the_ballot_that_decides_it(app, session, world, client_as, count_queries):
    decision = factories.ballot_decision(session, world.compound, world.users["resident"], title="加装智能充电桩")
    proposal = decision.proposal
    ballot = services.draft_ballot(session, compound=world.compound, by=world.users["council"],
                                   data=ballot_input(), decision=decision)
    session.commit()
    client = client_as("owner")
    assert f"/ballots/{ballot.id}" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    services.open_ballot(session, ballot=ballot, by=world.users["council"])
    session.commit()
    with count_queries() as queries:
        page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/ballots/{ballot.id}" in page and len(queries) <= 12
