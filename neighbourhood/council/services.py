"""Council verbs: read the agenda and the roster, record a meeting with its decisions, give an opinion.

A meeting is checked whole before anything is written: a refusal leaves every proposal as it was."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from neighbourhood.accounts.models import COUNCIL_ROLES, Role, RoleAssignment, User
from neighbourhood.accounts.services import public_name_loads
from neighbourhood.audit import services as audit
from neighbourhood.council import rules
from neighbourhood.council.models import Attendance, Capacity, Decision, Meeting, Opinion
from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Compound
from neighbourhood.proposals.models import Proposal, ProposalStatus, ProposalSupport

# Proposals another may be merged into: still alive, not settled.
MERGEABLE = (ProposalStatus.OPEN, ProposalStatus.QUALIFIED)
REASON_REQUIRED = (ProposalStatus.REJECTED, ProposalStatus.MERGED)


# --- reading -------------------------------------------------------------------------------------------

@dataclass
class AgendaItem:
    proposal: Proposal
    # The latest decision on it that a supervisor's objection returned, and that objection.
    returned: Decision | None = None
    objection: Opinion | None = None

    @property
    def from_need(self) -> bool:
        return self.proposal.source_need_id is not None


def _agenda_condition(compound: Compound):
    return and_(
        Proposal.compound_id == compound.id,
        or_(Proposal.status == ProposalStatus.QUALIFIED,
            and_(Proposal.status == ProposalStatus.OPEN, Proposal.source_need_id.is_not(None))),
    )


def agenda(session: Session, compound: Compound) -> list[AgendaItem]:
    """Qualified proposals and needs the council converted, oldest first; objections marked."""
    proposals = list(session.scalars(
        select(Proposal).where(_agenda_condition(compound))
        .options(public_name_loads(joinedload(Proposal.author)))
        .order_by(Proposal.qualified_at.is_(None), Proposal.qualified_at, Proposal.created_at, Proposal.id)
    ))
    items = {p.id: AgendaItem(p) for p in proposals}
    if items:
        returned = session.scalars(
            select(Decision).where(Decision.proposal_id.in_(items), Decision.returned_at.is_not(None))
            .options(selectinload(Decision.opinions), joinedload(Decision.meeting))
            .order_by(Decision.returned_at)
        )
        for decision in returned:
            item = items[decision.proposal_id]
            item.returned = decision
            item.objection = next((o for o in reversed(decision.opinions) if o.is_objection), None)
    return list(items.values())


def merge_candidates(session: Session, compound: Compound) -> list[Proposal]:
    return list(session.scalars(
        select(Proposal).where(Proposal.compound_id == compound.id, Proposal.status.in_(MERGEABLE))
        .order_by(Proposal.id.desc())
    ))


def roles_on(session: Session, compound: Compound, on: date) -> tuple[list[User], list[User]]:
    """The council roster (members and convener) and the supervisors of the compound on a day."""
    next_day = datetime.combine(on + timedelta(days=1), time())
    assignments = session.scalars(
        select(RoleAssignment).where(
            RoleAssignment.compound_id == compound.id,
            RoleAssignment.role.in_([*COUNCIL_ROLES, Role.SUPERVISOR]),
            RoleAssignment.term_start <= on,
            or_(RoleAssignment.term_end.is_(None), RoleAssignment.term_end >= on),
            or_(RoleAssignment.ended_at.is_(None), RoleAssignment.ended_at >= next_day),
        )
        .options(public_name_loads(joinedload(RoleAssignment.user)))
        .order_by(RoleAssignment.id)
    )
    council: dict[int, User] = {}
    supervisors: dict[int, User] = {}
    for assignment in assignments:
        if assignment.user.is_deleted:
            continue
        target = council if assignment.role in COUNCIL_ROLES else supervisors
        target.setdefault(assignment.user_id, assignment.user)
    # The supervisory committee excludes council members; if the data says both, the vote wins.
    return list(council.values()), [u for uid, u in supervisors.items() if uid not in council]


def meetings_of(session: Session, compound: Compound, *, limit: int = 50) -> list[Meeting]:
    return list(session.scalars(
        select(Meeting).where(Meeting.compound_id == compound.id)
        .options(selectinload(Meeting.decisions))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit)
    ))


def load_meeting(session: Session, meeting_id: int) -> Meeting | None:
    """A meeting with everything its page shows, in a fixed number of queries."""
    return session.scalars(
        select(Meeting).where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.compound),
            public_name_loads(selectinload(Meeting.attendances).joinedload(Attendance.user)),
            selectinload(Meeting.decisions).joinedload(Decision.proposal),
            selectinload(Meeting.decisions).joinedload(Decision.merged_into),
            public_name_loads(selectinload(Meeting.decisions).selectinload(Decision.opinions)
                               .joinedload(Opinion.author)),
        )
    ).unique().one_or_none()


# --- recording a meeting -------------------------------------------------------------------------------

@dataclass
class DecisionInput:
    proposal_id: int
    outcome: ProposalStatus | None
    reason: str = ""
    merge_into_id: int | None = None
    votes_for: int | None = None
    votes_against: int = 0
    votes_abstain: int = 0


@dataclass
class MeetingInput:
    held_on: date
    place: str
    minutes: str = ""
    present_ids: list[int] = field(default_factory=list)
    supervisor_ids: list[int] = field(default_factory=list)
    decisions: list[DecisionInput] = field(default_factory=list)


class MeetingRefused(DomainError):
    """Everything wrong with a meeting record, by where the form shows it; nothing was written."""

    def __init__(self, *, general: list, fields: dict[str, list], items: dict[int, dict[str, list]]):
        super().__init__("the meeting record has problems; nothing was saved")
        self.general = general
        self.fields = fields
        self.items = items


def vote_message(problem: rules.VoteProblem, present: int):
    if problem is rules.VoteProblem.MISSING:
        return _l("Enter how many members voted for this decision.")
    if problem is rules.VoteProblem.NEGATIVE:
        return _l("Vote counts cannot be negative.")
    if problem is rules.VoteProblem.TOO_MANY:
        return _l("More votes than members present (%(present)s).", present=present)
    return _l("Not carried: a decision needs %(needed)s votes for it, a majority of the %(present)s "
              "members present.", needed=rules.votes_needed(present), present=present)


@dataclass
class QuorumReport:
    council_size: int
    present: int
    percent: int
    needed: int
    quorate: bool


def quorum_report(compound: Compound, council_size: int, present: int) -> QuorumReport:
    percent = compound.council_quorum_percent
    percent = rules.DEFAULT_QUORUM_PERCENT if percent is None else percent
    return QuorumReport(council_size, present, percent, rules.minimum_present(council_size, percent),
                        rules.is_quorate(present, council_size, percent))


@dataclass
class _Checked:
    present_ids: set[int]
    quorum: QuorumReport
    chosen: list[DecisionInput]
    proposals: dict[int, Proposal]


def check_meeting(session: Session, *, compound: Compound, data: MeetingInput, today: date) -> None:
    """Raise MeetingRefused with everything wrong with the record; write nothing."""
    _check(session, compound, data, today)


def _check(session: Session, compound: Compound, data: MeetingInput, today: date) -> _Checked:
    general: list = []
    fields: dict[str, list] = defaultdict(list)
    items: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    if rules.is_future(data.held_on, today):
        fields["held_on"].append(_l("The meeting date cannot be in the future."))
    if not data.place.strip():
        fields["place"].append(_l("Say where the meeting took place."))
    council, supervisors = roles_on(session, compound, data.held_on)
    council_ids = {u.id for u in council}
    supervisor_ids = {u.id for u in supervisors}
    present_ids = set(data.present_ids)
    if present_ids - council_ids:
        fields["present"].append(_l("Only members of the council on the meeting date can be marked present."))
    if set(data.supervisor_ids) - supervisor_ids:
        fields["supervisors"].append(
            _l("Only members of the supervisory committee on the meeting date can be marked present."))
    present = len(present_ids & council_ids)
    quorum = quorum_report(compound, len(council_ids), present)

    chosen = [d for d in data.decisions if d.outcome is not None]
    if chosen and not quorum.quorate:
        if not council_ids:
            general.append(_l("The compound had no council members on the meeting date, so no decision "
                              "can be taken."))
        else:
            general.append(_l(
                "The meeting is not quorate: %(present)s of %(size)s council members present, %(needed)s "
                "needed. It can record minutes but cannot take decisions.",
                present=present, size=quorum.council_size, needed=quorum.needed))

    ids = {d.proposal_id for d in chosen} | {d.merge_into_id for d in chosen if d.merge_into_id}
    proposals = {p.id: p for p in session.scalars(
        # Locked and re-read: a meeting recorded at the same moment must not decide the same proposal twice.
        select(Proposal).where(Proposal.id.in_(ids), Proposal.compound_id == compound.id).with_for_update()
        .execution_options(populate_existing=True)
    )} if ids else {}
    seen: set[int] = set()
    merged_here = {d.proposal_id for d in chosen if d.outcome is ProposalStatus.MERGED}
    for d in chosen:
        problems = items[d.proposal_id]
        proposal = proposals.get(d.proposal_id)
        if d.proposal_id in seen:
            problems["outcome"].append(_l("Decide on each proposal once."))
            continue
        seen.add(d.proposal_id)
        if proposal is None or not _on_agenda(proposal):
            problems["outcome"].append(_l("This proposal is no longer on the agenda."))
            continue
        if d.outcome in REASON_REQUIRED and not d.reason.strip():
            problems["reason"].append(_l("Give the public reasons for this decision."))
        if d.outcome is ProposalStatus.MERGED:
            target = proposals.get(d.merge_into_id) if d.merge_into_id else None
            if d.merge_into_id is None:
                problems["merge_into"].append(_l("Choose the proposal to merge into."))
            elif d.merge_into_id == d.proposal_id:
                problems["merge_into"].append(_l("A proposal cannot be merged into itself."))
            elif target is None:
                problems["merge_into"].append(_l("Merge only into a proposal of this compound."))
            elif target.status not in MERGEABLE:
                problems["merge_into"].append(_l("That proposal is already settled; choose an open one."))
            elif target.id in merged_here:
                problems["merge_into"].append(_l("That proposal is itself merged at this meeting."))
        if quorum.quorate:
            count = rules.VoteCount(d.votes_for, d.votes_against or 0, d.votes_abstain or 0)
            problem = rules.check_votes(count, present)
            if problem is not None:
                problems["votes"].append(vote_message(problem, present))
    items = {pid: dict(p) for pid, p in items.items() if p}
    if general or any(fields.values()) or items:
        raise MeetingRefused(general=general, fields={k: v for k, v in fields.items() if v}, items=items)
    return _Checked(present_ids & council_ids, quorum, chosen, proposals)


def record_meeting(session: Session, *, compound: Compound, by: User, data: MeetingInput,
                   today: date) -> Meeting:
    """Check the whole record, then write the meeting, apply each decision to its proposal, audit, notify."""
    checked = _check(session, compound, data, today)
    present_ids, quorum, chosen, proposals = (checked.present_ids, checked.quorum, checked.chosen,
                                              checked.proposals)
    present = len(present_ids)
    meeting = Meeting(
        compound_id=compound.id, community_id=compound.community_id, held_on=data.held_on,
        place=data.place.strip(), minutes=data.minutes.strip(), council_size=quorum.council_size,
        present_count=present, quorum_percent=quorum.percent, quorum_needed=quorum.needed,
        is_quorate=quorum.quorate, recorded_by=by,
    )
    session.add(meeting)
    session.flush()
    for user_id in sorted(present_ids):
        session.add(Attendance(meeting_id=meeting.id, compound_id=compound.id, user_id=user_id,
                               capacity=Capacity.MEMBER))
    for user_id in sorted(set(data.supervisor_ids)):
        session.add(Attendance(meeting_id=meeting.id, compound_id=compound.id, user_id=user_id,
                               capacity=Capacity.SUPERVISOR))
    audit.record(session, actor=by, action="council.meeting_recorded", subject=meeting,
                 community_id=compound.community_id, compound_id=compound.id,
                 data={"held_on": data.held_on.isoformat(), "place": meeting.place,
                       "council_size": quorum.council_size, "present": sorted(present_ids),
                       "supervisors": sorted(set(data.supervisor_ids)), "quorum_needed": quorum.needed,
                       "quorate": quorum.quorate, "decisions": len(chosen)})
    supporters = _supporters(session, [d.proposal_id for d in chosen])
    now = utcnow()
    for d in chosen:
        proposal = proposals[d.proposal_id]
        target = proposals[d.merge_into_id] if d.outcome is ProposalStatus.MERGED else None
        if proposal.status is ProposalStatus.OPEN:
            # A need the council converted goes on the agenda directly, without waiting for supports.
            proposal.qualify(at=now)
        proposal.settle(d.outcome, at=now, reason=d.reason, merged_into=target)
        decision = Decision(
            meeting_id=meeting.id, compound_id=compound.id, community_id=compound.community_id,
            proposal_id=proposal.id, outcome=d.outcome, merged_into_id=target.id if target else None,
            reason=d.reason.strip(), votes_for=d.votes_for, votes_against=d.votes_against or 0,
            votes_abstain=d.votes_abstain or 0,
        )
        session.add(decision)
        session.flush()
        audit.record(session, actor=by, action="council.decision", subject=decision,
                     community_id=compound.community_id, compound_id=compound.id,
                     data={"meeting_id": meeting.id, "proposal_id": proposal.id, "outcome": d.outcome.value,
                           "merged_into_id": decision.merged_into_id, "reason": decision.reason,
                           "votes_for": decision.votes_for, "votes_against": decision.votes_against,
                           "votes_abstain": decision.votes_abstain, "present": present})
        notify(session, recipients=[proposal.author, *supporters.get(proposal.id, [])],
               kind="proposal.decision", url=f"/proposals/{proposal.id}",
               params={"title": proposal.title, "outcome": d.outcome.value},
               compound_id=compound.id, actor=by)
    session.flush()
    return meeting


def _on_agenda(proposal: Proposal) -> bool:
    return proposal.status is ProposalStatus.QUALIFIED or (
        proposal.status is ProposalStatus.OPEN and proposal.source_need_id is not None)


def _supporters(session: Session, proposal_ids: list[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    if proposal_ids:
        rows = session.execute(
            select(ProposalSupport.proposal_id, User).join(User, User.id == ProposalSupport.user_id)
            .where(ProposalSupport.proposal_id.in_(proposal_ids))
        )
        for proposal_id, user in rows:
            found[proposal_id].append(user)
    return found


# --- supervisors ---------------------------------------------------------------------------------------

def give_opinion(session: Session, *, decision: Decision, by: User, body: str, objection: bool,
                 today: date) -> Opinion:
    """Attach a supervisor's opinion; an objection returns the proposal to the council's agenda."""
    body = body.strip()
    if not body:
        raise DomainError(_l("Write your opinion."))
    proposal = decision.proposal
    meeting = decision.meeting
    if objection:
        if decision.is_returned:
            raise DomainError(_l("This decision is already back on the agenda."))
        if decision.ballot_id is not None or proposal.status is not decision.outcome:
            raise DomainError(_l("This decision has been carried out further and can no longer be returned. "
                                 "Your opinion can still be recorded without an objection."))
    opinion = Opinion(decision=decision, compound_id=decision.compound_id, author=by, body=body,
                      is_objection=objection)
    session.add(opinion)
    session.flush()
    if objection:
        now = utcnow()
        decision.return_by_objection(by=by, at=now)
        proposal.return_to_agenda()
        council, _supervisors = roles_on(session, meeting.compound, today)
        notify(session, recipients=council, kind="decision.objection",
               url=f"/council/meetings/{meeting.id}#decision-{decision.id}",
               params={"title": proposal.title}, compound_id=decision.compound_id, actor=by)
    audit.record(session, actor=by, action="council.objection" if objection else "council.opinion",
                 subject=opinion, community_id=decision.community_id, compound_id=decision.compound_id,
                 data={"decision_id": decision.id, "proposal_id": proposal.id, "meeting_id": meeting.id,
                       "objection": objection, "body": body,
                       **({"returned_to_agenda": True} if objection else {})})
    return opinion
