"""Micro-project verbs: set the community's fund, turn an adopted proposal into a project, ask the station for
money, keep the ledger (two people for every yuan spent), object and settle objections, complete and accept.

Every change is written to the audit chain in the same transaction. Services flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from neighbourhood.accounts.models import IllegalTransition, User
from neighbourhood.accounts.permissions import is_council_member
from neighbourhood.audit import services as audit
from neighbourhood.council.models import Decision
from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Community
from neighbourhood.projects import evaluation, rules
from neighbourhood.projects.trail import project_url, record as _record
from neighbourhood.projects.models import (
    CommunityFund, EntryKind, EntryStatus, FundingSource, FundRequest, FundRequestStatus, ImplementerKind,
    LedgerEntry, Milestone, Objection, ObjectionStatus, Project, ProjectStatus,
)
from neighbourhood.proposals.models import Proposal, ProposalStatus
from neighbourhood.station.models import FourListEntry
from neighbourhood.voting.models import Ballot, BallotStatus


CLOSED = (ProjectStatus.CANCELLED, ProjectStatus.ACCEPTED)


def _check_open(project: Project) -> None:
    if project.status in CLOSED:
        raise DomainError(_l("This project is closed."))


def _money(amount, *, what) -> Decimal:
    try:
        value = rules.fen(amount)
    except (TypeError, ValueError, ArithmeticError):
        raise DomainError(_l("Give %(what)s in yuan, with at most two decimals.", what=what)) from None
    if value <= 0:
        raise DomainError(_l("Give %(what)s in yuan, more than zero.", what=what))
    return value


# --- the community's fund --------------------------------------------------------------------------------------

def set_fund(session: Session, *, community: Community, year: int, community_type, residents: int,
             by: User) -> CommunityFund:
    """Station staff set the type and resident count; the amount follows the formula."""
    try:
        amount = rules.annual_fund(community_type, residents)
    except ValueError:
        raise DomainError(_l("Give the number of residents as a whole number.")) from None
    granted = fund_status(session, community.id, year).allocated
    if amount < granted:
        raise DomainError(_l("The fund cannot be set below the %(granted)s yuan the station has already granted "
                             "this year.", granted=granted))
    fund = session.scalar(select(CommunityFund).where(CommunityFund.community_id == community.id,
                                                      CommunityFund.year == year))
    if fund is None:
        fund = CommunityFund(community_id=community.id, year=year)
        session.add(fund)
    fund.community_type = rules.CommunityType(community_type)
    fund.residents = residents
    fund.amount = amount
    fund.set_by_id = by.id
    fund.set_at = utcnow()
    session.flush()
    audit.record(session, actor=by, action="fund.set", subject=fund, community_id=community.id,
                 data={"year": year, "type": str(fund.community_type), "residents": residents,
                       "amount": str(amount)})
    return fund


@dataclass
class FundStatus:
    year: int
    amount: Decimal            # the year's fund (0 when not set)
    allocated: Decimal         # approved requests
    requested: Decimal         # requests waiting for the station
    is_set: bool

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.allocated


def fund_status(session: Session, community_id: int, year: int) -> FundStatus:
    fund = session.scalar(select(CommunityFund).where(CommunityFund.community_id == community_id,
                                                      CommunityFund.year == year))
    sums = dict(session.execute(
        select(FundRequest.status, func.coalesce(func.sum(FundRequest.amount), 0))
        .where(FundRequest.community_id == community_id, FundRequest.year == year)
        .group_by(FundRequest.status)).all())
    return FundStatus(year=year, amount=fund.amount if fund else Decimal("0.00"),
                      allocated=Decimal(sums.get(FundRequestStatus.APPROVED, 0)).quantize(rules.FEN),
                      requested=Decimal(sums.get(FundRequestStatus.REQUESTED, 0)).quantize(rules.FEN),
                      is_set=fund is not None)


# --- projects ----------------------------------------------------------------------------------------------------

@dataclass
class ProjectInput:
    lead: User
    budget: Decimal
    funding_source: FundingSource
    planned_start: date
    planned_end: date
    implementer_kind: ImplementerKind = ImplementerKind.COUNCIL
    implementer_name: str = ""
    implementer_reason: str = ""


def adoption_of(session: Session, proposal: Proposal) -> tuple[Decision | None, Ballot | None]:
    """What adopted the proposal: the council's standing "adopt" decision, or the passed ballot it called."""
    decision = session.scalar(select(Decision).where(
        Decision.proposal_id == proposal.id, Decision.outcome == ProposalStatus.ADOPTED,
        Decision.returned_at.is_(None)).order_by(Decision.id.desc()).limit(1))
    ballot = session.scalar(select(Ballot).where(
        Ballot.proposal_id == proposal.id, Ballot.status == BallotStatus.CLOSED).order_by(Ballot.id.desc()).limit(1))
    if ballot is not None and not (ballot.result or {}).get("passed"):
        ballot = None
    return decision, ballot


def project_for_proposal(session: Session, proposal: Proposal) -> Project | None:
    """The micro-project carrying out an adopted proposal (no query for a proposal not adopted)."""
    if proposal.status is not ProposalStatus.ADOPTED:
        return None
    return session.scalar(select(Project).where(Project.proposal_id == proposal.id))


def adopted_without_project(session: Session, compound_id: int) -> list[Proposal]:
    taken = select(Project.proposal_id).where(Project.proposal_id.is_not(None))
    return list(session.scalars(select(Proposal).where(
        Proposal.compound_id == compound_id, Proposal.status == ProposalStatus.ADOPTED,
        Proposal.id.not_in(taken)).order_by(Proposal.decided_at)))


def create_project(session: Session, *, proposal: Proposal, by: User, data: ProjectInput) -> Project:
    """An adopted proposal becomes a micro-project, led by a council member of its compound."""
    if proposal.status is not ProposalStatus.ADOPTED:
        raise DomainError(_l("Only an adopted proposal becomes a project."))
    if session.scalar(select(Project.id).where(Project.proposal_id == proposal.id)) is not None:
        raise DomainError(_l("This proposal already has its project."))
    decision, ballot = adoption_of(session, proposal)
    if decision is None and ballot is None:
        raise DomainError(_l("Neither a council decision nor a passed ballot adopted this proposal."))
    _check_plan(proposal.compound, data)
    project = Project(
        compound_id=proposal.compound_id, community_id=proposal.community_id, proposal_id=proposal.id,
        decision_id=decision.id if decision else None, ballot_id=ballot.id if ballot else None,
        title=proposal.title, description=proposal.body, category=proposal.category, lead_id=data.lead.id,
        budget=_money(data.budget, what=_l("the budget")), funding_source=data.funding_source,
        planned_start=data.planned_start, planned_end=data.planned_end,
        implementer_kind=data.implementer_kind, implementer_name=data.implementer_name.strip(),
        implementer_reason=data.implementer_reason.strip(), created_by_id=by.id)
    session.add(project)
    session.flush()
    _record(session, project, by, "project.created",
            {"proposal": proposal.id, "budget": str(project.budget), "source": str(project.funding_source)})
    return project


def _check_plan(compound, data: ProjectInput) -> None:
    if not is_council_member(data.lead, compound):
        raise DomainError(_l("The lead must be a council member of this compound."))
    if data.planned_end < data.planned_start:
        raise DomainError(_l("The planned end comes after the planned start."))
    if data.implementer_kind is not ImplementerKind.COUNCIL and not data.implementer_name.strip():
        raise DomainError(_l("Name the implementer."))


def _move(project: Project, move, **kwargs) -> None:
    try:
        move(**kwargs)
    except IllegalTransition as error:
        raise DomainError(_l("This project has changed since the page was loaded: reload it and try again.")) \
            from error


def start(session: Session, *, project: Project, by: User) -> None:
    if project.implementer_ballot_id is not None and session.scalar(
            select(Ballot.status).where(Ballot.id == project.implementer_ballot_id)) in (
            BallotStatus.DRAFT, BallotStatus.SCHEDULED, BallotStatus.OPEN):
        raise DomainError(_l("The residents are still choosing the implementer by ballot: start once it closes."))
    _move(project, project.start, at=utcnow())
    _record(session, project, by, "project.started")


def add_milestone(session: Session, *, project: Project, by: User, title: str, progress_percent: int,
                  reached_on: date, note: str = "") -> Milestone:
    if project.status is not ProjectStatus.UNDER_WAY:
        raise DomainError(_l("Milestones are recorded while the project is under way."))
    if not title.strip():
        raise DomainError(_l("Name the milestone."))
    if not 0 <= progress_percent <= 100:
        raise DomainError(_l("Progress is a share between 0 and 100 per cent."))
    milestone = Milestone(project_id=project.id, compound_id=project.compound_id, title=title.strip()[:120],
                          note=note.strip(), progress_percent=progress_percent, reached_on=reached_on,
                          recorded_by_id=by.id)
    session.add(milestone)
    project.progress_percent = max(project.progress_percent, progress_percent)
    session.flush()
    _record(session, project, by, "project.milestone", {"title": milestone.title, "progress": progress_percent},
            subject=milestone)
    return milestone


def complete(session: Session, *, project: Project, by: User) -> None:
    _move(project, project.complete, at=utcnow())
    _record(session, project, by, "project.completed")
    notify(session, recipients=_supervisors(session, project), kind="project.completed", url=project_url(project),
           params={"title": project.title}, compound_id=project.compound_id, actor=by)


def accept(session: Session, *, project: Project, by: User, note: str) -> None:
    """The supervisors' acceptance (验收): never signed by the project's own lead."""
    if by.id == project.lead_id:
        raise DomainError(_l("The project's lead cannot accept their own project."))
    if paused(session, project):
        raise DomainError(_l("An objection stands on this project: settle it before acceptance."))
    if not note.strip():
        raise DomainError(_l("Write what was checked at acceptance."))
    now = utcnow()
    _move(project, project.accept, by=by, at=now, note=note)
    evaluation.open_rating(session, project=project, now=now)
    _record(session, project, by, "project.accepted",
            {"note": project.acceptance_note, "rating_closes_at": project.rating_closes_at.isoformat()})


def _supervisors(session: Session, project: Project) -> list[User]:
    from neighbourhood.council.services import roles_on

    return roles_on(session, project.compound, utcnow().date())[1]


# --- funding -----------------------------------------------------------------------------------------------------

def request_funding(session: Session, *, project: Project, by: User, amount, year: int,
                    list_entry: FourListEntry) -> FundRequest:
    """Ask the station for money from the community's fund. A negative-list matter is stopped here, with the
    station's own words for why."""
    _check_open(project)
    if list_entry.community_id != project.community_id or not list_entry.active:
        raise DomainError(_l("Choose one of this community's listed matters."))
    if list_entry.is_negative:
        raise DomainError(_l("“%(name)s” is on the community's negative list, so the fund cannot pay for it. "
                             "%(why)s", name=list_entry.name, why=list_entry.description))
    if project.funding_source is not FundingSource.COMMUNITY_FUND:
        raise DomainError(_l("This project is not funded from the community's fund."))
    amount = _money(amount, what=_l("the amount"))
    if session.scalar(select(FundRequest.id).where(FundRequest.project_id == project.id,
                                                   FundRequest.status == FundRequestStatus.REQUESTED)):
        raise DomainError(_l("A request for this project is already waiting for the station."))
    granted = session.scalar(select(func.coalesce(func.sum(FundRequest.amount), 0)).where(
        FundRequest.project_id == project.id, FundRequest.status == FundRequestStatus.APPROVED))
    if Decimal(granted) + amount > project.budget:
        raise DomainError(_l("The project's funding would exceed its budget of %(budget)s yuan.",
                             budget=project.budget))
    status = fund_status(session, project.community_id, year)
    if not status.is_set:
        raise DomainError(_l("The station has not set the community's fund for %(year)s yet.", year=year))
    if amount > status.remaining - status.requested:
        raise DomainError(_l("The fund has %(left)s yuan left that is not already requested.",
                             left=status.remaining - status.requested))
    request = FundRequest(project_id=project.id, compound_id=project.compound_id,
                          community_id=project.community_id, year=year, amount=amount,
                          list_entry_id=list_entry.id, requested_by_id=by.id)
    session.add(request)
    session.flush()
    _record(session, project, by, "fund.requested", {"amount": str(amount), "year": year,
                                                     "matter": list_entry.name}, subject=request)
    return request


def decide_funding(session: Session, *, request: FundRequest, by: User, approve: bool, reason: str) -> None:
    """The station approves (the money becomes the project's income) or returns the request with reasons."""
    if request.status is not FundRequestStatus.REQUESTED:
        raise DomainError(_l("This request was already decided."))
    if not approve and not reason.strip():
        raise DomainError(_l("Give the reasons for returning the request: the council reads them."))
    if approve:
        _check_open(request.project)
        status = fund_status(session, request.community_id, request.year)
        if request.amount > status.remaining:
            raise DomainError(_l("The fund has only %(left)s yuan left.", left=status.remaining))
    try:
        request.decide(approve=approve, by=by, at=utcnow(), reason=reason)
    except IllegalTransition as error:
        raise DomainError(_l("This request was already decided.")) from error
    project = request.project
    if approve:
        session.add(LedgerEntry(
            project_id=project.id, compound_id=project.compound_id, community_id=project.community_id,
            kind=EntryKind.INCOME, amount=request.amount, occurred_on=utcnow().date(),
            counterparty=session.get(Community, request.community_id).name, purpose="",
            fund_request_id=request.id, status=EntryStatus.APPROVED,
            entered_by_id=by.id, decided_by_id=by.id, decided_at=utcnow()))
    _record(session, project, by, "fund.approved" if approve else "fund.returned",
            {"amount": str(request.amount), "reason": request.reason}, subject=request)
    notify(session, recipients=[project.lead], kind="project.funding", url=project_url(project),
           params={"title": project.title, "approved": approve}, compound_id=project.compound_id, actor=by)


# --- the ledger ---------------------------------------------------------------------------------------------------

@dataclass
class EntryInput:
    kind: EntryKind
    amount: Decimal
    occurred_on: date
    counterparty: str
    counterparty_is_person: bool
    purpose: str


def add_entry(session: Session, *, project: Project, by: User, data: EntryInput) -> LedgerEntry:
    """A council member enters income (it counts at once) or spending (it counts once a supervisor approves)."""
    if project.status in CLOSED:
        raise DomainError(_l("This project's ledger is closed."))
    if not data.counterparty.strip() or not data.purpose.strip():
        raise DomainError(_l("Name the counterparty and the purpose."))
    amount = _money(data.amount, what=_l("the amount"))
    spending = data.kind is EntryKind.SPENDING
    entry = LedgerEntry(project_id=project.id, compound_id=project.compound_id, community_id=project.community_id,
                        kind=data.kind, amount=amount, occurred_on=data.occurred_on,
                        counterparty=data.counterparty.strip()[:120],
                        counterparty_is_person=data.counterparty_is_person, purpose=data.purpose.strip()[:200],
                        status=EntryStatus.PENDING if spending else EntryStatus.APPROVED, entered_by_id=by.id)
    session.add(entry)
    session.flush()
    _record(session, project, by, "ledger.entered",
            {"kind": str(entry.kind), "amount": str(amount), "counterparty": entry.counterparty,
             "purpose": entry.purpose}, subject=entry)
    if spending:
        notify(session, recipients=_supervisors(session, project), kind="ledger.pending", url=project_url(project),
               params={"title": project.title, "amount": str(amount)}, compound_id=project.compound_id, actor=by)
    return entry


def decide_entry(session: Session, *, entry: LedgerEntry, by: User, approve: bool, reason: str = "") -> None:
    """A supervisor approves or rejects spending — never their own entry, and no approval while an objection
    pauses the project."""
    if by.id == entry.entered_by_id:
        raise DomainError(_l("Whoever entered the spending cannot approve it: another supervisor must."))
    if approve and paused(session, entry.project):
        raise DomainError(_l("An objection pauses spending on this project until it is settled."))
    if not approve and not reason.strip():
        raise DomainError(_l("Say why the spending is rejected."))
    try:
        entry.decide(approve=approve, by=by, at=utcnow(), reason=reason)
    except IllegalTransition as error:
        raise DomainError(_l("This entry was already decided.")) from error
    _record(session, entry.project, by, "ledger.approved" if approve else "ledger.rejected",
            {"amount": str(entry.amount), "reason": entry.reject_reason}, subject=entry)


@dataclass
class Balance:
    income: Decimal
    spent: Decimal
    pending: Decimal

    @property
    def balance(self) -> Decimal:
        return self.income - self.spent

    def add(self, kind: EntryKind, status: EntryStatus, amount: Decimal) -> None:
        if status is EntryStatus.REJECTED:
            return
        if status is EntryStatus.PENDING:
            self.pending += amount
        elif kind is EntryKind.INCOME:
            self.income += amount
        else:
            self.spent += amount


def _zero() -> Balance:
    return Balance(Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


def balance_of(entries: list[LedgerEntry]) -> Balance:
    """One project's balance from its entries already loaded (the project page has them all)."""
    balance = _zero()
    for entry in entries:
        balance.add(entry.kind, entry.status, Decimal(entry.amount).quantize(rules.FEN))
    return balance


def balances(session: Session, project_ids: list[int]) -> dict[int, Balance]:
    """Approved income and spending and spending waiting for approval, per project, in one query."""
    found = {pid: _zero() for pid in project_ids}
    if not project_ids:
        return found
    rows = session.execute(
        select(LedgerEntry.project_id, LedgerEntry.kind, LedgerEntry.status,
               func.coalesce(func.sum(LedgerEntry.amount), 0))
        .where(LedgerEntry.project_id.in_(project_ids), LedgerEntry.status != EntryStatus.REJECTED)
        .group_by(LedgerEntry.project_id, LedgerEntry.kind, LedgerEntry.status))
    for project_id, kind, status, total in rows:
        found[project_id].add(kind, status, Decimal(total).quantize(rules.FEN))
    return found


def shown_purpose(entry: LedgerEntry) -> str:
    """What an entry was for, in the reader's language where the platform wrote it (a funding grant)."""
    if entry.fund_request_id is not None:
        return str(_l("Micro-project fund granted by the station"))
    return entry.purpose


def shown_counterparty(entry: LedgerEntry, *, may_see_names: bool) -> str:
    """Residents see a private individual masked (王**); the council, supervisors and station see the name."""
    if entry.counterparty_is_person and not may_see_names:
        return rules.mask_person(entry.counterparty)
    return entry.counterparty


# --- objections ----------------------------------------------------------------------------------------------------

def paused(session: Session, project: Project) -> bool:
    return session.scalar(select(Objection.id).where(
        Objection.project_id == project.id,
        Objection.status.in_([ObjectionStatus.OPEN, ObjectionStatus.ANSWERED])).limit(1)) is not None


def object_to(session: Session, *, project: Project, by: User, body: str) -> Objection:
    if not body.strip():
        raise DomainError(_l("Say what you object to."))
    _check_open(project)
    objection = Objection(project_id=project.id, compound_id=project.compound_id, raised_by_id=by.id,
                          body=body.strip())
    session.add(objection)
    session.flush()
    _record(session, project, by, "objection.raised", {"body": objection.body}, subject=objection)
    council = _council(session, project)
    notify(session, recipients=council, kind="project.objection", url=project_url(project),
           params={"title": project.title}, compound_id=project.compound_id, actor=by)
    return objection


def _council(session: Session, project: Project) -> list[User]:
    from neighbourhood.council.services import roles_on

    return roles_on(session, project.compound, utcnow().date())[0]


def answer_objection(session: Session, *, objection: Objection, by: User, text: str) -> None:
    if not text.strip():
        raise DomainError(_l("Write the council's answer."))
    try:
        objection.answer_with(text=text, by=by, at=utcnow())
    except IllegalTransition as error:
        raise DomainError(_l("This objection was already answered.")) from error
    _record(session, objection.project, by, "objection.answered", {"answer": objection.answer}, subject=objection)
    notify(session, recipients=[objection.raised_by], kind="project.objection_answered",
           url=project_url(objection.project), params={"title": objection.project.title},
           compound_id=objection.compound_id, actor=by)


def accept_answer(session: Session, *, objection: Objection, by: User) -> None:
    try:
        objection.accept_answer(by=by, at=utcnow())
    except IllegalTransition as error:
        raise DomainError(_l("Only an answered objection can be settled by accepting its answer.")) from error
    _record(session, objection.project, by, "objection.accepted", subject=objection)


def rule_on(session: Session, *, objection: Objection, by: User, text: str) -> None:
    """The station settles an objection the council and supervisors cannot."""
    if not text.strip():
        raise DomainError(_l("Write the station's ruling."))
    try:
        objection.rule(text=text, by=by, at=utcnow())
    except IllegalTransition as error:
        raise DomainError(_l("This objection is already settled.")) from error
    _record(session, objection.project, by, "objection.ruled", {"ruling": objection.ruling}, subject=objection)
