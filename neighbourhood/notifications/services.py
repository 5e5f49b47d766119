"""Sending notifications. Other domains call notify(); the inbox and the SMS digest read what it stores."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from neighbourhood.db import utcnow
from neighbourhood.notifications.kinds import KINDS
from neighbourhood.notifications.models import Channel, Notification, NotificationPreference, Timing

PER_PAGE = 20


def notify(
    session: Session, *, recipients: Iterable, kind: str, url: str, params: dict | None = None,
    compound_id: int | None = None, actor=None,
) -> list[Notification]:
    """One inbox item per recipient (each once, never the actor); an SMS goes out at once to those who chose
    SMS immediately for this kind, the others' wait for the daily digest (or stay in the inbox only)."""
    if kind not in KINDS:
        raise KeyError(f"unknown notification kind {kind!r}: add it to notifications.kinds.KINDS")
    actor_id = getattr(actor, "id", None)
    seen: set[int] = set()
    made = []
    users = {}
    for user in recipients:
        if user is None or user.id in seen or user.id == actor_id or user.is_deleted:
            continue
        seen.add(user.id)
        users[user.id] = user
        made.append(Notification(user_id=user.id, compound_id=compound_id, kind=kind,
                                 params=params or {}, url=url))
    session.add_all(made)
    _send_immediate(session, made, users, kind)
    return made


def _send_immediate(session: Session, made: list[Notification], users: dict, kind: str) -> None:
    with_phone = [uid for uid, user in users.items() if user.phone]
    if not with_phone:
        return
    wanted = set(session.scalars(
        select(NotificationPreference.user_id).where(
            NotificationPreference.kind == kind, NotificationPreference.user_id.in_(with_phone),
            NotificationPreference.channel == Channel.SMS, NotificationPreference.timing == Timing.IMMEDIATE)
    ))
    if not wanted:
        return
    from neighbourhood.notifications import sms

    now = utcnow()
    for notification in made:
        if notification.user_id in wanted:
            notification.created_at = notification.created_at or now
            sms.send(users[notification.user_id].phone, sms.immediate_message(notification))
            notification.sms_sent_at = now


# -- preferences --------------------------------------------------------------------------------------------

def preferences(session: Session, user) -> dict[str, tuple[Channel, Timing]]:
    """Every kind's (channel, timing) for the user; kinds without a row get the default: inbox, daily digest."""
    chosen = {p.kind: (p.channel, p.timing) for p in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    return {kind: chosen.get(kind, (Channel.INBOX, Timing.DIGEST)) for kind in KINDS}


def set_preferences(session: Session, user, choices: dict[str, tuple[Channel, Timing]]) -> list[str]:
    """Store the user's choices (one row per kind); returns the kinds that changed."""
    rows = {p.kind: p for p in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    changed = []
    for kind, (channel, timing) in choices.items():
        if kind not in KINDS:
            continue
        row = rows.get(kind)
        if row is None:
            if (channel, timing) == (Channel.INBOX, Timing.DIGEST):
                continue
            session.add(NotificationPreference(user_id=user.id, kind=kind, channel=channel, timing=timing))
            changed.append(kind)
        elif (row.channel, row.timing) != (channel, timing):
            row.channel, row.timing = channel, timing
            changed.append(kind)
    return changed


# -- inbox --------------------------------------------------------------------------------------------------

def inbox_page(session: Session, user, *, page: int = 1, per_page: int = PER_PAGE):
    """(notifications newest first, has_more)."""
    rows = session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * per_page).limit(per_page + 1)
    ).all()
    return rows[:per_page], len(rows) > per_page


def unread_count(session: Session, user) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(session: Session, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(session: Session, user) -> int:
    result = session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0


# -- daily digest -------------------------------------------------------------------------------------------

def send_digest(session: Session) -> int:
    """One SMS per user summarising their unread, unsent notifications of the kinds they want by SMS as a
    digest; marks them sent. Never to deleted users or users without a phone. Returns the SMS count."""
    from neighbourhood.accounts.models import User
    from neighbourhood.notifications import sms

    rows = session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .join(NotificationPreference, (NotificationPreference.user_id == Notification.user_id)
              & (NotificationPreference.kind == Notification.kind))
        .where(Notification.sms_sent_at.is_(None), Notification.read_at.is_(None),
               NotificationPreference.channel == Channel.SMS, NotificationPreference.timing == Timing.DIGEST,
               User.phone.is_not(None), User.deleted_at.is_(None))
        .order_by(Notification.user_id, Notification.created_at)
    ).all()
    waiting: dict[int, tuple[object, list[Notification]]] = {}
    for notification, user in rows:
        if user.is_deleted or not user.phone:
            continue
        waiting.setdefault(user.id, (user, []))[1].append(notification)
    now = utcnow()
    for user, notifications in waiting.values():
        sms.send(user.phone, sms.digest_message(notifications))
        for notification in notifications:
            notification.sms_sent_at = now
    return len(waiting)
