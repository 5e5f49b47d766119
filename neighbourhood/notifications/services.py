"""Sending notifications. Other domains call notify(); the inbox and the SMS digest read what it stores."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy.orm import Session

from neighbourhood.notifications.kinds import KINDS
from neighbourhood.notifications.models import Notification


def notify(
    session: Session, *, recipients: Iterable, kind: str, url: str, params: dict | None = None,
    compound_id: int | None = None, actor=None,
) -> list[Notification]:
    """One inbox item per recipient (each once, never the actor); SMS goes out later by preference."""
    if kind not in KINDS:
        raise KeyError(f"unknown notification kind {kind!r}: add it to notifications.kinds.KINDS")
    actor_id = getattr(actor, "id", None)
    seen: set[int] = set()
    made = []
    for user in recipients:
        if user is None or user.id in seen or user.id == actor_id or user.is_deleted:
            continue
        seen.add(user.id)
        made.append(Notification(user_id=user.id, compound_id=compound_id, kind=kind,
                                 params=params or {}, url=url))
    session.add_all(made)
    return made
