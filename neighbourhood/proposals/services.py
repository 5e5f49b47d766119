"""Proposal verbs: propose, edit, withdraw, support, and comments on resident content."""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from neighbourhood.accounts.models import IllegalTransition
from neighbourhood.accounts.permissions import can_take_part
from neighbourhood.audit import services as audit
from neighbourhood.accounts.services import preload_people, with_public_names
from neighbourhood.db import DomainError, Page, like_pattern, utcnow
from neighbourhood.needs.categories import Category
from neighbourhood.places.models import Compound, Household
from neighbourhood.proposals.models import (
    COMMENT_MAX,
    COUNCIL_OUTCOMES,
    Comment,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)

MIN_THRESHOLD = 10
THRESHOLD_SHARE = 0.05


def threshold_for(households: int, configured: int | None) -> int:
    """Supports a proposal needs: the compound's own figure, else the larger of 10 and 5% of households."""
    if configured is not None and configured > 0:
        return configured
    return max(MIN_THRESHOLD, math.ceil(households * THRESHOLD_SHARE))


def support_threshold(session: Session, compound: Compound) -> int:
    if compound.support_threshold is not None and compound.support_threshold > 0:
        return compound.support_threshold
    households = session.scalar(
        select(func.count(Household.id)).where(Household.compound_id == compound.id)
    ) or 0
    return threshold_for(households, compound.support_threshold)


def _qualify_if_reached(session: Session, proposal: Proposal, *, threshold: int, by) -> bool:
    """At the threshold an OPEN proposal enters the council agenda; the author is told. True if it did."""
    if proposal.status is not ProposalStatus.OPEN or proposal.support_count < threshold:
        return False
    from neighbourhood.notifications.services import notify

    proposal.qualify(at=utcnow())
    audit.record(session, actor=by, action="proposal.qualified", subject=proposal,
                 community_id=proposal.community_id, compound_id=proposal.compound_id,
                 data={"supports": proposal.support_count, "threshold": threshold})
    notify(session, recipients=[proposal.author], kind="proposal.threshold",
           url=f"/proposals/{proposal.id}", params={"title": proposal.title},
           compound_id=proposal.compound_id)
    return True


def propose_from_need(session: Session, *, compound: Compound, title: str, body: str, category,
                      author, supporters: Iterable, source_need_id: int, by) -> Proposal:
    """A need the council converted becomes an OPEN proposal by the need's author; its verified "me too"
    residents are the first supporters (the author stands behind it already, as on any proposal)."""
    proposal = Proposal(
        compound=compound, community_id=compound.community_id, author=author,
        title=title.strip()[:80], body=body.strip(), category=Category(category), status=ProposalStatus.OPEN,
        support_count=0, source_need_id=source_need_id,
    )
    session.add(proposal)
    session.flush()
    seen: set[int] = set()
    for user in supporters:
        if user is None or user.id in seen or not can_take_part(user, compound):
            continue
        seen.add(user.id)
        session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id, compound_id=compound.id))
    proposal.support_count = len(seen)
    session.flush()
    audit.record(session, actor=by, action="proposal.created_from_need", subject=proposal,
                 community_id=compound.community_id, compound_id=compound.id,
                 data={"need_id": source_need_id, "title": proposal.title, "supports": len(seen)})
    _qualify_if_reached(session, proposal, threshold=support_threshold(session, compound), by=by)
    return proposal


# --- proposing, editing, withdrawing ------------------------------------------------------------------

def propose(session: Session, *, compound: Compound, author, title: str, body: str, category,
            estimated_cost: Decimal | None = None) -> Proposal:
    """A verified resident's proposal, OPEN for support. Photos are saved by the caller after this."""
    if not can_take_part(author, compound):
        raise DomainError(_l("Only verified residents of this compound can make proposals."))
    proposal = Proposal(
        compound=compound, community_id=compound.community_id, author=author, title=title.strip(),
        body=body.strip(), category=Category(category), estimated_cost=estimated_cost,
        status=ProposalStatus.OPEN, support_count=0,
    )
    session.add(proposal)
    session.flush()
    audit.record(session, actor=author, action="proposal.created", subject=proposal,
                 community_id=compound.community_id, compound_id=compound.id,
                 data={"title": proposal.title, "category": proposal.category.value,
                       "estimated_cost": _money(estimated_cost)})
    return proposal


def edit_proposal(session: Session, *, proposal: Proposal, by, title: str, body: str, category,
                  estimated_cost: Decimal | None) -> None:
    """The author changes the proposal while nobody supports it yet (checked in the database, so a support
    arriving meanwhile wins)."""
    if proposal.author_id != getattr(by, "id", None):
        raise DomainError(_l("Only the author can change a proposal."))
    values = {"title": title.strip(), "body": body.strip(), "category": Category(category),
              "estimated_cost": estimated_cost}
    before = {"title": proposal.title, "body": proposal.body, "category": proposal.category.value,
              "estimated_cost": _money(proposal.estimated_cost)}
    done = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.support_count == 0, Proposal.status == ProposalStatus.OPEN,
               Proposal.hidden_at.is_(None))
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise DomainError(_l("This proposal can no longer be changed: someone already supports it."))
    session.refresh(proposal)
    after = {"title": proposal.title, "body": proposal.body, "category": proposal.category.value,
             "estimated_cost": _money(proposal.estimated_cost)}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k] and k != "body"}
    if before["body"] != after["body"]:
        changed["body"] = "changed"
    audit.record(session, actor=by, action="proposal.edited", subject=proposal,
                 community_id=proposal.community_id, compound_id=proposal.compound_id, data=changed)


def withdraw_proposal(session: Session, *, proposal: Proposal, by, reason: str) -> None:
    if proposal.author_id != getattr(by, "id", None):
        raise DomainError(_l("Only the author can withdraw a proposal."))
    if not reason or not reason.strip():
        raise DomainError(_l("Say why you are withdrawing it: supporters will read it."))
    try:
        proposal.withdraw(reason=reason, at=utcnow())
    except IllegalTransition:
        raise DomainError(_l("The council has already decided on this proposal; it can no longer be "
                             "withdrawn.")) from None
    audit.record(session, actor=by, action="proposal.withdrawn", subject=proposal,
                 community_id=proposal.community_id, compound_id=proposal.compound_id,
                 data={"reason": proposal.outcome_reason})


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


# --- supports ---------------------------------------------------------------------------------------------

SUPPORTABLE = (ProposalStatus.OPEN, ProposalStatus.QUALIFIED)


def support(session: Session, *, proposal: Proposal, user) -> bool:
    """Count the user's support once. True if it was counted now, False if it already was.

    The unique constraint decides between parallel requests; the count moves by atomic UPDATEs, so a resident
    is never counted twice and support_count always equals the rows. The count is raised first: that takes
    the proposal's row lock (PostgreSQL) or the write lock (SQLite) and re-checks the status in the same
    statement; the insert then runs in a savepoint, and a duplicate lowers the count again."""
    if proposal.author_id == getattr(user, "id", None):
        raise DomainError(_l("You cannot support your own proposal: it already stands for you."))
    if not can_take_part(user, proposal.compound):
        raise DomainError(_l("Only verified residents of this compound can support proposals."))
    row = _move_count(session, proposal, +1, statuses=SUPPORTABLE)
    if row is None:
        raise DomainError(_l("This proposal no longer takes supports."))
    try:
        with session.begin_nested():
            session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id,
                                        compound_id=proposal.compound_id))
    except IntegrityError:
        _move_count(session, proposal, -1, statuses=tuple(ProposalStatus))
        return False
    _qualify_if_reached(session, proposal, threshold=support_threshold(session, proposal.compound), by=user)
    return True


def _move_count(session: Session, proposal: Proposal, step: int, *, statuses):
    """support_count += step in the database, only while the proposal is visible and in `statuses`; the
    object gets the database's count and status back. None when nothing matched."""
    row = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status.in_(statuses), Proposal.hidden_at.is_(None))
        .values(support_count=Proposal.support_count + step)
        .returning(Proposal.support_count, Proposal.status)
        .execution_options(synchronize_session=False)
    ).first()
    if row is not None:
        set_committed_value(proposal, "support_count", row.support_count)
        set_committed_value(proposal, "status", row.status)
    return row


def withdraw_support(session: Session, *, proposal: Proposal, user) -> bool:
    """Take a support back while the proposal still gathers them. True if there was one to take back."""
    gone = session.execute(
        delete(ProposalSupport)
        .where(ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not gone:
        return False
    if _move_count(session, proposal, -1, statuses=(ProposalStatus.OPEN,)) is None:
        raise DomainError(_l("This proposal is on the council's agenda: supports can no longer be "
                             "withdrawn."))
    return True


def supports(session: Session, proposal_ids: Iterable[int], user) -> set[int]:
    """Which of these proposals the user supports, in one query."""
    ids = list(proposal_ids)
    if not ids or user is None or not user.is_authenticated:
        return set()
    return set(session.scalars(select(ProposalSupport.proposal_id).where(
        ProposalSupport.user_id == user.id, ProposalSupport.proposal_id.in_(ids))))


# --- listing ----------------------------------------------------------------------------------------------

PER_PAGE = 20
STAGES: dict[str, tuple[ProposalStatus, ...]] = {
    "open": (ProposalStatus.OPEN,),
    "agenda": (ProposalStatus.QUALIFIED,),
    "decided": COUNCIL_OUTCOMES,
    "withdrawn": (ProposalStatus.WITHDRAWN,),
}
SORTS = ("newest", "supported")


def list_proposals(session: Session, *, compound: Compound, viewer, stage: str | None = None,
                   category: str | None = None, sort: str = "newest", q: str | None = None, page: int = 1,
                   per_page: int = PER_PAGE, load_authors: bool = True) -> Page:
    """One page of a compound's proposals, with their authors unless the caller preloads them."""
    from neighbourhood.proposals.permissions import can_see_hidden_in

    statement = select(Proposal).where(Proposal.compound_id == compound.id)
    if stage in STAGES:
        statement = statement.where(Proposal.status.in_(STAGES[stage]))
    if category in {c.value for c in Category}:
        statement = statement.where(Proposal.category == Category(category))
    if q and q.strip():
        pattern = like_pattern(q.strip())
        statement = statement.where(or_(Proposal.title.ilike(pattern, escape="\\"),
                                        Proposal.body.ilike(pattern, escape="\\")))
    if not can_see_hidden_in(viewer, compound):
        viewer_id = getattr(viewer, "id", None)
        statement = statement.where(or_(Proposal.hidden_at.is_(None), Proposal.author_id == viewer_id))
    if sort == "supported":
        statement = statement.order_by(Proposal.support_count.desc(), Proposal.created_at.desc(),
                                       Proposal.id.desc())
    else:
        statement = statement.order_by(Proposal.created_at.desc(), Proposal.id.desc())
    page = max(1, page)
    if load_authors:
        statement = with_public_names(statement, Proposal.author)
    statement = statement.limit(per_page + 1).offset((page - 1) * per_page)
    rows = list(session.scalars(statement))
    return Page(items=rows[:per_page], page=page, has_more=len(rows) > per_page)


def load_proposal(session: Session, proposal_id: int) -> Proposal | None:
    """One proposal with its compound and merge target (its author: see preload_people)."""
    statement = select(Proposal).where(Proposal.id == proposal_id).options(
        joinedload(Proposal.compound), joinedload(Proposal.merged_into))
    return session.scalar(statement)


# --- comments (on proposals now, on any content kind later) ---------------------------------------------

COMMENTS_PER_PAGE = 20


def add_comment(session: Session, *, subject_type: str, subject_id: int, compound: Compound, author,
                body: str, parent_id: int | None = None, subject_title: str = "",
                subject_url: str = "") -> Comment:
    """A verified resident's comment. Replies are one level deep: a reply to a reply joins its top comment.
    The parent comment's author is told (kind "comment.reply")."""
    from neighbourhood.notifications.services import notify
    from neighbourhood.web.display import public_name

    if not can_take_part(author, compound):
        raise DomainError(_l("Only verified residents of this compound can comment."))
    text = (body or "").strip()
    if not text:
        raise DomainError(_l("Write something first."))
    if len(text) > COMMENT_MAX:
        raise DomainError(_l("A comment can be at most %(max)d characters.", max=COMMENT_MAX))
    parent = None
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.subject_type != subject_type or parent.subject_id != subject_id:
            raise DomainError(_l("The comment you replied to is no longer here."))
        if parent.parent_id is not None:
            parent = session.get(Comment, parent.parent_id)
    comment = Comment(compound_id=compound.id, subject_type=subject_type, subject_id=subject_id,
                      parent_id=parent.id if parent else None, author=author, body=text)
    session.add(comment)
    session.flush()
    if parent is not None and parent.author is not None:
        notify(session, recipients=[parent.author], kind="comment.reply",
               url=subject_url and f"{subject_url}#comment-{comment.id}",
               params={"name": public_name(author), "title": subject_title},
               compound_id=compound.id, actor=author)
    return comment


def edit_comment(session: Session, *, comment: Comment, by, body: str, now=None) -> None:
    from neighbourhood.proposals.permissions import comment_edit_open

    if comment.author_id != getattr(by, "id", None):
        raise DomainError(_l("Only its author can change a comment."))
    if not comment_edit_open(comment, now):
        raise DomainError(_l("Comments can be changed only in the first 15 minutes after posting. "
                             "Add a new comment instead."))
    text = (body or "").strip()
    if not text:
        raise DomainError(_l("Write something first."))
    if len(text) > COMMENT_MAX:
        raise DomainError(_l("A comment can be at most %(max)d characters.", max=COMMENT_MAX))
    if text != comment.body:
        comment.body = text
        comment.edited_at = now or utcnow()


@dataclass
class Thread:
    """One page of top-level comments (newest first) with all their replies (oldest first)."""
    comments: list
    replies: dict
    page: int
    has_more: bool
    total: int


def comment_thread(session: Session, *, subject_type: str, subject_id: int, page: int = 1,
                   per_page: int = COMMENTS_PER_PAGE, preload_users: Iterable[int | None] = ()) -> Thread:
    """A fixed number of queries however many comments: top-level page, their replies, a count, and every
    author (plus `preload_users`, e.g. the subject's author) with what public_name() needs."""
    page = max(1, page)
    top = list(session.scalars(
        select(Comment).where(Comment.subject_type == subject_type, Comment.subject_id == subject_id,
                              Comment.parent_id.is_(None))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(per_page + 1).offset((page - 1) * per_page)))
    has_more, top = len(top) > per_page, top[:per_page]
    replies: dict[int, list] = {c.id: [] for c in top}
    if top:
        for reply in session.scalars(select(Comment).where(Comment.parent_id.in_(list(replies)))
                                     .order_by(Comment.created_at, Comment.id)):
            replies[reply.parent_id].append(reply)
    preload_people(session, [c.author_id for c in top]
                   + [r.author_id for rs in replies.values() for r in rs] + list(preload_users))
    total = session.scalar(select(func.count(Comment.id)).where(
        Comment.subject_type == subject_type, Comment.subject_id == subject_id)) or 0
    return Thread(comments=top, replies=replies, page=page, has_more=has_more, total=total)

