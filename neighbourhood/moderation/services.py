"""Hiding, restoring and reporting content. Every action is in the public moderation log (without the
content) and in the audit log; the author is told when their content is hidden."""
from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.moderation import content
from neighbourhood.moderation.models import ContentReport, ModerationAction, ModerationKind
from neighbourhood.moderation.permissions import _compound_of, can_moderate, can_report
from neighbourhood.moderation.reasons import Reason
from neighbourhood.notifications.services import notify

# Reports from this many different residents hide content until the council reviews it.
AUTO_HIDE_REPORTS = 3
NOTE_MAX = 500


def _reason(reason) -> Reason:
    try:
        return Reason(reason)
    except ValueError:
        raise DomainError(_l("Choose a reason from the list.")) from None


def _note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Keep the note under %(n)s characters.", n=NOTE_MAX))
    return note


def _entry(kind: str):
    try:
        return content.kind_of(kind)
    except KeyError:
        raise DomainError(_l("This kind of content cannot be moderated.")) from None


def _title(item) -> str:
    """A short name for the content in the author's notification (the author wrote it)."""
    text = getattr(item, "title", None) or getattr(item, "body", "") or ""
    text = " ".join(str(text).split())
    return text if len(text) <= 30 else text[:29] + "…"


def _log(session: Session, *, kind: str, item, action: ModerationKind, reason: str | None, note: str, by,
         data: dict | None = None) -> ModerationAction:
    compound = _compound_of(item)
    entry = ModerationAction(
        compound_id=item.compound_id, community_id=compound.community_id, kind=kind, subject_id=item.id,
        action=action, reason=reason, note=note, url=_entry(kind).url(item)[:200],
        actor_id=getattr(by, "id", None), at=utcnow(),
    )
    session.add(entry)
    audit.record(session, actor=by, action=f"moderation.{action.value}", subject_type=kind,
                 subject=item, community_id=compound.community_id, compound_id=item.compound_id,
                 data={"subject_id": item.id, "reason": reason, "note": note, **(data or {})})
    return entry


def _set_hidden(item, *, reason: str, note: str, by) -> None:
    item.hidden_at = utcnow()
    item.hidden_reason = reason
    item.hidden_note = note
    item.hidden_by_id = getattr(by, "id", None)
    item.hidden_by_reports = False


def _resolve_reports(session: Session, kind: str, item) -> None:
    session.execute(
        update(ContentReport)
        .where(ContentReport.kind == kind, ContentReport.subject_id == item.id, ContentReport.resolved_at.is_(None))
        .values(resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _tell_author(session: Session, *, kind: str, item, reason: str, by) -> None:
    author = getattr(item, "author", None)
    if author is None:
        return
    notify(session, recipients=[author], kind="content.hidden", url=_entry(kind).url(item)[:200],
           params={"what": kind, "title": _title(item), "reason": reason},
           compound_id=item.compound_id, actor=by)


def hide(session: Session, *, kind: str, item, by, reason, note: str = "") -> ModerationAction:
    """A council member of the content's compound hides it with a reason from the list (and a note)."""
    _entry(kind)
    if not can_moderate(by, kind, item):
        raise DomainError(_l("Only the council of this compound can hide its content."))
    if item.is_hidden and not is_auto_hidden(item):
        raise DomainError(_l("This is already hidden."))
    code = _reason(reason).value
    note = _note(note)
    _set_hidden(item, reason=code, note=note, by=by)
    _resolve_reports(session, kind, item)
    action = _log(session, kind=kind, item=item, action=ModerationKind.HIDE, reason=code, note=note, by=by)
    _tell_author(session, kind=kind, item=item, reason=code, by=by)
    return action


def restore(session: Session, *, kind: str, item, by, note: str = "") -> ModerationAction:
    """A council member shows hidden content again (also how a review of reported content ends well)."""
    _entry(kind)
    if not can_moderate(by, kind, item):
        raise DomainError(_l("Only the council of this compound can restore its content."))
    if not item.is_hidden:
        raise DomainError(_l("This is not hidden."))
    note = _note(note)
    was = {"was_reason": item.hidden_reason}
    item.hidden_at = None
    item.hidden_reason = None
    item.hidden_note = ""
    item.hidden_by_id = None
    item.hidden_by_reports = False
    _resolve_reports(session, kind, item)
    return _log(session, kind=kind, item=item, action=ModerationKind.RESTORE, reason=None, note=note, by=by,
                data=was)


def dismiss(session: Session, *, kind: str, item, by, note: str = "") -> ModerationAction:
    """After review, a council member keeps reported (still visible) content up: its reports leave the queue."""
    _entry(kind)
    if not can_moderate(by, kind, item):
        raise DomainError(_l("Only the council of this compound can review its content."))
    if item.is_hidden:
        raise DomainError(_l("This is hidden: restore it instead."))
    note = _note(note)
    _resolve_reports(session, kind, item)
    return _log(session, kind=kind, item=item, action=ModerationKind.DISMISS, reason=None, note=note, by=by)


def report(session: Session, *, kind: str, item, by, reason, note: str = "") -> ContentReport:
    """A verified resident reports content (once; not their own). When residents not yet answered by the
    council's review reach AUTO_HIDE_REPORTS different people, the content is hidden pending review."""
    _entry(kind)
    code = _reason(reason).value
    note = _note(note)
    if getattr(item, "author_id", None) == getattr(by, "id", None):
        raise DomainError(_l("You cannot report your own content."))
    if item.is_hidden:
        raise DomainError(_l("This is already hidden."))
    if not can_report(by, kind, item):
        raise DomainError(_l("Only verified residents of this compound can report its content."))
    row = ContentReport(compound_id=item.compound_id, reporter_id=by.id, kind=kind, subject_id=item.id,
                        reason=code, note=note, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise DomainError(_l("You have already reported this. The council will review it.")) from None
    compound = _compound_of(item)
    audit.record(session, actor=by, action="moderation.report", subject_type=kind, subject=item,
                 community_id=compound.community_id,
                 compound_id=item.compound_id, data={"subject_id": item.id, "reason": code, "note": note})
    _auto_hide_if_reached(session, kind=kind, item=item)
    return row


def _auto_hide_if_reached(session: Session, *, kind: str, item) -> None:
    reasons = session.scalars(
        select(ContentReport.reason).where(ContentReport.kind == kind, ContentReport.subject_id == item.id,
                                           ContentReport.resolved_at.is_(None))
    ).all()
    if len(reasons) < AUTO_HIDE_REPORTS or item.is_hidden:
        return
    # the reason most residents gave (ties: the first in the fixed list)
    counts = Counter(reasons)
    order = list(Reason)
    code = max(counts, key=lambda r: (counts[r], -order.index(Reason(r))))
    item.hidden_at = utcnow()
    item.hidden_reason = code
    item.hidden_note = ""
    item.hidden_by_id = None
    item.hidden_by_reports = True
    _log(session, kind=kind, item=item, action=ModerationKind.AUTO_HIDE, reason=code, note="", by=None,
         data={"reports": len(reasons)})
    _tell_author(session, kind=kind, item=item, reason=code, by=None)


def is_auto_hidden(item) -> bool:
    """Hidden by residents' reports and not yet reviewed (a council member's hide names them)."""
    return item.is_hidden and bool(item.hidden_by_reports)


# -- reading ---------------------------------------------------------------------------------------------

def review_queue(session: Session, compound) -> list[dict]:
    """Content of the compound with reports the council has not yet decided on, most reported first:
    [{kind, item, reports, reasons: {code: n}, first_at, notes: [str]}] — a few queries whatever the size."""
    rows = session.execute(
        select(ContentReport.kind, ContentReport.subject_id, ContentReport.reason, ContentReport.note,
               ContentReport.created_at)
        .where(ContentReport.compound_id == compound.id, ContentReport.resolved_at.is_(None))
        .order_by(ContentReport.created_at)
    ).all()
    groups: dict[tuple[str, int], dict] = {}
    for row in rows:
        group = groups.setdefault((row.kind, row.subject_id), {
            "kind": row.kind, "subject_id": row.subject_id, "reports": 0, "reasons": Counter(), "notes": [],
            "first_at": row.created_at})
        group["reports"] += 1
        group["reasons"][row.reason] += 1
        if row.note:
            group["notes"].append(row.note)
    by_kind: dict[str, list[int]] = {}
    for kind, subject_id in groups:
        by_kind.setdefault(kind, []).append(subject_id)
    items: dict[tuple[str, int], object] = {}
    for kind, ids in by_kind.items():
        entry = content.kinds().get(kind)
        if entry is None:
            continue
        for obj in session.scalars(select(entry.model).where(entry.model.id.in_(ids))):
            items[(kind, obj.id)] = obj
    queue = []
    for key, group in groups.items():
        if key in items:
            group["item"] = items[key]
            queue.append(group)
    queue.sort(key=lambda g: (not g["item"].is_hidden, -g["reports"], g["first_at"]))
    return queue


def log_page(session: Session, *, compound_id: int | None, page: int, per_page: int = 30):
    """The public log, newest first: (actions, has_more)."""
    query = select(ModerationAction).order_by(ModerationAction.at.desc(), ModerationAction.id.desc())
    if compound_id is not None:
        query = query.where(ModerationAction.compound_id == compound_id)
    rows = session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)).all()
    return rows[:per_page], len(rows) > per_page


def open_report_count(session: Session, compound_id: int) -> int:
    return session.scalar(select(func.count()).select_from(ContentReport).where(
        ContentReport.compound_id == compound_id, ContentReport.resolved_at.is_(None))) or 0
