"""Implementers' bids on a project and the choice between them: an enterprise operator bids (or a council member
records a bid received on paper), the council chooses one with public reasons, or puts the bids to the residents
as a single-choice ballot that chooses the implementer when it closes.

Every change is written to the audit chain in the same transaction. Services flush, never commit."""
from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from neighbourhood.accounts.models import HouseholdMembership, Household, User
from neighbourhood.accounts.permissions import is_council_member
from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.services import notify
from neighbourhood.projects.bid_permissions import is_enterprise_operator
from neighbourhood.projects.models import Bid, BidStatus, ImplementerKind, Project, ProjectStatus
from neighbourhood.projects.services import _council, _money
from neighbourhood.projects.trail import project_url, record as _record
from neighbourhood.voting import methods, services as voting
from neighbourhood.voting.models import (
    Ballot, BallotOption, BallotStatus, ElectorateKind, ResultsVisibility, Secrecy,
)
from neighbourhood.voting.permissions import can_draft_ballots

BIDDER_KINDS = (ImplementerKind.ENTERPRISE, ImplementerKind.OTHER)
# A ballot in these states is the residents' choice under way: no new bids, no withdrawal, no council choice.
VOTING = (BallotStatus.DRAFT, BallotStatus.SCHEDULED, BallotStatus.OPEN)
# Texts the platform writes into the public record (the ballot's title, the choice's reasons) are in the
# platform's language, like the reasons council members type: every reader sees the same words, whoever's
# language the action happened in (or none: a ballot closed by the scheduler).
RECORD_LOCALE = "zh_Hans"


def _ballot_under_way(session: Session, project: Project) -> bool:
    if project.implementer_ballot_id is None:
        return False
    return session.scalar(select(Ballot.status).where(Ballot.id == project.implementer_ballot_id)) in VOTING


def _check_choosing(session: Session, project: Project) -> None:
    """The implementer is still to be chosen from bids: planning, nothing chosen, no residents' vote running."""
    if project.status is not ProjectStatus.PLANNING:
        raise DomainError(_l("Bids are taken while the project is being planned."))
    if project.implementer_chosen_at is not None:
        raise DomainError(_l("The implementer has already been chosen."))
    if _ballot_under_way(session, project):
        raise DomainError(_l("The residents are choosing among these bids by ballot: let the ballot run, or "
                             "cancel it first."))


def submit_bid(session: Session, *, project: Project, by: User, bidder_kind: ImplementerKind, bidder_name: str,
               quote, plan: str) -> Bid:
    """An enterprise operator of the compound bids for their enterprise; a council member records a bid received
    on paper from any implementer. A quote above the budget is taken (and shown as over budget)."""
    _check_choosing(session, project)
    bidder_kind = ImplementerKind(bidder_kind)
    if bidder_kind not in BIDDER_KINDS:
        raise DomainError(_l("A bid comes from a social enterprise or another implementer."))
    council = is_council_member(by, project.compound)
    if not council and not is_enterprise_operator(by, project.compound):
        raise DomainError(_l("Only an enterprise operator of this compound bids, or the council records a bid."))
    if not council and bidder_kind is not ImplementerKind.ENTERPRISE:
        raise DomainError(_l("An enterprise operator bids for their social enterprise."))
    if not bidder_name.strip():
        raise DomainError(_l("Name the bidder."))
    if not plan.strip():
        raise DomainError(_l("Describe the plan: what will be done, how and when."))
    bid = Bid(project_id=project.id, compound_id=project.compound_id, bidder_kind=bidder_kind,
              bidder_name=bidder_name.strip()[:120], quote=_money(quote, what=_l("the quote")), plan=plan.strip(),
              status=BidStatus.SUBMITTED, submitted_by_id=by.id, submitted_at=utcnow())
    session.add(bid)
    session.flush()
    _record(session, project, by, "bid.submitted",
            {"bidder": bid.bidder_name, "kind": str(bid.bidder_kind), "quote": str(bid.quote)}, subject=bid)
    notify(session, recipients=_council(session, project), kind="project.bid", url=project_url(project),
           params={"title": project.title, "bidder": bid.bidder_name}, compound_id=project.compound_id, actor=by)
    return bid


def withdraw_bid(session: Session, *, bid: Bid, by: User) -> None:
    """Whoever submitted a bid, or a council member, withdraws it before a choice."""
    project = bid.project
    if bid.submitted_by_id != by.id and not is_council_member(by, project.compound):
        raise DomainError(_l("Only whoever submitted the bid, or the council, may withdraw it."))
    if bid.status is not BidStatus.SUBMITTED:
        raise DomainError(_l("Only a bid still waiting for a choice can be withdrawn."))
    _check_choosing(session, project)
    bid.status = BidStatus.WITHDRAWN
    _record(session, project, by, "bid.withdrawn", {"bidder": bid.bidder_name}, subject=bid)


def choose_bid(session: Session, *, bid: Bid, by: User, reason: str) -> None:
    """The council chooses the implementer from the bids, with public reasons."""
    project = bid.project
    if not is_council_member(by, project.compound):
        raise DomainError(_l("The council of this compound chooses the implementer."))
    if not reason.strip():
        raise DomainError(_l("Give the reasons for the choice: residents read them."))
    _check_choosing(session, project)
    if bid.status is not BidStatus.SUBMITTED:
        raise DomainError(_l("Only a bid still waiting for a choice can be chosen."))
    _choose(session, bid, by=by, reason=reason.strip(), now=utcnow())


def _choose(session: Session, bid: Bid, *, by: User | None, reason: str, now: datetime) -> None:
    project = bid.project
    others = list(session.scalars(select(Bid).where(Bid.project_id == project.id, Bid.id != bid.id)))
    bid.status = BidStatus.CHOSEN
    for other in others:
        if other.status is BidStatus.SUBMITTED:
            other.status = BidStatus.NOT_CHOSEN
    project.implementer_kind = bid.bidder_kind
    project.implementer_name = bid.bidder_name
    project.implementer_reason = reason
    project.implementer_chosen_at = now
    _record(session, project, by, "bid.chosen",
            {"bidder": bid.bidder_name, "quote": str(bid.quote), "reason": reason}, subject=bid)
    bidders = session.scalars(select(User).where(
        User.id.in_([b.submitted_by_id for b in [bid, *others] if b.submitted_by_id is not None])))
    notify(session, recipients=[*bidders, *_council(session, project)], kind="project.implementer",
           url=project_url(project), params={"title": project.title, "name": bid.bidder_name},
           compound_id=project.compound_id, actor=by)


def put_to_ballot(session: Session, *, project: Project, by: User, closes_at: datetime,
                  opens_at: datetime | None = None) -> Ballot:
    """A draft single-choice ballot of the residents, one option per submitted bid; the convenor schedules or
    opens it on the ballot's own page, and its winner becomes the implementer when it closes."""
    if not can_draft_ballots(by, project.compound):
        raise DomainError(_l("Only the council or the station puts bids to the residents."))
    _check_choosing(session, project)
    bids = list(session.scalars(select(Bid).where(Bid.project_id == project.id, Bid.status == BidStatus.SUBMITTED)
                                .order_by(Bid.submitted_at, Bid.id)))
    if len(bids) < 2:
        raise DomainError(_l("A ballot needs at least two bids to choose between."))
    with force_locale(RECORD_LOCALE):
        title = str(_l("Choose the implementer of “%(title)s”", title=project.title))
        description = str(_l("Each option is a bid: its quote and plan. The bid with the most votes carries out "
                             "the project; on a tie the council chooses."))
    # The voting engine's own defaults for a residents' ballot: secret, results after close.
    data = voting.BallotInput(
        title=title, description=description, method="single", electorate=ElectorateKind.RESIDENTS,
        secrecy=Secrecy.SECRET, results_visibility=ResultsVisibility.AFTER_CLOSE, opens_at=opens_at,
        closes_at=closes_at)
    ballot = voting.draft_ballot(session, compound=project.compound, by=by, data=data)
    for bid in bids:
        option = voting.add_option(session, ballot=ballot, by=by, label=f"{bid.bidder_name[:100]} · ¥{bid.quote}",
                                   description=bid.plan, cost=bid.quote)
        bid.option_id = option.id
    project.implementer_ballot_id = ballot.id
    _record(session, project, by, "bid.to_ballot", {"ballot": ballot.id, "bids": [b.id for b in bids]})
    return ballot


@voting.on_close
def settle_ballot(session: Session, ballot: Ballot, result: methods.Result, now: datetime) -> None:
    """When a project's implementer ballot closes, its single winner becomes the implementer; a tie or no
    winner leaves the choice to the council, who are told."""
    project = session.scalar(select(Project).where(Project.implementer_ballot_id == ballot.id))
    if project is None or project.status is not ProjectStatus.PLANNING or project.implementer_chosen_at:
        return
    keys = {option.id: option.key for option in ballot.options}
    on_ballot = {keys[bid.option_id]: bid for bid in session.scalars(select(Bid).where(
        Bid.project_id == project.id, Bid.status == BidStatus.SUBMITTED, Bid.option_id.in_(list(keys))))}
    winner = on_ballot.get(result.winners[0]) if len(result.winners) == 1 and not result.tie else None
    if winner is None:
        _record(session, project, None, "bid.ballot_undecided", {"ballot": ballot.id})
        notify(session, recipients=_council(session, project), kind="project.implementer_undecided",
               url=project_url(project),
               params={"title": ballot.title}, compound_id=project.compound_id)
        return
    with force_locale(RECORD_LOCALE):
        reason = str(_l("Chosen by the residents' ballot “%(title)s”", title=ballot.title))
    _choose(session, winner, by=None, reason=reason, now=now)


def on_page(session: Session, project: Project) -> list[Bid]:
    """The project's bids in order, in one query with who recorded them and their buildings. Each bid carries
    `submitter` (who submitted or recorded it, ready for public_name) and `ballot_status` (the status of the
    project's implementer ballot when the bid is an option on it, else None)."""
    rows = session.execute(
        select(Bid, User, Ballot.status).outerjoin(User, User.id == Bid.submitted_by_id)
        .outerjoin(BallotOption, BallotOption.id == Bid.option_id)
        .outerjoin(Ballot, (Ballot.id == BallotOption.ballot_id) & (Ballot.id == project.implementer_ballot_id))
        .where(Bid.project_id == project.id).order_by(Bid.submitted_at, Bid.id)
        .options(joinedload(User.memberships).joinedload(HouseholdMembership.household)
                 .joinedload(Household.building))).unique()
    found = []
    for bid, submitter, ballot_status in rows:
        bid.submitter, bid.ballot_status = submitter, ballot_status
        found.append(bid)
    return found
