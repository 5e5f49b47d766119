"""`flask seed-demo` leaves the demo compound with three ballots a visitor can look at and take part in: an open
residents' ballot on the council's decision, a closed participatory budget whose signed result verifies, and an
open statutory owners' ballot with online, paper and proxy ballots."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import User
from neighbourhood.audit import services as audit
from neighbourhood.audit.models import AuditEntry
from neighbourhood.council.models import Decision
from neighbourhood.db import utcnow
from neighbourhood.demo import DEMO_ACCOUNTS
from neighbourhood.demo_voting import BUDGET_PROJECTS, PAPER_PHOTO_SUBJECT
from neighbourhood.media.models import Photo
from neighbourhood.places.models import Compound, Household
from neighbourhood.proposals.models import ProposalStatus
from neighbourhood.voting import methods, services
from neighbourhood.voting.integrity import BallotKeys, verify_signature
from neighbourhood.voting.models import (
    Ballot, BallotStatus, Channel, ElectorateKind, Participation, ResultsVisibility, Secrecy,
)


@pytest.fixture
def seeded(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    compound = session.scalar(select(Compound).order_by(Compound.id).limit(1))
    ballots = {b.method: b for b in session.scalars(select(Ballot).where(Ballot.compound_id == compound.id))}
    return compound, ballots


def _user(session, role: str) -> User:
    return session.scalar(select(User).where(User.phone == DEMO_ACCOUNTS[role].phone))


def _keys(app) -> BallotKeys:
    return BallotKeys.from_secret(app.config["SECRET_KEY"])


def test_the_demo_has_three_ballots_and_its_audit_chain_verifies(session, seeded):
    _, ballots = seeded
    assert set(ballots) == {"yes_no", "budget", "statutory"}
    assert session.scalar(select(func.count(Ballot.id))) == 3
    assert audit.verify_chain(session).ok
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"ballot.drafted", "ballot.opened", "ballot.closed", "ballot.paper_recorded"} <= actions


def test_open_residents_ballot_decides_the_councils_to_ballot_decision(app, session, seeded):
    compound, ballots = seeded
    ballot = ballots["yes_no"]
    assert ballot.status is BallotStatus.OPEN
    assert ballot.electorate is ElectorateKind.HOUSEHOLDS
    assert ballot.secrecy is Secrecy.SECRET and ballot.results_visibility is ResultsVisibility.AFTER_CLOSE
    assert not ballot.results_public and services.live_result(session, ballot) is None
    assert timedelta(days=4, hours=23) < ballot.closes_at - utcnow() <= timedelta(days=5)
    decision = session.get(Decision, ballot.decision_id)
    assert decision.ballot_id == ballot.id and decision.proposal_id == ballot.proposal_id
    assert decision.proposal.status is ProposalStatus.TO_BALLOT
    assert decision.proposal.title in ballot.title
    assert services.decisions_awaiting_ballot(session, compound) == []
    turnout = services.turnout(session, ballot)
    assert ballot.roll_size >= 20 and 0.4 <= turnout.voted / turnout.roll_size <= 0.7
    # The demo's resident and owner have not voted yet: a visitor can.
    for role in ("resident", "owner"):
        standing = services.standing_of(session, ballot, _user(session, role))
        assert standing.on_roll and standing.waiting


def test_closed_participatory_budget_has_winners_and_a_signed_result_that_verifies(app, session, seeded):
    _, ballots = seeded
    ballot = ballots["budget"]
    assert ballot.status is BallotStatus.CLOSED and ballot.closed_at < utcnow() - timedelta(days=1)
    assert ballot.budget == Decimal("100000")
    assert 5 <= len(ballot.options) <= 6 and all(o.cost and o.cost > 0 for o in ballot.options)
    assert [o.label for o in ballot.options] == [p.label for p in BUDGET_PROJECTS]
    result = methods.Result.from_json(ballot.result)
    assert result.turnout >= 15 and result.turnout == services.turnout(session, ballot).voted
    cost = {o.key: o.cost for o in ballot.options}
    assert 2 <= len(result.winners) < len(ballot.options)
    assert sum(cost[key] for key in result.winners) == Decimal(result.figures["spent"]) <= ballot.budget
    # The winners say something: a project with more votes than a funded one no longer fitted the money left.
    votes = {row.key: row.value for row in result.rows}
    skipped = [key for key in cost if key not in result.winners and votes[key] > min(votes[w] for w in result.winners)]
    assert skipped and all(cost[key] > ballot.budget - Decimal(result.figures["spent"]) for key in skipped)

    keys = _keys(app)
    assert verify_signature(keys.public_key_hex, ballot.result_record, ballot.result_signature)
    assert not verify_signature(keys.public_key_hex, ballot.result_record.replace('"counted"', '"Counted"'),
                                ballot.result_signature)
    assert services.verify_counted(session, ballot)
    published = services.counted_ballots(session, ballot)
    assert len(published) == result.turnout and all(p.choice is None for p in published)  # secret
    # The demo's resident finds their receipt counted.
    [mine] = [r for r in services.my_receipts(session, _user(session, "resident"), keys) if r.ballot.id == ballot.id]
    assert mine.counted is True and mine.receipt in {p.receipt for p in published}


def test_open_statutory_ballot_counts_online_paper_and_proxy_ballots_under_two_thirds(app, session, seeded):
    compound, ballots = seeded
    ballot = ballots["statutory"]
    assert ballot.status is BallotStatus.OPEN and ballot.is_statutory
    assert ballot.statutory_item in (5, 8) and ballot.electorate is ElectorateKind.OWNERS
    assert session.scalar(select(func.count(Household.id)).where(
        Household.compound_id == compound.id, Household.area.is_(None))) == 0
    developer_units = session.scalar(select(func.count(Household.id)).where(
        Household.compound_id == compound.id, Household.developer_held.is_(True)))
    assert developer_units >= 2
    # All the developer's unsold flats are one owner on the frozen roll.
    households = session.scalar(select(func.count(Household.id)).where(Household.compound_id == compound.id))
    assert ballot.roll_size == households - developer_units + 1
    assert ballot.roll_hash and len(ballot.roll_hash) == 64

    standing = list(session.scalars(select(Participation).where(Participation.ballot_id == ballot.id,
                                                                Participation.voided_at.is_(None))))
    channels = [p.channel for p in standing]
    assert channels.count(Channel.PAPER) == 1 and channels.count(Channel.PROXY) == 1
    assert channels.count(Channel.ONLINE) >= 8
    proxy = next(p for p in standing if p.channel is Channel.PROXY)
    assert proxy.proxy_name and proxy.elector.key == "developer"
    for recorded in (p for p in standing if p.channel is not Channel.ONLINE):
        assert recorded.recorded_by is not None and recorded.user_id is None
        photos = session.scalar(select(func.count(Photo.id)).where(Photo.subject_type == PAPER_PHOTO_SUBJECT,
                                                                   Photo.subject_id == recorded.id))
        assert photos == 1

    turnout = services.turnout(session, ballot)
    by_head, by_area = Fraction(turnout.voted, turnout.roll_size), Fraction(turnout.voted_area / turnout.roll_area)
    assert Fraction(1, 6) <= by_head < Fraction(2, 3) and Fraction(1, 6) <= by_area < Fraction(2, 3)
    assert not ballot.results_public
    # The demo's owner is on the roll and has not voted: a visitor can.
    owner = services.standing_of(session, ballot, _user(session, "owner"))
    assert owner.on_roll and owner.waiting


def test_the_open_ballots_close_on_time_with_a_valid_signed_count(app, session, seeded):
    """What the demo shows after its closing times have passed: both open ballots count and verify."""
    _, ballots = seeded
    keys = _keys(app)
    later = max(ballots["yes_no"].closes_at, ballots["statutory"].closes_at) + timedelta(minutes=1)
    done = services.process_due(session, keys=keys, now=later)
    session.commit()
    assert done.get("closed") == 2
    for ballot in (ballots["yes_no"], ballots["statutory"]):
        assert ballot.is_closed and services.verify_counted(session, ballot)
        assert verify_signature(keys.public_key_hex, ballot.result_record, ballot.result_signature)
    statutory = methods.Result.from_json(ballots["statutory"].result)
    assert statutory.figures["participation_met"] is False and statutory.passed is False
    assert audit.verify_chain(session).ok


def test_a_demo_visitor_reads_the_ballots_votes_and_finds_their_receipts(app, session, client, seeded):
    from neighbourhood.demo import DEMO_PASSWORD

    compound, ballots = seeded
    owner = DEMO_ACCOUNTS["owner"]
    assert client.post("/login", data={"phone": owner.phone, "password": DEMO_PASSWORD}).status_code == 302
    listing = client.get(f"/ballots/?compound={compound.id}").get_data(as_text=True)
    assert all(ballot.title in listing for ballot in ballots.values())
    for ballot in ballots.values():
        page = client.get(f"/ballots/{ballot.id}")
        assert page.status_code == 200 and ballot.title in page.get_data(as_text=True)
    budget = client.get(f"/ballots/{ballots['budget'].id}").get_data(as_text=True)
    assert all(project.label in budget for project in BUDGET_PROJECTS) and 'id="result-record"' in budget
    statutory = client.get(f"/ballots/{ballots['statutory'].id}").get_data(as_text=True)
    assert 'name="choice" value="agree"' in statutory and 'id="statutory-bars"' in statutory

    answer = client.post(f"/ballots/{ballots['statutory'].id}/vote", data={"choice": "agree"})
    assert answer.status_code == 302
    receipts = client.get("/me/receipts").get_data(as_text=True)
    assert ballots["statutory"].title in receipts and ballots["budget"].title in receipts
