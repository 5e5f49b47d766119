"""The demo compound's micro-projects, one in every stage, each built through the services so its audit chain,
notifications and rules are real, then dated back so its public timeline reads in order:

- 四点半课堂 under way: station funding, milestones, receipts, a settled objection, spending waiting for approval;
- 监控补盲 in planning: three bids (one from the community social enterprise), the council's reasoned choice, and
  the funding request waiting for the station;
- 健身器材更换 completed on the compound's common-part income, waiting for the supervisors' acceptance (验收);
- 楼道扶手（一期） accepted, the residents' rating window open and mostly 4–5 stars;
- 绿化补种 accepted, rated below 3.0 when its window closed: a rectification the council has reported on;
- the supervisory committee's oversight report.

The demo's resident and owner have not rated the open project, so a visitor can."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus, User
from neighbourhood.accounts.permissions import is_council_member
from neighbourhood.council import services as council
from neighbourhood.db import utcnow
from neighbourhood.demo_project_content import (
    CLASSROOM_MILESTONES, CLASSROOM_SPENDING, MEETING, PROJECTS, PROPOSED_BEFORE_MEETING, REPORT_BODY,
    DemoProject, Spending,
)
from neighbourhood.demo_voting import signed_form_jpeg
from neighbourhood.media.images import clean_photo
from neighbourhood.media.services import attach_photos
from neighbourhood.places.models import Community, Compound
from neighbourhood.projects import bids as bidding, evaluation, reports, services as projects
from neighbourhood.projects.models import (
    EntryKind, FundingSource, FundRequest, ImplementerKind, LedgerEntry, Project, Rectification,
)
from neighbourhood.projects.rules import CommunityType
from neighbourhood.proposals import services as proposals
from neighbourhood.proposals.models import Comment, Proposal, ProposalStatus
from neighbourhood.station.models import FourListEntry, ListKind

# Residents of 玉林社区 as the station counts them for the fund.
COMMUNITY_RESIDENTS = 12_800
CLASSROOM_BEGAN_DAYS_AGO = 45
QUARTERS = "一二三四"


@dataclass
class _Seeder:
    """What every step of the demo's projects needs: who acts, where, and the moment the demo is seeded."""

    session: Session
    config: dict
    community: Community
    compound: Compound
    users: dict[str, User]
    today: date
    now: datetime
    rng: random.Random

    @property
    def council(self) -> User:
        return self.users["council"]

    @property
    def supervisor(self) -> User:
        return self.users["supervisor"]

    @property
    def staff(self) -> User:
        return self.users["station"]

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def at(self, days_ago: int, hour: int) -> datetime:
        """A moment of the compound's working day (Chengdu time), days ago, as the naive UTC the app stores."""
        return self.local(self.day(days_ago), hour)

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        zone = ZoneInfo(self.config["BABEL_DEFAULT_TIMEZONE"])
        return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)

    def photo(self, subject_type: str, subject_id: int) -> None:
        attach_photos(self.session, upload_dir=self.config["UPLOAD_DIR"],
                      cleaned=[clean_photo(signed_form_jpeg(self.rng))], subject_type=subject_type,
                      subject_id=subject_id, compound_id=self.compound.id, uploader=self.council)

    def matter(self) -> FourListEntry:
        return self.session.scalar(select(FourListEntry).where(
            FourListEntry.community_id == self.community.id, FourListEntry.kind == ListKind.SELF_GOVERNANCE,
            FourListEntry.name == "民生微项目的提出和实施"))

    def fund(self, project: Project, amount: Decimal, *, requested_days_ago: int,
             decided_days_ago: int | None) -> FundRequest:
        """Ask the station for the money; the station approves it when `decided_days_ago` is given."""
        request = projects.request_funding(self.session, project=project, by=self.council, amount=amount,
                                           year=self.today.year, list_entry=self.matter())
        request.requested_at = self.at(requested_days_ago, 10)
        if decided_days_ago is not None:
            projects.decide_funding(self.session, request=request, by=self.staff, approve=True,
                                    reason="符合社区保障资金使用范围，纳入本年度民生微项目。")
            request.decided_at = self.at(decided_days_ago, 15)
            grant = self.session.scalar(select(LedgerEntry).where(LedgerEntry.fund_request_id == request.id))
            grant.occurred_on, grant.entered_at = request.decided_at.date(), request.decided_at
            grant.decided_at = request.decided_at
        return request

    def milestones(self, project: Project, steps) -> None:
        for days_ago, title, percent in steps:
            milestone = projects.add_milestone(self.session, project=project, by=self.council, title=title,
                                               progress_percent=percent, reached_on=self.day(days_ago))
            self.photo("milestone", milestone.id)

    def spend(self, project: Project, spending: Spending) -> None:
        """Enter the spending with its receipt; the supervisor approves it a day later (after settling any
        objection to it), unless it is still waiting."""
        entry = projects.add_entry(self.session, project=project, by=self.council, data=projects.EntryInput(
            kind=EntryKind.SPENDING, amount=Decimal(spending.amount), occurred_on=self.day(spending.days_ago),
            counterparty=spending.counterparty, counterparty_is_person=spending.person,
            purpose=spending.purpose))
        entry.entered_at = self.at(spending.days_ago, 17)
        self.photo("ledger_entry", entry.id)
        decided_days_ago = spending.days_ago - 1
        if spending.objection:
            body, answer = spending.objection
            self._settled_objection(project, body, answer, raised_days_ago=spending.days_ago - 1)
            decided_days_ago = spending.days_ago - 3
        if spending.approved:
            projects.decide_entry(self.session, entry=entry, by=self.supervisor, approve=True)
            entry.decided_at = self.at(decided_days_ago, 11)

    def _settled_objection(self, project: Project, body: str, answer: str, *, raised_days_ago: int) -> None:
        objection = projects.object_to(self.session, project=project, by=self.supervisor, body=body)
        projects.answer_objection(self.session, objection=objection, by=self.council, text=answer)
        projects.accept_answer(self.session, objection=objection, by=self.supervisor)
        objection.raised_at = self.at(raised_days_ago, 20)
        objection.answered_at = self.at(raised_days_ago - 1, 18)
        objection.settled_at = self.at(raised_days_ago - 2, 9)


def seed_projects(session, *, config, community: Community, compound: Compound, users: dict[str, User],
                  today: date) -> None:
    seeder = _Seeder(session=session, config=config, community=community, compound=compound, users=users,
                     today=today, now=utcnow(), rng=random.Random(20261130))
    projects.set_fund(session, community=community, year=today.year, community_type=CommunityType.CITY,
                      residents=COMMUNITY_RESIDENTS, by=seeder.staff)
    [classroom_proposal, *_] = projects.adopted_without_project(session, compound.id)
    _seed_classroom(seeder, classroom_proposal)
    residents = _verified_residents(session, compound)
    adopted = _adopt(seeder, residents)
    for spec in PROJECTS:
        _seed_project(seeder, spec, adopted[spec.key], residents)
    _publish_report(seeder)


def _verified_residents(session, compound: Compound) -> list[User]:
    return list(session.scalars(
        select(User).join(HouseholdMembership, HouseholdMembership.user_id == User.id)
        .where(HouseholdMembership.compound_id == compound.id,
               HouseholdMembership.status == MembershipStatus.VERIFIED)
        .order_by(User.id).distinct()))


# --- 四点半课堂, under way ---------------------------------------------------------------------------------------

def _seed_classroom(seeder: _Seeder, proposal: Proposal) -> None:
    session, today = seeder.session, seeder.today
    project = projects.create_project(session, proposal=proposal, by=seeder.council, data=projects.ProjectInput(
        lead=seeder.council, budget=Decimal(proposal.estimated_cost or "35000"),
        funding_source=FundingSource.COMMUNITY_FUND, planned_start=today - timedelta(days=40),
        planned_end=today + timedelta(days=20), implementer_kind=ImplementerKind.COUNCIL,
        implementer_reason="工程量小，由议事会组织居民志愿者和本地商户实施，节省费用。"))
    began = CLASSROOM_BEGAN_DAYS_AGO
    seeder.fund(project, project.budget, requested_days_ago=began, decided_days_ago=began - 2)
    projects.start(session, project=project, by=seeder.council)
    project.created_at, project.started_at = seeder.at(began, 9), seeder.at(began - 5, 9)
    seeder.milestones(project, CLASSROOM_MILESTONES)
    for spending in CLASSROOM_SPENDING:
        seeder.spend(project, spending)


# --- the council's adoption of the other four --------------------------------------------------------------------

def _adopt(seeder: _Seeder, residents: list[User]) -> dict[str, Proposal]:
    """The residents propose and support the four projects; one council meeting adopts them all."""
    session, compound = seeder.session, seeder.compound
    held_on = max(seeder.day(MEETING["days_ago"]), date(seeder.today.year, 1, 1))
    proposed_on = held_on - timedelta(days=PROPOSED_BEFORE_MEETING)
    voices = [r for r in residents if not is_council_member(r, compound)]
    made: dict[str, Proposal] = {}
    for index, spec in enumerate(PROJECTS):
        author = voices[(index * 5 + 3) % len(voices)]
        proposal = proposals.propose(session, compound=compound, author=author, title=spec.title, body=spec.body,
                                     category=spec.category, estimated_cost=Decimal(spec.budget))
        backers = [r for r in residents if r.id != author.id]
        seeder.rng.shuffle(backers)
        for backer in backers:
            if proposal.status is not ProposalStatus.OPEN:
                break
            proposals.support(session, proposal=proposal, user=backer)
        for text, replies in spec.comments:
            top = proposals.add_comment(session, subject_type="proposal", subject_id=proposal.id, compound=compound,
                                        author=seeder.rng.choice(voices), body=text, subject_title=proposal.title,
                                        subject_url=f"/proposals/{proposal.id}")
            for reply in replies:
                proposals.add_comment(session, subject_type="proposal", subject_id=proposal.id, compound=compound,
                                      author=seeder.council, body=reply, parent_id=top.id,
                                      subject_title=proposal.title, subject_url=f"/proposals/{proposal.id}")
        created = seeder.local(proposed_on + timedelta(days=index * 2), seeder.rng.randrange(8, 22),
                               seeder.rng.randrange(60))
        proposal.created_at, proposal.qualified_at = created, created + timedelta(days=9)
        session.execute(update(Comment).where(Comment.subject_type == "proposal", Comment.subject_id == proposal.id)
                        .values(created_at=created + timedelta(days=1)))
        made[spec.key] = proposal
    members, supervisors = council.roles_on(session, compound, held_on)
    data = council.MeetingInput(
        held_on=held_on, place=MEETING["place"], minutes=MEETING["notes"], present_ids=[m.id for m in members],
        supervisor_ids=[s.id for s in supervisors],
        decisions=[council.DecisionInput(proposal_id=made[spec.key].id, outcome=ProposalStatus.ADOPTED,
                                         reason=spec.adopted_reason, votes_for=len(members))
                   for spec in PROJECTS])
    council.record_meeting(session, compound=compound, by=seeder.council, data=data, today=seeder.today)
    decided = seeder.local(held_on, 21)
    for proposal in made.values():
        proposal.decided_at = decided
    return made


# --- the four projects -------------------------------------------------------------------------------------------

def _seed_project(seeder: _Seeder, spec: DemoProject, proposal: Proposal, residents: list[User]) -> None:
    session = seeder.session
    start = seeder.day(spec.planned_start_days_ago)
    project = projects.create_project(session, proposal=proposal, by=seeder.council, data=projects.ProjectInput(
        lead=seeder.council, budget=Decimal(spec.budget), funding_source=spec.source, planned_start=start,
        planned_end=start + timedelta(days=spec.planned_days), implementer_kind=spec.implementer_kind,
        implementer_name=spec.implementer_name, implementer_reason=spec.implementer_reason))
    project.created_at = seeder.at(spec.created_days_ago, 9)
    if spec.bids:
        _choose_implementer(seeder, project, spec)
        return
    if spec.funded_days_ago is not None:
        seeder.fund(project, project.budget, requested_days_ago=spec.funded_days_ago + 3,
                    decided_days_ago=spec.funded_days_ago)
    projects.start(session, project=project, by=seeder.council)
    project.started_at = seeder.at(spec.started_days_ago, 8)
    if spec.income:
        days_ago, source, purpose = spec.income
        entry = projects.add_entry(session, project=project, by=seeder.council, data=projects.EntryInput(
            kind=EntryKind.INCOME, amount=project.budget, occurred_on=seeder.day(days_ago), counterparty=source,
            counterparty_is_person=False, purpose=purpose))
        entry.entered_at = seeder.at(days_ago, 16)
        seeder.photo("ledger_entry", entry.id)
    seeder.milestones(project, spec.milestones)
    for spending in spec.spending:
        seeder.spend(project, spending)
    projects.complete(session, project=project, by=seeder.council)
    project.completed_at = seeder.at(spec.completed_days_ago, 17)
    if spec.accepted_days_ago is None:
        return
    projects.accept(session, project=project, by=seeder.supervisor, note=spec.acceptance_note)
    project.accepted_at = seeder.at(spec.accepted_days_ago, 15)
    evaluation.open_rating(session, project=project, now=project.accepted_at)
    _rate(seeder, project, spec, residents)
    if spec.rectification:
        _rectify(seeder, project, spec)


def _choose_implementer(seeder: _Seeder, project: Project, spec: DemoProject) -> None:
    """Bids come in (the social enterprise's from its operator, the others on paper through the council), the
    council chooses one with its reasons, and asks the station for the chosen quote."""
    session = seeder.session
    made = []
    for bid_spec in spec.bids:
        bid = bidding.submit_bid(session, project=project,
                                 by=seeder.users["enterprise"] if bid_spec.by_operator else seeder.council,
                                 bidder_kind=bid_spec.kind, bidder_name=bid_spec.name,
                                 quote=Decimal(bid_spec.quote), plan=bid_spec.plan)
        bid.submitted_at = seeder.at(bid_spec.days_ago, 14)
        made.append(bid)
    chosen = made[spec.chosen_bid]
    bidding.choose_bid(session, bid=chosen, by=seeder.council, reason=spec.chosen_reason)
    project.implementer_chosen_at = seeder.at(spec.chosen_days_ago, 21)
    seeder.fund(project, chosen.quote, requested_days_ago=spec.chosen_days_ago - 1, decided_days_ago=None)


def _rate(seeder: _Seeder, project: Project, spec: DemoProject, residents: list[User]) -> None:
    """Residents other than the council rate within the window, those who use the result every day first; the
    demo's resident and owner are left to rate the project whose window is still open."""
    visitors = {seeder.users["resident"].id, seeder.users["owner"].id}
    raters = [r for r in residents if not is_council_member(r, seeder.compound)
              and (project.rating_closes_at <= seeder.now or r.id not in visitors)]
    seeder.rng.shuffle(raters)
    raters.sort(key=lambda rater: not _lives_in(rater, seeder.compound, spec.used_by))
    until = min(project.rating_closes_at, seeder.now)
    span = (until - project.accepted_at).total_seconds()
    moments = sorted(project.accepted_at + timedelta(seconds=int(span * seeder.rng.random() ** 1.5) + 60)
                     for _ in spec.ratings)
    for rater, (score, comment), at in zip(raters, spec.ratings, moments):
        evaluation.rate(seeder.session, project=project, by=rater, score=score, comment=comment, now=at)


def _lives_in(user: User, compound: Compound, buildings: tuple[str, ...]) -> bool:
    return any(m.compound_id == compound.id and m.household.building.name in buildings
               for m in user.verified_memberships)


def _rectify(seeder: _Seeder, project: Project, spec: DemoProject) -> None:
    """The window closed with an average below 3.0: the rectification opens, and the council reports on it."""
    session = seeder.session
    evaluation.settle_due(session, now=project.rating_closes_at + timedelta(hours=1))
    rectification = session.scalar(select(Rectification).where(Rectification.project_id == project.id))
    days_ago, report = spec.rectification
    evaluation.report_rectification(session, rectification=rectification, by=seeder.council, report=report)
    rectification.reported_at = seeder.at(days_ago, 16)


# --- the supervisory committee's report ---------------------------------------------------------------------------

def _publish_report(seeder: _Seeder) -> None:
    """The committee's report on the quarter so far; published now, as a published report cannot be changed."""
    period = _quarter(seeder.today)
    reports.publish_report(seeder.session, compound=seeder.compound, by=seeder.supervisor,
                           title=f"{period}监督报告", period=period, body=REPORT_BODY)


def _quarter(today: date) -> str:
    return f"{today.year}年第{QUARTERS[(today.month - 1) // 3]}季度"
