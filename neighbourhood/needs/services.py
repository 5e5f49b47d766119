"""Need verbs: raise, "me too", triage, the station's reply and close, overdue flags, and listing.

Services take a session and the acting user, flush when they need ids, never commit, and write the audit
entry, the public timeline event and the notifications for every change they make."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, delete, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from neighbourhood.accounts.models import IllegalTransition, User
from neighbourhood.accounts.permissions import can_take_part
from neighbourhood.audit import services as audit
from neighbourhood.accounts.services import preload_people, with_public_names
from neighbourhood.db import DomainError, Page, like_pattern, utcnow
from neighbourhood.needs.categories import Category
from neighbourhood.needs.models import (
    ACTIVE,
    DESCRIPTION_MAX,
    NOTE_MAX,
    OUTCOMES,
    PLACE_MAX,
    STATION_OUTCOMES,
    TITLE_MAX,
    EventKind,
    Need,
    NeedEvent,
    NeedStatus,
    NeedSupport,
    overdue_cutoff,
)
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Building, Community, Compound
from neighbourhood.station import services as station
from neighbourhood.station.models import FourListEntry


def need_url(need: Need) -> str:
    return f"/needs/{need.id}"


def _event(session: Session, need: Need, kind: EventKind, *, by, note: str = "", at: datetime | None = None,
           list_entry_id: int | None = None) -> NeedEvent:
    event = NeedEvent(need_id=need.id, compound_id=need.compound_id, kind=kind, status=need.status,
                      actor_id=getattr(by, "id", None), note=note, list_entry_id=list_entry_id, at=at or utcnow())
    session.add(event)
    return event


def _record(session: Session, need: Need, *, by, action: str, data: dict) -> None:
    audit.record(session, actor=by, action=action, subject=need, community_id=need.community_id,
                 compound_id=need.compound_id, data=data)


# --- raising ----------------------------------------------------------------------------------------------

def raise_need(session: Session, *, author, compound: Compound, title: str, description: str, category,
               building_id: int | None = None, place: str = "") -> Need:
    """A verified resident's need, OPEN for triage. Photos are saved by the caller afterwards."""
    if not can_take_part(author, compound):
        raise DomainError(_l("Only verified residents of this compound can raise needs."))
    title = " ".join((title or "").split())
    description = (description or "").strip()
    place = " ".join((place or "").split())
    if not title or not description:
        raise DomainError(_l("Give the need a title and describe it."))
    if len(title) > TITLE_MAX or len(description) > DESCRIPTION_MAX or len(place) > PLACE_MAX:
        raise DomainError(_l("The title, description or place is too long."))
    try:
        category = Category(category)
    except ValueError:
        raise DomainError(_l("Choose a category from the list.")) from None
    if building_id is not None:
        building = session.get(Building, building_id)
        if building is None or building.compound_id != compound.id:
            raise DomainError(_l("Choose a building of this compound."))
        place = ""
    elif not place:
        raise DomainError(_l("Say where it is: a building, or a common area such as the east gate."))
    need = Need(compound=compound, community_id=compound.community_id, author=author, title=title,
                description=description, category=category, building_id=building_id, place=place,
                status=NeedStatus.OPEN, me_too_count=0, created_at=utcnow())
    session.add(need)
    session.flush()
    _event(session, need, EventKind.RAISED, by=author, at=need.created_at)
    _record(session, need, by=author, action="need.raised",
            data={"title": title, "category": category.value, "building_id": building_id, "place": place})
    return need


# --- me too -----------------------------------------------------------------------------------------------

def add_me_too(session: Session, *, need: Need, user) -> bool:
    """Count the user's "me too" once. True if counted now, False if it already was.

    The count moves first by an atomic UPDATE that re-checks the status (taking the row lock on PostgreSQL,
    the write lock on SQLite); the row is then inserted in a savepoint, and a duplicate from a parallel
    request lowers the count again. So me_too_count always equals the rows."""
    if need.author_id == getattr(user, "id", None):
        raise DomainError(_l("This is your own need: it already counts for you."))
    if not can_take_part(user, need.compound):
        raise DomainError(_l("Only verified residents of this compound can add \"me too\"."))
    if _move_count(session, need, +1) is None:
        raise DomainError(_l("This need is settled: it no longer takes \"me too\"."))
    try:
        with session.begin_nested():
            session.add(NeedSupport(need_id=need.id, user_id=user.id, compound_id=need.compound_id))
    except IntegrityError:
        _move_count(session, need, -1, statuses=tuple(NeedStatus))
        return False
    return True


def withdraw_me_too(session: Session, *, need: Need, user) -> bool:
    """Take a "me too" back while the need is still being worked on. True if there was one."""
    if need.status not in ACTIVE:
        raise DomainError(_l("This need is settled: \"me too\" can no longer be taken back."))
    gone = session.execute(
        delete(NeedSupport).where(NeedSupport.need_id == need.id, NeedSupport.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not gone:
        return False
    _move_count(session, need, -1, statuses=tuple(NeedStatus))
    return True


def _move_count(session: Session, need: Need, step: int, *, statuses=ACTIVE):
    """me_too_count += step in the database while the need is visible and in `statuses`; the object gets
    the database's count and status back. None when nothing matched."""
    conditions = [Need.id == need.id, Need.status.in_(statuses)]
    if step > 0:
        conditions.append(Need.hidden_at.is_(None))
    row = session.execute(
        update(Need).where(*conditions).values(me_too_count=Need.me_too_count + step)
        .returning(Need.me_too_count, Need.status)
        .execution_options(synchronize_session=False)
    ).first()
    if row is not None:
        set_committed_value(need, "me_too_count", row.me_too_count)
        set_committed_value(need, "status", row.status)
    return row


def me_too_of(session: Session, need_ids: Iterable[int], user) -> set[int]:
    """Which of these needs the user said "me too" to (one query)."""
    ids = list(need_ids)
    if not ids or user is None or not user.is_authenticated:
        return set()
    return set(session.scalars(select(NeedSupport.need_id).where(NeedSupport.user_id == user.id,
                                                                 NeedSupport.need_id.in_(ids))))


def supporters(session: Session, need: Need) -> list[User]:
    """The "me too" residents, first come first, with what can_take_part() reads (two queries)."""
    return list(session.scalars(
        select(User).join(NeedSupport, NeedSupport.user_id == User.id).where(NeedSupport.need_id == need.id)
        .order_by(NeedSupport.created_at, NeedSupport.id)
        .options(selectinload(User.memberships))))


def _audience(session: Session, need: Need) -> list:
    """Who hears about a need's changes: its author and every "me too" resident."""
    return [need.author, *supporters(session, need)]


def _tell_status(session: Session, need: Need, *, by) -> None:
    notify(session, recipients=_audience(session, need), kind="need.status", url=need_url(need),
           params={"title": need.title, "status": need.status.value}, compound_id=need.compound_id, actor=by)


# --- triage -----------------------------------------------------------------------------------------------

NOTE_REQUIRED = {
    NeedStatus.RESOLVED: _l("Say how it was resolved: residents will read it."),
    NeedStatus.REFERRED: _l("Say what was passed to property management and what happens next."),
    NeedStatus.ESCALATED: _l("Say why it goes to the station: the station and residents will read it."),
    NeedStatus.DECLINED: _l("Give the reason for declining: residents will read it."),
}


def _outcome(value) -> NeedStatus:
    try:
        outcome = NeedStatus(value)
    except ValueError:
        outcome = None
    if outcome not in OUTCOMES:
        raise DomainError(_l("Choose what happens to the need."))
    return outcome


def _note(note: str | None, outcome: NeedStatus) -> str:
    note = (note or "").strip()
    if not note and outcome in NOTE_REQUIRED:
        raise DomainError(NOTE_REQUIRED[outcome])
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Keep the note under %(n)s characters.", n=NOTE_MAX))
    return note


def _list_entry(session: Session, need: Need, list_entry_id: int | None) -> FourListEntry | None:
    """The four-list entry the need falls under: required once the station keeps the lists."""
    if list_entry_id:
        entry = session.get(FourListEntry, list_entry_id)
        if entry is None or entry.community_id != need.community_id or not entry.active:
            raise DomainError(_l("Choose an entry of this community's four lists."))
        return entry
    has_lists = session.scalar(select(func.count(FourListEntry.id)).where(
        FourListEntry.community_id == need.community_id, FourListEntry.active.is_(True)))
    if has_lists:
        raise DomainError(_l("Choose which of the four lists the matter falls under."))
    return None


def triage_need(session: Session, *, need: Need, by, outcome, note: str = "",
                list_entry_id: int | None = None) -> Need:
    """The council's decision on an OPEN need: classified against the four lists, with one outcome.
    Converting makes a proposal by the need's author whose first supporters are its "me too" residents.
    Resolution photos are saved by the caller (subject_type "need_resolution", subject_id need.id)."""
    outcome = _outcome(outcome)
    note = _note(note, outcome)
    if need.status is not NeedStatus.OPEN:
        raise DomainError(_l("This need has already been triaged."))
    entry = _list_entry(session, need, list_entry_id)
    if outcome is NeedStatus.CONVERTED and need.is_hidden:
        raise DomainError(_l("A hidden need cannot become a proposal. Restore it first, or decline it."))
    # Take the need in the database, so two council members triaging at once cannot both win.
    now = utcnow()
    taken = session.execute(
        update(Need).where(Need.id == need.id, Need.status == NeedStatus.OPEN)
        .values(triaged_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        session.refresh(need)
        raise DomainError(_l("This need has already been triaged."))
    try:
        need.triage(outcome, by_id=by.id, at=now, note=note, list_entry_id=entry.id if entry else None)
    except IllegalTransition:
        raise DomainError(_l("This need has already been triaged.")) from None
    if outcome is NeedStatus.CONVERTED:
        from neighbourhood.proposals.services import propose_from_need

        proposal = propose_from_need(
            session, compound=need.compound, title=need.title, body=_proposal_body(need),
            category=need.category, author=need.author, supporters=supporters(session, need),
            source_need_id=need.id, by=by)
        need.proposal_id = proposal.id
    session.flush()
    _event(session, need, EventKind.TRIAGED, by=by, note=note, at=now, list_entry_id=need.list_entry_id)
    _record(session, need, by=by, action="need.triaged",
            data={"outcome": outcome.value, "list_entry_id": need.list_entry_id,
                  "list_kind": entry.kind.value if entry else None, "note": note,
                  "proposal_id": need.proposal_id})
    _tell_status(session, need, by=by)
    if outcome is NeedStatus.ESCALATED:
        staff = station.station_staff(session, [need.community_id])[need.community_id]
        notify(session, recipients=staff, kind="need.escalated", url=need_url(need),
               params={"title": need.title, "compound": need.compound.name}, compound_id=need.compound_id,
               actor=by)
    return need


def _proposal_body(need: Need) -> str:
    where = need.building.name if need.building is not None else need.place
    return f"{need.description}\n\n({where})" if where else need.description


# --- the station ----------------------------------------------------------------------------------------

def reply_as_station(session: Session, *, need: Need, by, text: str, close=None) -> Need:
    """Station staff answer an escalated need on its timeline, and may close it (resolved or declined)."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Write the reply first."))
    if len(text) > NOTE_MAX:
        raise DomainError(_l("Keep the reply under %(n)s characters.", n=NOTE_MAX))
    outcome = None
    if close:
        try:
            outcome = NeedStatus(close)
        except ValueError:
            outcome = None
        if outcome not in STATION_OUTCOMES:
            raise DomainError(_l("The station closes a need as resolved or declined."))
    if need.status is not NeedStatus.ESCALATED:
        raise DomainError(_l("Only needs escalated to the station take the station's reply."))
    now = utcnow()
    _event(session, need, EventKind.STATION_REPLY, by=by, note=text, at=now)
    _record(session, need, by=by, action="need.station_reply", data={"text": text})
    if outcome is None:
        notify(session, recipients=_audience(session, need), kind="need.station_reply", url=need_url(need),
               params={"title": need.title}, compound_id=need.compound_id, actor=by)
        return need
    need.close_by_station(outcome, at=now)
    session.flush()
    _event(session, need, EventKind.CLOSED, by=by, at=now)
    _record(session, need, by=by, action="need.closed_by_station", data={"outcome": outcome.value})
    _tell_status(session, need, by=by)
    return need


# --- overdue ----------------------------------------------------------------------------------------------

def _overdue_condition(compounds: Iterable[Compound], now: datetime):
    """OPEN needs older than their own compound's triage limit, grouped by limit (few distinct values)."""
    by_limit: dict[int, list[int]] = defaultdict(list)
    for compound in compounds:
        by_limit[compound.triage_limit_days].append(compound.id)
    if not by_limit:
        return false()
    return and_(Need.status == NeedStatus.OPEN, or_(*(
        and_(Need.compound_id.in_(ids), Need.created_at < overdue_cutoff(days, now))
        for days, ids in by_limit.items())))


def count_overdue(session: Session, *, compound: Compound, now: datetime | None = None) -> int:
    return session.scalar(select(func.count(Need.id)).where(
        _overdue_condition([compound], now or utcnow()))) or 0


def flag_overdue(session: Session, *, now: datetime | None = None) -> list[Need]:
    """Tell each overdue need's council and its community's station, once per need (kind "need.overdue").
    Safe to run from several machines at once: each need is claimed by a conditional UPDATE."""
    now = now or utcnow()
    compounds = list(session.scalars(select(Compound)))
    candidates = list(session.scalars(
        select(Need).where(_overdue_condition(compounds, now), Need.overdue_flagged_at.is_(None))
        .order_by(Need.created_at, Need.id).options(joinedload(Need.compound))))
    if not candidates:
        return []
    councils = station.council_members(session, {n.compound_id for n in candidates})
    staff = station.station_staff(session, {n.community_id for n in candidates})
    flagged = []
    for need in candidates:
        claimed = session.execute(
            update(Need).where(Need.id == need.id, Need.overdue_flagged_at.is_(None),
                               Need.status == NeedStatus.OPEN)
            .values(overdue_flagged_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        set_committed_value(need, "overdue_flagged_at", now)
        days = (now - need.created_at).days
        _event(session, need, EventKind.OVERDUE, by=None, at=now)
        _record(session, need, by=None, action="need.flagged_overdue",
                data={"days": days, "limit": need.compound.triage_limit_days})
        notify(session, recipients=[*councils[need.compound_id], *staff[need.community_id]],
               kind="need.overdue", url=need_url(need), params={"title": need.title, "days": days},
               compound_id=need.compound_id)
        flagged.append(need)
    return flagged


# --- listing ----------------------------------------------------------------------------------------------

PER_PAGE = 20
SORTS = ("newest", "me_too", "waiting")
OVERDUE = "overdue"
STATUS_FILTERS = (*[s.value for s in NeedStatus], OVERDUE)




def list_needs(session: Session, *, compound: Compound, viewer, status: str = "", category: str = "",
               sort: str = "newest", q: str = "", page: int = 1, per_page: int = PER_PAGE,
               now: datetime | None = None, load_authors: bool = True) -> Page:
    """One page of a compound's needs: three queries however many rows (needs, authors, their homes).
    Without `load_authors` one query; the caller preloads the authors with others (preload_people)."""
    from neighbourhood.needs.permissions import can_see_hidden_needs

    now = now or utcnow()
    statement = select(Need).where(Need.compound_id == compound.id)
    if status == OVERDUE:
        statement = statement.where(_overdue_condition([compound], now))
    elif status in STATUS_FILTERS:
        statement = statement.where(Need.status == NeedStatus(status))
    if category in {c.value for c in Category}:
        statement = statement.where(Need.category == Category(category))
    if q and q.strip():
        pattern = like_pattern(q.strip())
        statement = statement.where(or_(Need.title.ilike(pattern, escape="\\"),
                                        Need.description.ilike(pattern, escape="\\")))
    if not can_see_hidden_needs(viewer, compound):
        statement = statement.where(or_(Need.hidden_at.is_(None), Need.author_id == getattr(viewer, "id", None)))
    if sort == "me_too":
        statement = statement.order_by(Need.me_too_count.desc(), Need.created_at.desc(), Need.id.desc())
    elif sort == "waiting":
        statement = statement.order_by(case((Need.status == NeedStatus.OPEN, 0), else_=1),
                                       Need.created_at, Need.id)
    else:
        statement = statement.order_by(Need.created_at.desc(), Need.id.desc())
    page = max(1, page)
    statement = statement.options(joinedload(Need.building))
    if load_authors:
        statement = with_public_names(statement, Need.author)
    rows = list(session.scalars(statement.limit(per_page + 1).offset((page - 1) * per_page)))
    return Page(items=rows[:per_page], page=page, has_more=len(rows) > per_page)


def load_need(session: Session, need_id: int) -> Need | None:
    """One need with its place and classification (its author: see preload_people)."""
    statement = select(Need).where(Need.id == need_id).options(
        joinedload(Need.compound).joinedload(Compound.community), joinedload(Need.building),
        joinedload(Need.list_entry))
    return session.scalar(statement)


def timeline(session: Session, need: Need, *, also_people: Iterable[int | None] = ()) -> list[NeedEvent]:
    """The need's public timeline, oldest first, with classifications; its actors, the need's author and
    `also_people` (e.g. the reader) are loaded with what public_name() reads. Three queries."""
    events = list(session.scalars(
        select(NeedEvent).where(NeedEvent.need_id == need.id).order_by(NeedEvent.at, NeedEvent.id)
        .options(joinedload(NeedEvent.list_entry))))
    preload_people(session, [need.author_id, *(e.actor_id for e in events), *also_people])
    return events




def need_photos(session: Session, need: Need) -> tuple[list, list]:
    """The need's own photos and the council's resolution photos, in one query."""
    from neighbourhood.media.models import Photo

    rows = session.scalars(select(Photo).where(Photo.subject_type.in_(("need", "need_resolution")),
                                               Photo.subject_id == need.id).order_by(Photo.position, Photo.id))
    own, resolution = [], []
    for photo in rows:
        (own if photo.subject_type == "need" else resolution).append(photo)
    return own, resolution


@dataclass
class Inbox:
    escalated: list
    overdue: list
    communities: list
    limit: int


INBOX_LIMIT = 100


def station_inbox(session: Session, *, communities: list[Community], now: datetime | None = None,
                  limit: int = INBOX_LIMIT) -> Inbox:
    """Escalated needs of every compound of these communities (escalated longest ago first), and needs
    waiting too long for triage (oldest first). A fixed number of queries."""
    now = now or utcnow()
    ids = [c.id for c in communities]
    if not ids:
        return Inbox([], [], [], limit)
    compounds = list(session.scalars(select(Compound).where(Compound.community_id.in_(ids))))
    options = (joinedload(Need.compound), joinedload(Need.building))
    escalated = list(session.scalars(
        select(Need).where(Need.community_id.in_(ids), Need.status == NeedStatus.ESCALATED)
        .order_by(Need.triaged_at, Need.id).limit(limit).options(*options)))
    overdue = list(session.scalars(
        select(Need).where(Need.community_id.in_(ids), _overdue_condition(compounds, now))
        .order_by(Need.created_at, Need.id).limit(limit).options(*options)))
    return Inbox(escalated, overdue, communities, limit)
